"""Search the Whoosh index with the archive's query language (`archive search`).

The query tree from `generator.query` is turned into Whoosh queries term by term, the same
way `docs/assets/search.js` evaluates it over the client index: a typed word is looked up
by its key (lower case, accents folded) among the words the archive contains, and matches
every stem that key gives; a word of several tokens is a phrase; stop words drop out."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from weakref import WeakKeyDictionary

from whoosh.collectors import TopCollector

from generator.analysis import TOKEN_PATTERN, fold_key, query_terms, stem
from generator.evaluate import Evaluator, Unsupported
from generator.query import DEFAULT_FIELDS, And, DateRange, Everything, Not, Or, Phrase, Prefix, QueryError, Word, parse

MAX_EXPANSION = 200  # stems a prefix may expand to (search.js uses the same limit)
FACETS = ("speaker", "place", "outlet", "year")


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    date: str | None
    outlet: str | None
    speakers: tuple[str, ...]
    places: tuple[str, ...]
    score: float | None  # None when sorted by date
    snippet: str  # matching terms marked with the formatter's marks


@dataclass(frozen=True)
class Results:
    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class IndexMissing(Exception):
    pass


def open_index(index_dir: Path):
    if not whoosh_index.exists_in(str(index_dir)):
        raise IndexMissing(f"there is no search index in {index_dir}/: run `archive build` first")
    return whoosh_index.open_dir(str(index_dir))


VOCABULARY = "vocabulary.json"  # beside the Whoosh files: typed word (key) -> stems


class Vocabulary:
    """Every word the archive contains as typed (lower case, accents folded: its key) and
    the stems it gives: the same table the client index ships to the browser. It lets a
    typed word, or a prefix, be looked up exactly as search.js looks it up."""

    def __init__(self, entries: dict[str, list[str]]):
        self.keys = sorted(entries)
        self.entries = entries

    @classmethod
    def load(cls, index_dir: Path) -> "Vocabulary":
        path = Path(index_dir) / VOCABULARY
        try:
            return _load_vocabulary(str(path), path.stat().st_mtime_ns)
        except FileNotFoundError:
            raise IndexMissing(f"{path} is missing: run `archive build` to write it") from None

    def stems(self, key: str) -> list[str]:
        return list(self.entries.get(key, ()))

    def expand(self, prefix: str) -> list[str]:
        """The stems of the first MAX_EXPANSION keys (in sorted order) that start with `prefix`."""
        start = bisect_left(self.keys, prefix)
        stems: set[str] = set()
        for key in self.keys[start : start + MAX_EXPANSION]:
            if not key.startswith(prefix):
                break
            stems.update(self.entries[key])
        return sorted(stems)


@lru_cache(maxsize=4)
def _load_vocabulary(path: str, mtime: int) -> Vocabulary:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Vocabulary({key: [stems] if isinstance(stems, str) else stems for key, stems in data.items()})


def to_whoosh(node, vocab: Vocabulary):
    """A Whoosh query for a parsed tree, or None where the tree analyzes to nothing."""
    if isinstance(node, Everything):
        return wq.Every()
    if isinstance(node, Word):
        terms = query_terms(node.text)
        if not terms:
            return None
        if len(terms) > 1:
            return _phrase(node.field, terms)
        stems = set(vocab.stems(fold_key(node.text))) | set(terms)
        return _any_field(node.field, sorted(stems))
    if isinstance(node, Phrase):
        terms = query_terms(node.text)
        if not terms:
            return None
        return _phrase(node.field, terms) if len(terms) > 1 else _any_field(node.field, terms)
    if isinstance(node, Prefix):
        stems = vocab.expand(fold_key(node.text))
        return _any_field(node.field, stems) if stems else wq.NullQuery
    if isinstance(node, DateRange):
        return wq.DateRange("date", dt.datetime.combine(node.start, dt.time.min), dt.datetime.combine(node.end, dt.time.max))
    if isinstance(node, Not):
        inner = to_whoosh(node.node, vocab)
        return None if inner is None else wq.Not(inner)
    if isinstance(node, (And, Or)):
        parts = [q for q in (to_whoosh(n, vocab) for n in node.nodes) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if isinstance(node, And):
            positive = [q for q in parts if not isinstance(q, wq.Not)]
            negative = [q.query for q in parts if isinstance(q, wq.Not)]
            base = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
            return wq.AndNot(base, wq.Or(negative)) if negative else base
        return wq.Or(parts)
    raise TypeError(node)  # pragma: no cover


def _fields(field: str | None) -> tuple[str, ...]:
    return (field,) if field else DEFAULT_FIELDS


def _any_field(field, stems):
    parts = [wq.Term(f, s) for f in _fields(field) for s in stems]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _phrase(field, terms):
    parts = [wq.Phrase(f, terms) for f in _fields(field)]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def compile_query(text: str, vocab: Vocabulary):
    tree = parse(text)
    q = to_whoosh(tree, vocab)
    if q is None:
        raise QueryError("the query has only very common words (like 'the' or 'of'), which are not indexed: add a more specific word")
    return q


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


class _Stems(dict):
    """word as written -> the stem of its lower-case form, computed once per word."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 200_000:
            self.clear()
        value = self[word] = stem(word.lower())
        return value


_STEMS = _Stems()
# The text's words and what lies between them, in turn: the same tokens as WORD.finditer
# (re.split with the pattern as one group keeps each match), with no match object per word.
_WORD_SPLIT = re.compile("(" + TOKEN_PATTERN.replace("(", "(?:") + ")")


def matched_spans(text: str, stems: set[str]) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` whose stem is in `stems`, in order."""
    if not stems:
        return []
    parts = _WORD_SPLIT.split(text)  # separator, word, separator, word, ..., separator
    ends = list(accumulate(map(len, parts)))
    flags = map(stems.__contains__, map(_STEMS.__getitem__, parts[1::2]))
    return [(ends[2 * i], ends[2 * i + 1]) for i in compress(range(len(parts) // 2), flags)]


def snippet(text: str, stems: set[str], marks: tuple[str, str], width: int = 220) -> str:
    """The stretch of `text` (about `width` characters) with the most words whose stem
    matched, those words wrapped in `marks` (search.js picks its snippets the same way).
    One regular-expression split with cached stems: Whoosh's highlighter re-analyzes
    every hit's text through its token chain, which took most of a query's time."""
    hits = matched_spans(text, stems)
    start, best = 0, -1
    for i, (first, _) in enumerate(hits):
        n = sum(1 for _, end in hits[i:] if end - first <= width)
        if n > best:
            start, best = first, n
    start = max(0, start - 60)
    if start > 0:
        space = text.find(" ", start)
        if 0 <= space < start + 20:
            start = space + 1
    end = min(len(text), start + width)
    if end < len(text):
        back = text.rfind(" ", 0, end)
        if back > start + width // 2:
            end = back
    pieces, at = [], start
    for first, last in hits:
        if first < start or last > end:
            continue
        pieces += [text[at:first], marks[0], text[first:last], marks[1]]
        at = last
    pieces.append(text[at:end])
    excerpt = " ".join("".join(pieces).split())
    return ("… " if start > 0 else "") + excerpt + (" …" if end < len(text) else "")


def search(index_dir: Path, text: str, **options) -> Results:
    """Open the index, run one query (see `run_query` for the options), close it."""
    ix = open_index(index_dir)
    try:
        vocab = Vocabulary.load(index_dir)
        with ix.searcher() as searcher:
            return run_query(searcher, vocab, text, **options)
    finally:
        ix.close()


def run_query(
    searcher,
    vocab: Vocabulary,
    text: str,
    limit: int = 10,
    sort: str = "relevance",
    facets: bool = False,
    marks: tuple[str, str] = ("[", "]"),
) -> Results:
    """Run one query on an open Whoosh searcher: the best `limit` hits with snippets,
    the total, and (with `facets`) counts over every match."""
    q = compile_query(text, vocab)
    stems = {_text(term) for field, term in q.iter_all_terms() if field in ("title", "body")}
    scores = _scores(searcher, q) if sort != "date" else None
    if scores is not None:
        hits = tuple(_hit(searcher.stored_fields(d), score, stems, marks) for d, score in Evaluator.top(scores, limit))
        counts = _facets(searcher.stored_fields(d) for d in sorted(scores)) if facets else {}
        return Results(query=text, total=len(scores), hits=hits, facets=counts)
    if sort != "date" and not facets:
        # The total is always shown. With its default optimizations Whoosh counts it by
        # running the query a second time, and with optimize=False its count is wrong
        # (matchers are still swapped for ones that skip low scorers). A top-N collector
        # with neither counts every match in one pass.
        collector = TopCollector(limit, usequality=False, replace=0)
        searcher.search_with_collector(q, collector)
        found = collector.results()
    else:
        kwargs = {"sortedby": "date", "reverse": True} if sort == "date" else {}
        found = searcher.search(q, limit=None if facets else limit, **kwargs)
    hits = [_hit(hit.fields(), hit.score if sort != "date" else None, stems, marks) for hit in found[:limit]]
    counts = _facets(found) if facets else {}
    return Results(query=text, total=len(found), hits=tuple(hits), facets=counts)


_evaluators: "WeakKeyDictionary[object, Evaluator | None]" = WeakKeyDictionary()


def _scores(searcher, q) -> dict[int, float] | None:
    """docnum -> score of every match, from the list-at-a-time evaluator, or None for a
    searcher or query it does not reproduce (Whoosh's matchers run those)."""
    if searcher not in _evaluators:
        try:
            _evaluators[searcher] = Evaluator(searcher)
        except Unsupported:
            _evaluators[searcher] = None
    evaluator = _evaluators[searcher]
    if evaluator is None:
        return None
    try:
        return evaluator.scores(q)
    except Unsupported:
        return None


def _hit(fields: dict, score: float | None, stems: set[str], marks: tuple[str, str]) -> Hit:
    meta = json.loads(fields["meta"])
    return Hit(
        slug=fields["slug"],
        title=meta.get("title") or fields["slug"],
        date=meta.get("date"),
        outlet=meta.get("outlet"),
        speakers=tuple(meta.get("speakers") or ()),
        places=tuple(meta.get("places") or ()),
        score=round(score, 4) if score is not None else None,
        snippet=snippet(fields.get("body") or "", stems, marks),
    )


def _facets(found, top: int = 10) -> dict[str, list[tuple[str, int]]]:
    counters = {name: Counter() for name in FACETS}
    for hit in found:
        meta = json.loads(hit["meta"])
        counters["speaker"].update(meta.get("speakers") or ())
        counters["place"].update(meta.get("places") or ())
        if meta.get("outlet"):
            counters["outlet"][meta["outlet"]] += 1
        if meta.get("date"):
            counters["year"][meta["date"][:4]] += 1
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top] for name, c in counters.items()}


def matching_slugs(index_dir: Path, text: str) -> list[str]:
    """Every matching article's slug, best first (ties in index order), for parity tests."""
    ix = open_index(index_dir)
    try:
        vocab = Vocabulary.load(index_dir)
        with ix.searcher() as searcher:
            q = compile_query(text, vocab)
            return [hit["slug"] for hit in searcher.search(q, limit=None)]
    finally:
        ix.close()
