"""Realism checks on 2,225 real BBC articles (../shared/corpora/bbc, read in place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.clean import clean, corpus_repeats
from generator.extract.text import is_sentence_like
from generator.model import LineKind
from generator.read import read_seed
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpora" / "bbc"


@pytest.fixture(scope="module")
def bbc():
    files = sorted(CORPUS.glob("*/*.txt"))
    assert len(files) > 2000, f"the BBC corpus is expected at {CORPUS}"
    raws = [read_seed(f) for f in files]
    repeats = corpus_repeats(r.text for r in raws)
    return [clean(r, repeats) for r in raws]


def test_no_sentence_of_a_real_article_is_dropped_as_chrome(bbc):
    dropped = [
        (doc.raw.name, line.text[:80])
        for doc in bbc
        for line in doc.lines
        if line.kind is LineKind.CHROME and is_sentence_like(line.text, 6)
    ]
    assert dropped == []


def test_the_first_line_is_the_headline(bbc):
    """BBC files put the headline on line 1."""
    wrong = [doc.raw.name for doc in bbc if doc.title_line is None or doc.title_line.text != " ".join(doc.raw.text.strip().split("\n")[0].split())]
    assert len(wrong) <= len(bbc) * 0.005, wrong[:10]
