"""Evaluate a compiled Whoosh query a whole posting list at a time.

Whoosh's own matchers walk the postings one document at a time, each step a chain of
Python method calls (is_active, id, skip_to, score) through every level of the query
tree; at 10,000 articles a query matching a few thousand of them spent 20-60 ms there.
Here each term's postings are read from Whoosh's files block by block (the same blocks
its matchers decode, through the matcher's own block readers), scored with Whoosh's
BM25F (the same statistics, the same expression) and combined as dictionaries. The
matching set and the ranking are Whoosh's own and the scores agree to the last bits
(Whoosh adds a compound query's parts in another order); a test holds this on every
parity query, over several segments with deleted documents. The block readers are
Whoosh internals: whoosh3 is pinned, and that test fails if they change.

Queries this module does not know (anything `compile_query` does not make) raise
`Unsupported`, and the caller runs them through Whoosh's matchers instead."""

from __future__ import annotations

import heapq
from itertools import accumulate
from pickle import loads

from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length


class Unsupported(Exception):
    """A query (or weighting) this evaluator does not reproduce exactly."""


class Evaluator:
    """Evaluates queries over one open Whoosh searcher. Per-field length tables are
    built on first use and kept for the searcher's life (a few bytes per document)."""

    def __init__(self, searcher):
        if type(searcher.weighting) is not BM25F:
            raise Unsupported("only BM25F scoring is reproduced")
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self._norms: dict[str, dict[int, float]] = {}
        self._live: dict[int, float] | None = None

    # -- the public entry points

    def scores(self, q) -> dict[int, float]:
        """docnum -> score for every document `q` matches."""
        return self._eval(q)

    @staticmethod
    def top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
        """The best `limit` (docnum, score), ties in index order, as Whoosh ranks them.
        The limit-th best score is found among bare floats (no key function per match);
        the matches above it are sorted, and those equal to it taken in index order."""
        if limit <= 0 or not scores:
            return []
        if len(scores) <= limit:
            return sorted(scores.items(), key=_best_first)
        least = heapq.nlargest(limit, scores.values())[-1]
        above = sorted(((d, s) for d, s in scores.items() if s > least), key=_best_first)
        ties = heapq.nsmallest(limit - len(above), (d for d, s in scores.items() if s == least))
        return above + [(d, least) for d in ties]

    # -- nodes

    def _eval(self, q) -> dict[int, float]:
        if q is wq.NullQuery:
            return {}
        if q.boost != 1.0:
            raise Unsupported("boosted queries")
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text)
        if kind is wq.Or:
            return self._union(q.subqueries)
        if kind is wq.And:
            return self._intersection([self._eval(sub) for sub in q.subqueries])
        if kind is wq.AndNot:
            positive = self._eval(q.a)
            negative = self._matches(q.b)
            return {d: s for d, s in positive.items() if d not in negative}
        if kind is wq.Not:
            negative = self._matches(q.query)
            return {d: 1.0 for d in self._all() if d not in negative}
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return dict(self._all())
        if kind is wq.Phrase and q.slop == 1:
            return self._phrase(q.fieldname, q.words)
        if kind is wq.DateRange:
            return self._constant(q)
        raise Unsupported(repr(q))

    def _matches(self, q):
        """The documents `q` matches, unscored (what a NOT needs): a term's postings are
        read without their weights, and a compound combines sets."""
        kind = type(q)
        if q.boost == 1.0 and kind is wq.Term and self._scorable(q.fieldname):
            live = self._all()
            found = set()
            for reader, offset in self.leaves:
                for ids, _, _ in _blocks(reader, q.fieldname, q.text, False, weights=False):
                    found.update(d + offset for d in ids)
            return found & live.keys()
        if q.boost == 1.0 and kind is wq.Or:
            return set().union(*(self._matches(sub) for sub in q.subqueries))
        if q.boost == 1.0 and kind is wq.And:
            parts = sorted((self._matches(sub) for sub in q.subqueries), key=len)
            return parts[0].intersection(*parts[1:])
        return self._eval(q).keys()

    def _union(self, subs) -> dict[int, float]:
        # Whoosh adds an Or's scores over a tree of its parts ordered by their sizes, so
        # a sum here can differ from Whoosh's in the last bit, never in the ranking.
        merged: dict[int, float] = {}
        for sub in subs:
            for d, s in self._eval(sub).items():
                merged[d] = merged[d] + s if d in merged else s
        return merged

    @staticmethod
    def _intersection(parts: list[dict[int, float]]) -> dict[int, float]:
        parts = sorted(parts, key=len)
        found = parts[0]
        for other in parts[1:]:
            found = {d: s + other[d] for d, s in found.items() if d in other}
        return found

    def _all(self) -> dict[int, float]:
        if self._live is None:
            self._live = {
                offset + d: 1.0 for reader, offset in self.leaves for d in range(reader.doc_count_all()) if not reader.is_deleted(d)
            }
        return self._live

    def _constant(self, q) -> dict[int, float]:
        """A query Whoosh scores as a constant (a date range is a set of numeric terms at
        several precisions): its terms' postings, each match scoring 1.0."""
        found: dict[int, float] = {}
        live = self._all()
        for reader, offset in self.leaves:
            for field, text in sorted(q.simplify(reader).existing_terms(reader, expand=True)):
                for ids, _, _ in _blocks(reader, field, text, False):
                    for d in ids:
                        if offset + d in live:
                            found[offset + d] = 1.0
        return found

    # -- terms and phrases

    def _scorable(self, field: str) -> bool:
        return field in self.searcher.schema and self.searcher.schema[field].scorable

    def _term(self, field: str, text) -> dict[int, float]:
        searcher = self.searcher
        if not self._scorable(field):
            raise Unsupported(f"field {field}")
        idf = searcher.idf(field, text)
        k1 = self.weighting.K1
        c = k1 + 1
        norm = self._norm(field)
        found: dict[int, float] = {}
        live = norm.get
        for reader, offset in self.leaves:
            for ids, weights, _ in _blocks(reader, field, text, False):
                # bm25(idf, tf, fl, avgfl, B, K1), its per-document part precomputed;
                # a document not in `norm` is deleted.
                if offset:
                    ids = [d + offset for d in ids]
                found.update({d: idf * ((tf * c) / (tf + n)) for d, tf in zip(ids, weights) if (n := live(d)) is not None})
        return found

    def _norm(self, field: str) -> dict[int, float]:
        """docnum -> K1 * ((1 - B) + B * length / average length), for live documents
        with text in `field` (the part of BM25F that depends on the document)."""
        if field not in self._norms:
            w = self.weighting
            b = w._field_B.get(field, w.B)
            k1 = w.K1
            avgfl = self.searcher.avg_field_length(field) or 1
            norm = {}
            for reader, offset in self.leaves:
                deleted = reader.deleted_docs_set if reader.has_deletions() else ()
                lengths = _length_bytes(reader, field)
                if lengths is not None:
                    # one byte per document (0: no text in the field), decoded by table
                    table = [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
                    norm.update((offset + d, table[n]) for d, n in enumerate(lengths) if n and d not in deleted)
                    continue
                for d in range(reader.doc_count_all()):
                    fl = reader.doc_field_length(d, field, 1)
                    if fl is not None and d not in deleted:
                        norm[offset + d] = k1 * ((1 - b) + b * fl / avgfl)
            self._norms[field] = norm
        return self._norms[field]

    def _phrase(self, field: str, words) -> dict[int, float]:
        """Documents where the words stand next to each other, in order, scored as
        Whoosh scores a phrase: the sum of its words' scores. Each word's postings go
        into dictionaries whole (in C); only the documents holding every word are
        checked and scored, the sum taken in the order _intersection adds."""
        if not self._scorable(field):
            raise Unsupported(f"field {field}")
        fmt = self.searcher.schema[field].format
        if not fmt.supports("positions"):
            raise Unsupported(f"phrase on {field}")
        norm = self._norm(field)
        postings = [self._postings(field, w) for w in words]
        live = [tfs.keys() & norm.keys() for tfs, _ in postings]
        if not all(live):
            return {}
        candidates = set.intersection(*live)
        decode = _decode_positions if type(fmt) is Positions else fmt.decode_positions
        first, rest = postings[0][1], [(i, values) for i, (_, values) in enumerate(postings[1:], 1)]
        if len(rest) == 1 and type(fmt) is Positions:
            # Two words, the usual phrase: the second's positions one after the first's.
            # Inlined, with a word found once in a document (most often) compared directly.
            second = rest[0][1]
            matched = []
            for d in candidates:
                a, b = _deltas(first[d]), _deltas(second[d])
                if len(a) == 1 and len(b) == 1:
                    if b[0] - 1 == a[0]:
                        matched.append(d)
                    continue
                starts = set(accumulate(a))
                if any(p - 1 in starts for p in accumulate(b)):
                    matched.append(d)
        else:
            matched = []
            for d in candidates:
                starts = set(decode(first[d]))
                for i, values in rest:
                    starts.intersection_update([p - i for p in decode(values[d])])
                    if not starts:
                        break
                else:
                    matched.append(d)
        c = self.weighting.K1 + 1
        # _intersection's order: the words by how many live documents hold them (stable).
        order = sorted(range(len(words)), key=lambda i: len(live[i]))
        terms = [(self.searcher.idf(field, words[i]), postings[i][0]) for i in order]
        found = {}
        for d in matched:
            n = norm[d]
            score = None
            for idf, tfs in terms:
                tf = tfs[d]
                part = idf * ((tf * c) / (tf + n))
                score = part if score is None else score + part
            found[d] = score
        return found

    def _postings(self, field: str, text) -> tuple[dict[int, float], dict[int, bytes]]:
        """docnum -> term frequency and docnum -> stored value (positions) of one term,
        deleted documents included."""
        tfs: dict[int, float] = {}
        values: dict[int, bytes] = {}
        for reader, offset in self.leaves:
            for ids, weights, vals in _blocks(reader, field, text, True):
                if offset:
                    ids = [d + offset for d in ids]
                tfs.update(zip(ids, weights))
                values.update(zip(ids, vals))
        return tfs, values


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    """Whoosh's order of hits: higher score first, then lower document number."""
    return -item[1], item[0]


def _deltas(value: bytes) -> list[int]:
    """The position deltas of Whoosh's Positions format: a count, then the pickled list
    of deltas, whose final STOP byte (".") may be cut off."""
    return loads(value[4:] if value[-1:] == b"." else value[4:] + b".")


def _decode_positions(value: bytes):
    """Whoosh's Positions.decode_positions, with the running sum done by `accumulate`."""
    return accumulate(_deltas(value))


def _length_bytes(reader, field: str) -> bytes | None:
    """The stored length byte of every document of one segment in `field`, read at
    once from Whoosh's length column (what doc_field_length reads one document at a
    time: 20 ms a field at 10,000 articles, the cost of a field's first query), or
    None where the segment does not keep them that way."""
    perdoc = getattr(reader, "_perdoc", None)
    if type(perdoc) is not W3PerDocReader:
        return None
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    if type(column) is not NumericColumn.Reader or column._fixedlen != 1:
        return None
    return bytes(column._dbfile.get(column._basepos, column._count))


def _blocks(reader, field: str, text, with_values: bool, weights: bool = True):
    """(ids, weights, values) of each stored block of one term's postings in one segment,
    deleted documents included (the caller drops them)."""
    try:
        m = reader.postings(field, text)
    except TermNotFound:  # not in this segment
        return
    if isinstance(m, FilterMatcher):
        m = m.child
        m.reset()
    if type(m) is not W3LeafMatcher:  # postings kept in the term's record (not what whoosh3 writes)
        raise Unsupported(type(m).__name__)
    while not m._atend:
        if m._data is None:
            m._read_data()
        ids = m._data[0]
        m._ids = ids if m._byteids else tuple(accumulate(ids))  # what _read_ids does, its sum in C
        if weights:
            m._read_weights()
        if with_values:
            m._read_values()
        yield m._ids, m._weights, m._values
        m._next_block()
