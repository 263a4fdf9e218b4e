"""The query language: what parses to what, what is refused and how, and the browser's
parser (docs/assets/search.js under Node) agreeing with Python's on arbitrary input."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.query import QueryError, describe, parse
from tests.conftest import ROOT

NODE = shutil.which("node")


@pytest.mark.parametrize(
    "query, tree",
    [
        ("ceasefire", "ceasefire"),
        ("ceasefire talks", "(ceasefire AND talks)"),
        ('"exact phrase"', '"exact phrase"'),
        ("a OR b c", "(a OR (b AND c))"),
        ("-rumour talks", "(NOT rumour AND talks)"),
        ("NOT rumour", "(* AND NOT rumour)"),
        ("negotiat*", "negotiat*"),
        ('speaker:"john kerry" place:aleppo', '(speaker:"john kerry" AND place:aleppo)'),
        ("Title:Russia", "title:Russia"),
        ("date:2016", "date:[2016-01-01 to 2016-12-31]"),
        ("date:2016-02", "date:[2016-02-01 to 2016-02-29]"),
        ("date:2015-02", "date:[2015-02-01 to 2015-02-28]"),
        ("date:[2016-01 to 2016-03-31]", "date:[2016-01-01 to 2016-03-31]"),
        ("(film OR cinema) award", "((film OR cinema) AND award)"),
        ("10:30 meeting", "(10:30 AND meeting)"),
        ("", "*"),
    ],
)
def test_parses(query, tree):
    assert describe(parse(query)) == tree


@pytest.mark.parametrize(
    "query, message",
    [
        ('"unclosed', "quotation mark is not closed"),
        ("(a OR b", "'(' is not closed"),
        ("a OR b)", "no matching '('"),
        ("foo:bar", "unknown field 'foo'"),
        ("date:2016-13", "not a real date"),
        ("date:2015-02-29", "not a real date"),
        ("date:yesterday", "not a date"),
        ("date:[2016-03-01 to 2016-01-01]", "before it starts"),
        ("date:[2016-01-01 2016-03-01]", "date:[FROM to UNTIL]"),
        ("date:[2016-01-01 to 2016-03-01", "must end with ']'"),
        ("OR ceasefire", "OR needs something on both sides"),
        ("ceasefire OR", "OR needs something on both sides"),
        ("ceasefire NOT", "must be followed by what to exclude"),
        ("a*", "at least 2 letters"),
        ("ne*go", "only at the end"),
        ('""', "empty"),
        ("()", "empty parentheses"),
        ("speaker:", "must be followed by a word"),
        ("x" * 1001, "the limit is 1000"),
    ],
)
def test_refuses_with_a_message(query, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]").replace("*", r"\*")):
        parse(query)


QUERY_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["OR", "NOT", "-", "(", ")", "[", "]", '"', ":", "*", "to", "date:", "speaker:", "title:", "foo:", " ", "2016", "2016-02", "ab*"]),
        st.text(min_size=1, max_size=6),
    ),
    max_size=12,
).map("".join)


@given(QUERY_TEXT)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_python_parser_never_raises_anything_but_query_error(query):
    try:
        describe(parse(query))
    except QueryError as err:
        assert str(err)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_browser_parser_agrees_with_python_on_fuzzed_queries(tmp_path):
    """Both parsers give the same tree, or both refuse, for 2,000 generated queries."""
    rng = random.Random(7)
    queries = []
    atoms = ["OR", "NOT", "-", "(", ")", "[", "]", '"', ":", "*", "to", "date:", "speaker:", "quote:", "foo:", " ", " ",
             "2016", "2016-02", "2016-02-30", "ab*", "a", "Café", "ﬁ", "\u00a0", "\t", "\u200f", "😀", "x:y", "-x", "10:30"]
    for _ in range(2000):
        queries.append("".join(rng.choice(atoms) if rng.random() < 0.8 else chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(1, 10))))
    queries += ['"unclosed', "(a OR b", "date:[2016-01-01 to 2016-03-31] x", "a OR -b"]
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(queries), encoding="utf-8")
    out = subprocess.run([NODE, str(ROOT / "tests/js/parse_queries.js"), str(path)], capture_output=True, text=True, check=True).stdout
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(queries)
    refused = 0
    for query, answer in zip(queries, answers):
        assert "crash" not in answer, (query, answer)
        try:
            tree = describe(parse(query))
        except QueryError:
            assert "error" in answer, (query, answer)
            refused += 1
            continue
        assert answer.get("tree") == tree, (query, answer)
    assert 0 < refused < len(queries)
