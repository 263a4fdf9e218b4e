"""The one text analysis of the archive, shared by the Whoosh index and the client index.

A word goes through: tokenize -> lower case -> drop stop words and one-letter words ->
English (Porter) stemming -> accent folding. Whoosh runs this chain when it indexes; the
client index is written from the same chain, and also records each word as typed (lower
case, accents folded: its *key*) with the stems it gives, so the browser can look a typed
word up without a stemmer of its own."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

STOP_MINSIZE = 2
# Whoosh's English stop words, except those that are names in the news: "US" (the country)
# and "May" (the month, and people called May).
STOP_WORDS = frozenset(WHOOSH_STOP_WORDS - {"us", "may"})
TOKEN_PATTERN = r"\w+(\.?\w+)*"  # RegexTokenizer's default, mirrored in search.js


class StableStopFilter(StopFilter):
    """A StopFilter that pickles its stop words sorted: the index stores its analyzers,
    and a frozenset's order changes with Python's per-process string hashing."""

    def __getstate__(self):
        state = dict(self.__dict__)
        state["stops"] = tuple(sorted(self.stops))
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.stops = frozenset(self.stops)


def surface_chain():
    """Tokenize, lower case, drop stop words (Whoosh's chain before stemming)."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StableStopFilter(stoplist=STOP_WORDS, minsize=STOP_MINSIZE)


def analyzer():
    """The Whoosh index's analyzer: the surface chain, English stemming and accent
    folding (StemmingAnalyzer's chain, with a reproducible stop filter)."""
    return surface_chain() | StemFilter() | CharsetFilter(accent_map)


_STEMMER = StemFilter()


@lru_cache(maxsize=200_000)
def fold_key(word: str) -> str:
    """How the browser normalizes a typed word: lower case, compatibility decomposition,
    combining marks removed (`String.normalize("NFKD")` and `/\\p{M}/gu` in search.js)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The indexed form of one lower-case, non-stop word."""
    return _STEMMER._stem(word).translate(accent_map)


@dataclass(frozen=True)
class FieldTerms:
    """One field of one document as the index sees it."""

    positions: dict[str, list[int]]  # stem -> positions (after stop words are dropped)
    length: int  # number of indexed tokens
    keys: dict[str, set[str]]  # typed form (key) -> stems


WORD = re.compile(TOKEN_PATTERN)


def surface_tokens(text: str) -> tuple[int, list[str]]:
    """The lower-case, non-stop words of a text in order, and the position of the first:
    what RegexTokenizer, LowercaseFilter and the StopFilter give (it keeps the first kept
    word's position and numbers the rest on from it), without the cost of a Token object
    per word. A test holds it to the Whoosh chain."""
    words: list[str] = []
    first = 0
    for n, match in enumerate(WORD.finditer(text)):
        word = match.group().lower()
        if len(word) >= STOP_MINSIZE and word not in STOP_WORDS:
            if not words:
                first = n
            words.append(word)
    return first, words


def term_positions(text: str) -> dict[str, list[int]]:
    """stem -> its positions in `text`: what Whoosh's Positions format gathers from the
    analyzer's tokens, without a Token object per word (the Whoosh index uses it)."""
    positions: dict[str, list[int]] = {}
    first, words = surface_tokens(text)
    for pos, surface in enumerate(words, first):
        positions.setdefault(stem(surface), []).append(pos)
    return positions


def analyze(text: str) -> FieldTerms:
    positions: dict[str, list[int]] = {}
    keys: dict[str, set[str]] = {}
    first, words = surface_tokens(text)
    for pos, surface in enumerate(words, first):
        term = stem(surface)
        positions.setdefault(term, []).append(pos)
        keys.setdefault(fold_key(surface), set()).add(term)
    return FieldTerms(positions, sum(map(len, positions.values())), keys)


def query_terms(text: str) -> list[str]:
    """The indexed terms of a query word or phrase, in order."""
    return [stem(word) for word in surface_tokens(text)[1]]
