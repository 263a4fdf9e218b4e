"""Places named in the article text, resolved against the gazetteer.

A capitalized run (up to four words) is looked up, longest first. A match counts when it
is a country or region, or when a locative ("in", "near", "from") precedes it or a place
noun ("province", "city") follows it, or when the place is large enough to be named bare.
Runs that are part of a person's name or an organization's name are not places."""

from __future__ import annotations

import re
from dataclasses import replace

from generator import settings
from generator.extract.people import PersonMention, function_words
from generator.extract.organizations import OrgMention
from generator.extract.sources import is_outlet_name
from generator.extract.text import title_case
from generator.gazetteer import Gazetteer
from generator.model import Place

CAPITALIZED_RUN = re.compile(
    r"(?<![\w'’-])(?:U\.S\.|U\.K\.|[A-Z\u00c0-\u00de\u0100-\u024f][\w'’\-]*)"
    r"(?:\s+(?:al-|el-|ez-|as-|ad-|of\s+the\s+|of\s+|(?:del|de|la|las|los|do|da|di|du|des|upon|on|am|an\s+der|sur|en)\s+)?[A-Z\u00c0-\u00de\u0100-\u024f][\w'’\-]*){0,3}"
)


def find_places(
    texts: list[str],
    gazetteer: Gazetteer,
    people: list[list[PersonMention]],
    organizations: list[list[OrgMention]],
    person_tokens: frozenset[str] = frozenset(),
) -> list[Place]:
    """Canonical places in order of first mention."""
    lowercase_words = {w for text in texts for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
    context: set[str] = set()
    found: list[tuple[int, int, Place]] = []
    spellings: dict[str, set[str]] = {}
    for t_index, text in enumerate(texts):
        blocked = [(m.start, m.end) for m in people[t_index]] + [(o.start, o.end) for o in organizations[t_index]]
        blocked += [(m.start(), m.end()) for m in FEATURE.finditer(text)]  # "South China Sea" is not China
        for run in CAPITALIZED_RUN.finditer(text):
            for start, end, surface in _spans(run.group(0), run.start()):
                if any(a < end and start < b for a, b in blocked):
                    if not _org_headed_by_place(text, start, end, organizations[t_index]):
                        continue
                surface_clean = re.sub(r"[’']s?$", "", surface)
                if surface_clean in function_words() or surface_clean in person_tokens or is_outlet_name(surface_clean):
                    continue
                candidate = gazetteer.lookup(surface_clean, frozenset(context))
                if candidate is None:
                    continue
                place = candidate.place
                if start > run.start() and not _after_modifier(text[run.start() : start], gazetteer):
                    continue  # the tail of a longer name: "Wells Fargo", "Comedy Central"
                if not _accept(text, start, end, surface_clean, candidate, gazetteer, lowercase_words, context):
                    continue
                found.append((t_index, start, place))
                spellings.setdefault(place.name, set()).add(surface_clean)
                if place.country:
                    context.add(place.country)
                blocked.append((start, end))
                break
    known = [p for _, _, p in found]
    for t_index, text in enumerate(texts):
        blocked = [(m.start, m.end) for m in people[t_index]]
        for start, name, anchor in _cued_unknown_places(text, gazetteer, known):
            if any(a <= start < b for a, b in blocked) or name in function_words() or name in person_tokens:
                continue
            country = anchor.country if anchor else None
            found.append((t_index, start, Place(name=name, country=country, kind="unknown")))
    found.sort(key=lambda item: (item[0], item[1]))
    ordered: list[Place] = []
    seen: set[str] = set()
    for _, _, place in found:
        if place.name not in seen:
            seen.add(place.name)
            aliases = tuple(sorted(spellings.get(place.name, set()) - {place.name}))
            ordered.append(replace(place, aliases=aliases) if aliases else place)
    return ordered


NAME = r"[A-Z][\w'’]*(?:[ -](?:al-|el-|ad-|as-|an-|(?:del|de|la|las|los|do|da|di|du|des|upon|sur) )?[A-Z][\w'’]*){0,2}"
PLACE_NOUN_AFTER = re.compile(rf"(?<![\w'’-])(?P<name>{NAME})\s+(?P<noun>province|governorate|region|neighbou?rhood|district|village|town|suburb|oblast|prefecture|municipality|countryside|mountains|valley)\b")
FEATURE = re.compile(
    rf"(?<![\w'’-])(?P<name>(?:[A-Z][\w'’]*\s+){{0,3}}(?:Sea|Ocean|Reef|Strait|Straits|Gulf|Bay|Lake|Island|Islands|Mountains|Valley|Desert|Peninsula|Canal|Heights|Plateau|Delta))\b"
    r"|\b(?P<river>(?:River|Lake|Mount|Mt\.?)\s+[A-Z][\w'’]+)"
)
NOUN_OF = re.compile(rf"\b(?:island|islands|city|town|village|province|region|district|neighbou?rhood|suburb|mountains|governorate|area|outskirts) of (?P<name>{NAME})")
DIRECTION_OF = re.compile(rf"(?<![\w'’-])(?P<name>{NAME}),?\s+(?:some\s+\d+\s*(?:km|kilometres|kilometers|miles)\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? of (?P<anchor>{NAME})")
RESIDENCE = re.compile(rf"\b[A-Z][\w'’-]+,\s+\d{{1,3}},\s+(?:of|from)\s+(?P<name>{NAME})\b")
IN_X_COMMA_PLACE = re.compile(rf"\b(?:in|near|at|outside) (?P<name>{NAME}), (?P<anchor>{NAME})(?: (?:province|governorate|region|district|county|state|oblast))?\b")


def _is_primary_place(gazetteer: Gazetteer, token: str) -> bool:
    candidate = gazetteer.lookup(token)
    return candidate is not None and (candidate.place.kind != "city" or (candidate.primary and candidate.population >= 100_000))


def _cued_unknown_places(text: str, gazetteer: Gazetteer, known: list[Place]):
    """Places the gazetteer lacks (villages, districts), named with an unmistakable cue:
    "Shuja'iyya neighbourhood", "the town of Bucha", "Irpin north of Kyiv",
    "in Huwara, Nablus governorate"."""
    for m in FEATURE.finditer(text):
        name = m.group("name") or m.group("river")
        name = re.sub(r"^(?:The|the)\s+", "", name)
        if len(name.split()) >= 2 and name.split()[0] not in function_words() and gazetteer.lookup(name) is None:
            yield m.start(), name, None
    for pattern in (PLACE_NOUN_AFTER, NOUN_OF, DIRECTION_OF, IN_X_COMMA_PLACE, RESIDENCE):
        for m in pattern.finditer(text):
            name = m.group("name")
            if gazetteer.lookup(name) is not None:
                continue  # a known place: the gazetteer pass has it
            tokens = name.split()
            # "Kyiv Podil neighbourhood": a known place may lead the run
            while len(tokens) > 1 and _is_primary_place(gazetteer, tokens[0]):
                tokens.pop(0)
            name = " ".join(tokens)
            if not name or name in function_words() or gazetteer.lookup(name) is not None:
                continue
            anchor = None
            if "anchor" in m.groupdict() and m.group("anchor"):
                candidate = gazetteer.lookup(m.group("anchor"))
                if candidate is None:
                    continue
                anchor = candidate.place
            elif pattern is PLACE_NOUN_AFTER and m.group("noun") in ("mountains", "valley", "countryside"):
                continue
            yield m.start("name") + m.group("name").find(name), name, anchor


def _spans(run: str, offset: int):
    tokens = list(re.finditer(r"\S+", run))
    for size in range(min(len(tokens), 4), 0, -1):
        for i in range(len(tokens) - size + 1):
            a, b = tokens[i].start(), tokens[i + size - 1].end()
            surface = run[a:b].rstrip(".,;:")
            if surface.split()[0].lower() in ("of", "the"):
                continue
            yield offset + a, offset + a + len(surface), surface


def _org_headed_by_place(text: str, start: int, end: int, organizations: list[OrgMention]) -> bool:
    """ "Kherson Province" is a place even if it was also read as a name."""
    return bool(re.match(r"\s+(?:[Pp]rovince|[Gg]overnorate|[Rr]egion|[Dd]istrict|[Cc]ounty|[Oo]blast)\b", text[end:]))


FUNCTION_BEFORE_PLACE = {"and", "or", "the", "of", "at", "on", "by", "for", "with", "against", "over", "says", "said", "visited", "visit", "left", "reached", "hit", "struck", "bombed", "shelled", "captured", "liberated", "attacked", "besieged", "entered", "leave", "leaving", "reaching", "both", "nor", "than", "like", "including", "as", "where", "while"}


NOUN_OF_BEFORE = re.compile(r"\b(?:city|town|village|province|region|district|suburb|port|island|neighbou?rhood)\s+of\s+$")
PRECISE_LOCATIVES = {"near", "outside", "around", "across", "towards", "toward", "via", "through", "throughout"}
DIRECTIONS = {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central", "Greater", "Upper", "Lower", "Inner", "Outer", "Old", "New", "Northeast", "Northwest", "Southeast", "Southwest"}


def followed_by_name_at(text: str, end: int) -> bool:
    return re.match(r" [A-Z][a-z]", text[end : end + 3]) is not None


def _after_modifier(head: str, gazetteer: Gazetteer) -> bool:
    """Whether the words of a capitalized run before a place still leave it a place:
    directions ("Northern Mali"), other places ("Kyiv Podil"), titles."""
    tokens = head.split()
    if not tokens:
        return True
    last = re.sub(r"[’']s$", "", tokens[-1].rstrip(",."))
    return last in DIRECTIONS or last in function_words() or gazetteer.lookup(last) is not None or last.endswith(("’s", "'s"))


def _accept(text, start, end, surface, candidate, gazetteer, lowercase_words, context) -> bool:
    place = candidate.place
    if place.kind in ("country", "region", "state"):
        return True
    if surface.lower() in lowercase_words and not candidate.primary:
        return False
    before = re.findall(r"[\w'’-]+", text[max(0, start - 30) : start])
    after = re.findall(r"[\w'’-]+", text[end : end + 30])
    locative = bool(before) and before[-1].lower() in gazetteer.locatives and [w.lower() for w in before[-2:]] != ["according", "to"]
    place_noun = bool(after) and after[0].lower() in gazetteer.place_nouns
    if re.match(r"\s+\w*\d", text[end : end + 8]):
        return False  # "Nokia 6600", "Orange E200": a product
    if before and before[-1] == "the" and not place_noun:
        return False  # "the Halifax": a company or team named after a town
    small = candidate.population < 50_000
    precise = bool(before) and before[-1].lower() in PRECISE_LOCATIVES or bool(NOUN_OF_BEFORE.search(text[:start]))
    if small and not place_noun and not precise and place.country not in context:
        return False  # a small town needs its country in the article, a place noun or "near"
    if precise and not followed_by_name_at(text, end):
        return True
    followed_by_name = re.match(r" [A-Z][a-z]", text[end : end + 3]) is not None
    well_known = place.kind in ("country", "region", "state") or (
        place.kind == "city" and candidate.primary and candidate.population >= 100_000
    )
    if followed_by_name and not place_noun and not title_case(text) and not (locative and well_known):
        return False  # the head of a longer name: "Golden Globe", "Ren'ai Reef", "Mercedes Smart"
    glued = text[max(0, start - 1) : start] == " " and bool(before) and before[-1].islower() and not before[-1].endswith("ed")
    if glued and before[-1] not in gazetteer.locatives and before[-1] not in gazetteer.place_nouns and before[-1] not in FUNCTION_BEFORE_PLACE:
        if candidate.population < 1_000_000:
            return False  # "car maker Mercedes", "subsidiary Fuso": a name of something else
    exact = surface.casefold() == place.name.casefold()
    if not exact and candidate.population < 1_000_000 and place.country not in context and not place_noun and not locative:
        return False  # an alternate spelling ("God" for Göd, "Fuso" for Fusō) needs more evidence
    sentence_initial = start == 0 or bool(re.search(r"[.!?:\"“]\s*$", text[:start]))
    if surface.lower() in lowercase_words:
        return locative or place_noun
    if locative or place_noun:
        return True
    if sentence_initial and candidate.population < settings.PLACE_MIN_POPULATION_BARE * 5:
        return False
    if place.country in context and not sentence_initial and not small:
        return True
    return candidate.population >= settings.PLACE_MIN_POPULATION_BARE
