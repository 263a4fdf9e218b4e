"""Properties of the reader, cleaner, extractors and writer on arbitrary input
(Hypothesis): they never raise on text, the front matter round-trips through YAML, and
nothing from the input comes out as markup; the search ranks its top matches as Whoosh
does."""

from __future__ import annotations

import heapq
import re
from html.parser import HTMLParser

import markdown
from mkdocs.utils import meta as mkdocs_meta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.clean import RepeatCounter, clean, corpus_repeats, repeated_lines_in
from generator.extract.article import extract_article
from generator.read import SeedError, decode_seed
from generator.write import _mention, front_matter, render_body, render_page

MARKUP = "<>&\"'`*_[](){}#!|\\:-=~+.\n\r\t \u202e\u00a0\u200b“”«»‘’"
TEXT = st.text(alphabet=st.one_of(st.sampled_from(list(MARKUP)), st.characters(blacklist_categories=("Cs",))), max_size=600)
PAGES = st.lists(
    st.one_of(TEXT, st.sampled_from([
        "<script>alert(1)</script>", "[x](javascript:alert(1))", "{: onclick=alert(1) }", "---", "# heading",
        '"We will win," said Maria Lopez.', "LONDON, March 3 (Reuters) - text", "© 2020 Example", "By Ann Lee",
        "<img src=x onerror=alert(1)>", "1. item", "> quote", "Mr Smith said he would go to Paris on Monday.",
    ])),
    min_size=1, max_size=12,
).map("\n\n".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=2000))
def test_reader_raises_only_seed_errors(data):
    try:
        raw = decode_seed(data, "x.txt")
    except SeedError:
        return
    assert isinstance(raw.text, str)
    assert not any(ch in raw.text for ch in "\x00\r\u202e")


def _article(text: str):
    """The article extracted from `text`, or None when the reader refuses it."""
    try:
        raw = decode_seed(text.encode("utf-8"), "x.txt")
    except SeedError:
        return None
    return extract_article(clean(raw))


@FAST
@given(PAGES)
def test_pipeline_stages_never_raise_on_text(text):
    article = _article(text)
    if article is None:
        return
    assert article.slug and "/" not in article.slug and ".." not in article.slug


@FAST
@given(PAGES)
def test_front_matter_round_trips_through_yaml(text):
    """The page as written, read back as MkDocs reads it, gives the front matter made."""
    article = _article(text)
    if article is None:
        return
    meta = front_matter(article)
    for markdown_body, marked in ((False, {"archive_html": True}), (True, {})):
        page, body = render_page(article, meta, markdown=markdown_body)
        markdown_read, meta_read = mkdocs_meta.get_data(page)
        assert meta_read == {**meta, **marked} and markdown_read.strip() == body.strip()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@FAST
@given(PAGES)
def test_no_markup_from_the_input_reaches_the_page(text):
    article = _article(text)
    if article is None:
        return
    _, written = render_page(article, front_matter(article))  # the HTML the page holds
    for html in (written, markdown.markdown(render_body(article), extensions=["attr_list", "toc"])):
        parser = _Tags()
        parser.feed(html)
        for tag, attrs in parser.found:
            assert tag in {"p", "em"}, (tag, attrs, html)
            assert set(attrs) <= {"class"} and attrs.get("class", "archive-caption") in {"archive-caption", "archive-attribution"}


@FAST
@given(
    st.dictionaries(st.integers(0, 300), st.one_of(st.sampled_from([1.0, 2.0, 3.5]), st.floats(0, 10)), max_size=80),
    st.integers(0, 20),
)
def test_the_top_matches_are_whooshs_order_best_first_ties_by_index(scores, limit):
    from generator.evaluate import Evaluator

    expected = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
    assert Evaluator.top(scores, limit) == expected


def _mention_by_expression(text: str, name: str) -> int:
    """The expression write._mention stands for, as the writer once ran it."""
    for m in re.finditer(rf"(?<![\w\[]){re.escape(name)}(?![\w\]])", text):
        before = text[: m.start()]
        if before.count("[") <= before.count("]"):
            return m.start()
    return -1


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab_ é1[]()-. \u00b2", max_size=40), st.text(alphabet="ab é1", min_size=1, max_size=3))
def test_first_mention_is_where_the_expression_finds_it(text, name):
    assert _mention(text, name) == _mention_by_expression(text, name)


LINES = st.lists(st.sampled_from(["Share this", "share  THIS", "Menu", "", " ", "© 2020 Example", "[Home](/x)", "Home", "a b", "A  B"]),
                 max_size=8).map("\n".join)


@FAST
@given(st.lists(LINES, min_size=1, max_size=6))
def test_repeats_counted_one_text_at_a_time_are_the_corpus_repeats(texts):
    counter = RepeatCounter()
    tokens = [counter.add(text) for text in texts]
    repeats = corpus_repeats(texts)
    assert counter.repeats() == repeats
    assert [counter.lines_in(token) for token in tokens] == [repeated_lines_in(text, repeats) for text in texts]


def _fold_as_written_first(text: str) -> str:
    """generator.extract.text.fold as it was first written: the reference."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = re.sub(r"[‘’'`ʿʾ´]", "", stripped)
    stripped = re.sub(r"[-‐‑–—_/.]", " ", stripped)
    return " ".join(stripped.casefold().split())


def _dominant_script_char_by_char(text: str, sample: int = 50_000) -> str:
    from generator.extract.text import script_of

    counts: dict[str, int] = {}
    for char in text[:sample]:
        if char.isalpha():
            script = script_of(char)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else "LATIN"


NAMES = st.text(alphabet=st.one_of(st.sampled_from(list("aZ ‘’'`ʿʾ´-‐‑–—_/.ﬁ²İßǅ\u0301\u00a0")), st.characters(blacklist_categories=("Cs",))), max_size=30)
# Runs of one character, so that how often a letter occurs matters, not only which letters.
SCRIPTS = st.lists(
    st.tuples(st.one_of(st.sampled_from(list("ab Zé1.")), st.sampled_from(list("абвгдежαβγδאבגدهو中文ひら")),
                        st.characters(blacklist_categories=("Cs",))), st.integers(min_value=1, max_value=6)),
    max_size=25,
).map(lambda runs: "".join(char * n for char, n in runs))


@settings(max_examples=3000, deadline=None)
@given(NAMES)
def test_fold_is_the_reference_fold(text):
    """The cached fold, with its ASCII path and one translation table, gives what the
    first fold gave (NFKD, combining marks dropped, two substitutions, case fold)."""
    from generator.extract.text import fold

    assert fold(text) == _fold_as_written_first(text)


@settings(max_examples=3000, deadline=None)
@given(SCRIPTS, st.integers(min_value=1, max_value=150))
def test_dominant_script_counted_per_character_kind_is_the_count_per_character(text, sample):
    """Counting each distinct character once (times its number) finds the same script,
    ties included (the script met first in the text wins)."""
    from generator.extract.text import dominant_script

    assert dominant_script(text, sample) == _dominant_script_char_by_char(text, sample)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.text(alphabet="abA -", min_size=1, max_size=6), min_size=1, max_size=8),
       st.text(alphabet="abA -.", max_size=40))
def test_a_trie_alternation_matches_as_the_sorted_alternation_does(phrases, text):
    """alternation(): where one phrase begins another ("said", "said to"), the longer is
    taken unless what follows refuses it, as with the phrases sorted longest first."""
    from generator.extract.text import alternation

    def found(body):
        return [m.span() for m in re.finditer(rf"(?<![\w-])(?:{body})(?![\w-])", text, re.I)]

    reference = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    assert found(alternation(phrases)) == found(reference)


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_chrome_phrases_searched_at_once_find_each_patterns_matches(data):
    """A text made to match one chrome.yml pattern (Hypothesis draws it from the pattern
    itself), with text around it, is found by the list's one expression exactly when one
    of the list's patterns finds it."""
    from generator import resources

    lists = resources.load("chrome.yml")
    which = data.draw(st.sampled_from(["phrases", "legal"]))
    pattern = data.draw(st.sampled_from(lists[which]))
    text = data.draw(st.from_regex(re.compile(pattern, re.I)).filter(lambda t: len(t) < 200)) + data.draw(st.sampled_from(["", " now.", "\n", "x"]))
    combined = dict(zip(("phrases", "legal"), resources.chrome_patterns()))[which]
    assert bool(combined.search(text)) == any(re.search(p, text, re.I) for p in lists[which])
