from __future__ import annotations

from generator.clean import clean, corpus_repeats
from generator.model import LineKind
from generator.read import decode_seed


def kinds(text: str, repeated=frozenset()) -> dict[str, str]:
    doc = clean(decode_seed(text.encode("utf-8"), "t.txt"), repeated)
    return {line.text: line.kind.value for line in doc.lines}


PAGE = """Home > World > Europe
Menu
Storm floods coastal towns
By Ann Lee
March 3, 2020
Heavy rain flooded three coastal towns on Tuesday, forcing hundreds of people from their homes.
Rescue teams worked through the night, the fire service said.
Residents remain in shelters
More rain is forecast for Thursday, and officials have urged people to stay away from rivers.
Share this article
Sign up for our newsletter
© 2020 Example News. All rights reserved.
"""


def test_page_chrome_is_removed_and_article_lines_are_kept():
    result = kinds(PAGE)
    assert result["Home > World > Europe"] == "chrome"
    assert result["Menu"] == "chrome"
    assert result["Storm floods coastal towns"] == "title"
    assert result["By Ann Lee"] == "meta"
    assert result["March 3, 2020"] == "meta"
    assert result["Residents remain in shelters"] == "text"  # a subheading is article text
    assert result["Share this article"] == "chrome"
    assert result["Sign up for our newsletter"] == "chrome"
    assert result["© 2020 Example News. All rights reserved."] == "meta"
    prose = [k for k, v in result.items() if v == "text"]
    assert len(prose) == 4


def test_text_in_another_script_after_the_article_is_chrome():
    result = kinds("Title here\n\nA long enough sentence about the news of the day, with detail.\n\nЗаголовок материала\n")
    assert result["Заголовок материала"] == "chrome"


def test_caption_with_credit_is_a_caption():
    result = kinds("Title of story\n\nA man walks past a damaged building in the city. (AFP photo)\n\nThe body of the story is a long sentence with many words in it.\n")
    assert result["A man walks past a damaged building in the city. (AFP photo)"] == "caption"


def test_caption_ending_in_a_full_date_is_a_caption():
    result = kinds("Title of story\n\nThe body of the story is a long sentence with many words in it.\n\nPeople queue for bread in the old market of the city on December 15, 2016.\n\nAnother long sentence of the article body follows here, as it should.\n")
    assert result["People queue for bread in the old market of the city on December 15, 2016."] == "caption"


def test_lines_repeated_across_the_corpus_are_template_chrome():
    footer = "Example TV Apps Roku"
    repeated = corpus_repeats([f"A\n{footer}\n", f"B\n{footer}\n"])
    result = kinds(f"A title for it\n\nThe body of the story is a long sentence with many words in it.\n\n{footer}\n", repeated)
    assert result[footer] == "chrome"


def test_long_legal_notice_after_the_article_is_chrome():
    notice = "Disclaimer: The contents of this article are of sole responsibility of the author(s). The site will not be responsible for any inaccurate statement."
    result = kinds(f"Title of the piece\n\nThe body of the story is a long sentence with many words in it.\n\n{notice}\n")
    assert result[notice] == "chrome"


def test_section_label_above_the_headline_is_not_the_title():
    result = kinds("Science And Technology\n\nRobots learn to fold laundry in new study\n\nJune 2, 2021\n\nResearchers said the robots folded towels in under a minute, a record for the field.\n")
    assert result["Robots learn to fold laundry in new study"] == "title"
    assert result["Science And Technology"] == "chrome"


def test_hard_wrapped_prose_is_joined():
    text = "Headline of the day\n\nThe council voted on Tuesday to close the library, a decision that\nangered residents who had campaigned for two years to keep it open.\n"
    doc = clean(decode_seed(text.encode(), "w.txt"))
    assert any("decision that angered residents" in p for p in doc.paragraphs)


def test_a_question_headline_below_page_chrome_is_the_title():
    page = (
        "Accept all cookies\nLatest News\n\nCan the city afford a second airport?\n\nBy Ann Lee\n"
        "March 3, 2020\n\nCan the city afford it? Councillors asked the question again on Tuesday, "
        "as the bill for the new runway rose by a third.\n"
    )
    result = kinds(page)
    assert result["Can the city afford a second airport?"] == "title"
    assert result["Accept all cookies"] == "chrome"


def test_an_opening_question_after_the_headline_stays_text():
    page = (
        "Storm floods coastal towns\n\nBy Ann Lee\nMarch 3, 2020\n\nWho pays for the damage?\n\n"
        "Heavy rain flooded three coastal towns on Tuesday, forcing hundreds of people from their homes.\n"
    )
    result = kinds(page)
    assert result["Storm floods coastal towns"] == "title"
    assert result["Who pays for the damage?"] == "text"


def test_chrome_phrases_searched_at_once_find_what_each_pattern_finds():
    """clean asks one expression per list of chrome.yml; it must find a line exactly
    when one of the list's patterns does, on the lines of 300 BBC articles and of the
    golden seeds (tests/test_properties.py draws texts that each pattern matches)."""
    import re

    from generator import resources
    from tests.conftest import BBC, ROOT

    data = resources.load("chrome.yml")
    lines = [line for path in sorted(BBC.glob("*/*.txt"))[:300] for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines += [line for path in sorted((ROOT / "tests" / "golden_seeds").rglob("*")) if path.is_file()
              for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    found = 0
    for combined, patterns in zip(resources.chrome_patterns(), (data["phrases"], data["legal"])):
        each = [re.compile(p, re.I) for p in patterns]
        for line in lines:
            expected = any(p.search(line) for p in each)
            assert bool(combined.search(line)) == expected, line
            found += expected
    assert found >= 10  # 20 lines of these articles hold a chrome phrase
