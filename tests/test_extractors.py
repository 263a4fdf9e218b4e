"""Each extractor on small strings."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.extract.dates import extract_date, find_dates, resolve_weekday
from generator.extract.organizations import canonical_organizations, find_organizations
from generator.extract.people import person_mentions
from generator.extract.places import find_places
from generator.extract.quotes import extract_quotes
from generator.gazetteer import gazetteer


def quotes_of(*paragraphs: str) -> list[tuple[str, str, str]]:
    _, quotes = extract_quotes(list(paragraphs))
    return [(q.speaker, q.kind, q.text) for q in quotes]


def speakers_of(*paragraphs: str) -> list[str]:
    speakers, _ = extract_quotes(list(paragraphs))
    return [s.name for s in speakers]


# Quotes and speakers


def test_said_after_name_attributes_quote():
    assert quotes_of('"We will rebuild," Maria Lopez said.') == [("Maria Lopez", "direct", "We will rebuild")]


def test_said_before_name_attributes_quote():
    assert quotes_of('"We will rebuild," said Maria Lopez, the mayor.') == [("Maria Lopez", "direct", "We will rebuild")]


def test_colon_quote_after_cue():
    assert quotes_of('Mayor Maria Lopez said: "We will rebuild the bridge."') == [("Maria Lopez", "direct", "We will rebuild the bridge.")]


def test_reported_speech_is_indirect():
    assert quotes_of("Maria Lopez said that the bridge would reopen in May.") == [
        ("Maria Lopez", "indirect", "the bridge would reopen in May")
    ]


def test_trailing_attribution_gives_the_clause_before_it():
    assert quotes_of("The bridge will reopen in May, city engineer Maria Lopez said on Friday.") == [
        ("Maria Lopez", "indirect", "The bridge will reopen in May")
    ]


def test_told_reporters_cue():
    assert quotes_of("Maria Lopez told reporters the bridge was safe.") == [("Maria Lopez", "indirect", "the bridge was safe")]


def test_according_to_person():
    assert quotes_of("According to Maria Lopez, the bridge is safe.") == [("Maria Lopez", "indirect", "the bridge is safe")]


def test_appositive_role_between_name_and_verb():
    result = speakers_of("Maria Lopez, the city's chief engineer, said the bridge was safe.")
    assert result == ["Maria Lopez"]


def test_pronoun_follow_up_maps_to_last_speaker_of_that_gender():
    result = quotes_of(
        "Maria Lopez said the bridge was safe. John Byrne said it was not.",
        '"I have seen the cracks," she said.',
    )
    assert result[-1] == ("Maria Lopez", "direct", "I have seen the cracks")


def test_surname_used_later_maps_to_full_name():
    result = quotes_of("Engineer Maria Lopez inspected the bridge.", '"It is safe," Lopez said.')
    assert result == [("Maria Lopez", "direct", "It is safe")]


def test_role_anaphor_maps_to_named_person():
    result = quotes_of("Police spokesman Tom Reyes said two men were arrested.", "The spokesman added that both were released.")
    assert [r[0] for r in result] == ["Tom Reyes", "Tom Reyes"]


def test_organization_that_said_is_not_a_speaker():
    assert speakers_of("The Defence Ministry said the drills were routine.", "NATO said in a statement it was watching.") == []


def test_country_that_said_is_not_a_speaker():
    assert speakers_of("Russia says the talks have failed.") == []


def test_person_merely_mentioned_is_not_a_speaker():
    assert speakers_of("President Joe Biden's spokeswoman said the visit was postponed.", "Karine Jean-Pierre told reporters it would happen soon.") == ["Karine Jean-Pierre"]


def test_quote_continuing_over_paragraphs():
    result = quotes_of('"The first part of it.', '"And the second part," Maria Lopez said.')
    assert result == [("Maria Lopez", "direct", "The first part of it. And the second part")]


def test_guillemets_and_curly_quotes():
    assert quotes_of("« Nous resterons », a dit Marie. « We stay », said Marie Curie.")[-1][0] == "Marie Curie"
    assert quotes_of("“We stay,” said Marie Curie.") == [("Marie Curie", "direct", "We stay")]


def test_titles_are_stripped_and_kept_as_role():
    speakers, _ = extract_quotes(["Defence Minister Major General Ana Silva said the base would close."])
    assert speakers[0].name == "Ana Silva"
    assert "Minister" in speakers[0].role


# People


def test_person_names_with_particles():
    names = [m.name for m in person_mentions("UN envoy Staffan de Mistura met President Bashar al-Assad.")]
    assert names == ["Staffan de Mistura", "Bashar al-Assad"]


def test_name_that_starts_with_a_country_is_a_person():
    names = [m.name for m in person_mentions("Captain Jordan Henderson scored.")]
    assert names == ["Jordan Henderson"]


# Places


def _places(text: str) -> list[str]:
    people = [person_mentions(text)]
    orgs = [find_organizations(text)]
    return [p.name for p in find_places([text], gazetteer(), people, orgs)]


def test_transliteration_variants_map_to_one_place():
    assert _places("Talks in Kiev ended. Officials in Kyiv said so.") == ["Kyiv"]


def test_person_name_is_not_a_place():
    assert "Jordan" not in _places("Jordan Henderson played in Liverpool.")
    assert _places("Jordan Henderson played in Liverpool.") == ["Liverpool"]


def test_country_aliases():
    assert _places("The US and the UK signed.") == ["United States", "United Kingdom"]


def test_unknown_village_with_a_cue_is_a_place():
    assert "Kafr Tahun" in _places("Shelling hit the village of Kafr Tahun near Aleppo.")


def test_places_have_coordinates():
    place = gazetteer().lookup("Aleppo").place
    assert place.country == "SY" and place.latitude and place.longitude


# Organizations


def test_acronym_and_long_form_are_one_organization():
    mentions = find_organizations("The World Health Organization (WHO) warned. Later the WHO said more.")
    assert canonical_organizations(mentions) == ["World Health Organization"]


def test_acronym_defined_in_article_is_learned():
    mentions = find_organizations("The Coastal Rescue Alliance (CRA) said. The CRA later added.")
    assert canonical_organizations(mentions) == ["Coastal Rescue Alliance"]


def test_shorter_name_merges_into_longer():
    mentions = find_organizations("The Russian Defense Ministry said. The Defense Ministry added.")
    assert canonical_organizations(mentions) == ["Russian Defense Ministry"]


# Dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Global Research, February 12, 2016", dt.date(2016, 2, 12)),
        ("Tass 11 February 2016", dt.date(2016, 2, 11)),
        ("Mon Sep 19, 2016 5:5AM", dt.date(2016, 9, 19)),
        ("Feb. 6, 2016.", dt.date(2016, 2, 6)),
        ("2020-01-05", dt.date(2020, 1, 5)),
    ],
)
def test_find_dates(text, expected):
    assert find_dates(text)[0].date == expected


def test_impossible_date_is_ignored():
    assert find_dates("February 30, 2016") == []


def test_weekday_resolves_forward_from_anchor():
    assert resolve_weekday(dt.date(2016, 2, 6), 3) == dt.date(2016, 2, 11)


def test_header_date_wins():
    found = extract_date(["May 1, 2020"], [], None, ["On Friday he spoke."], ["Photo taken on March 3, 2019."], [])
    assert (found.date, found.source) == (dt.date(2020, 5, 1), "header")


def test_dateline_year_comes_from_elsewhere():
    found = extract_date([], [], "LONDON, March 13 (Reuters) - ", [], [], [2019])
    assert (found.date, found.source) == (dt.date(2019, 3, 13), "dateline")


def test_relative_weekday_anchored_on_caption():
    found = extract_date([], [], None, ["He spoke on Thursday."], ["Soldiers on patrol, Feb. 6, 2016."], [])
    assert (found.date, found.source) == (dt.date(2016, 2, 11), "relative-weekday")


def test_no_evidence_gives_no_date():
    found = extract_date([], [], None, ["He spoke on Thursday."], [], [])
    assert (found.date, found.source) == (None, "none")


def test_outlet_prefilter_matches_wherever_an_alias_pattern_does():
    """outlet_named first asks one combined expression whether any alias occurs at all:
    it must say yes exactly where one of the per-alias patterns (each with its own case
    rule) matches, on every alias of the registry as written, in other cases and with
    neighbours that the patterns' boundaries refuse."""
    from generator.extract.sources import _alias_patterns, _any_alias

    patterns = _alias_patterns()
    texts = []
    for pattern, _ in patterns:
        alias = pattern.pattern.split(")", 1)[1].rsplit("(?!", 1)[0].replace("\\", "")
        texts += [f"Reported by {alias}.", alias.lower(), alias.upper(), f"x{alias}", f"{alias}-y", f"a.{alias}"]
    checked = {True: 0, False: 0}
    for text in texts:
        expected = any(pattern.search(text) for pattern, _ in patterns)
        assert bool(_any_alias().search(text)) == expected, text
        checked[expected] += 1
    assert checked[True] > 500 and checked[False] > 100, checked


def test_speech_cues_written_as_a_trie_match_as_the_sorted_alternation_does():
    """The cue expression is a trie of the speech verbs and source phrases; it must find
    the same cues, with the same group, as the alternation sorted longest first: on every
    form in several cases and neighbourhoods, and on 500 real BBC articles."""
    import re

    from generator import resources
    from generator.extract.quotes import _cue_pattern
    from tests.conftest import BBC

    forms = sorted(resources.speech_verb_forms(), key=len, reverse=True)
    phrases = sorted(resources.speech()["source_phrases"], key=len, reverse=True)
    reference = re.compile(
        r"(?<![\w-])(?:(?P<source>" + "|".join(map(re.escape, phrases)) + r")|(?P<verb>" + "|".join(map(re.escape, forms)) + r"))(?![\w-])",
        re.I,
    )
    texts = []
    for form in forms + phrases:
        texts += [f"He {form} that.", f'"No," {form.upper()} Ann.', f"{form.title()}: x", f"un{form}", f"{form}s", f"{form}-x", f"{form} to the"]
    texts += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(BBC.glob("*/*.txt"))[:500]]

    def cues(pattern, text):
        return [(m.span(), m.group("source"), m.group("verb")) for m in pattern.finditer(text)]

    found = 0
    for text in texts:
        expected = cues(reference, text)
        assert cues(_cue_pattern(), text) == expected, text[:200]
        found += len(expected)
    assert found > 2000
