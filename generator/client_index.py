"""Stage 6, client index: the search index the deployed site downloads, shard by shard.

Everything lives in one sorted key space, cut into shards (as small as the file cap allows):

    v:<key>          a typed word (lower case, accents folded) -> its stems
    <F>:<stem>       postings of a stem in field F: [doc, weight, doc delta, weight, ...]
    P:<F>:<stem>     positions of the stem in each of those documents (phrases only)

The manifest lists the first key of every shard, so a query downloads the manifest, the
shards holding its words, and the display data of the results it shows: `d/<n>.json`
(slug, title, date, outlet, speakers, and where the text is) and, for snippets, each
result's text alone, zlib-compressed, read from `d/<n>.bin` with an HTTP range request
(a server that ignores ranges sends the whole file, which works too). One article per
pair of files where the file cap allows, more per pair in a big archive. Weights are the
BM25F scores Whoosh gives the same term in the same document (same statistics, same
quantized field lengths), so both engines rank alike. The statistics are the pages' own
(their number, each field's total length, each term's document count), the ones Whoosh
keeps for an index built from the same pages: the client index is a function of the
pages alone, and is made while Whoosh indexes them. Facet data (dates, outlets, speakers,
places per article) is one more file, loaded only when facets, a date filter or date
order are asked for."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable
from math import log

from whoosh.scoring import bm25
from whoosh.util.numeric import byte_to_length, length_to_byte

from generator.analysis import STOP_MINSIZE, STOP_WORDS, analyze
from generator.index import document_fields
from generator.query import MIN_PREFIX
from generator.search import MAX_EXPANSION

FORMAT = 2  # 2: result texts in d/<n>.bin, read by range
FILE_CAP = 1_900  # files the client index may write
MIN_SHARD_BYTES = 8_000  # shards are as small as the cap allows, down to this...
SHARD_BYTES = 32_000  # ...and up to this for words and postings (every query loads some)
MAX_POSITION_SHARD_BYTES = 96_000  # ...and this for positions (only phrases load them)
POSITIONS_SHARE = 0.3  # of the files left for shards (at least: they get what postings leave)
MAX_CHUNK = 24  # articles per pair of display files at most, cap or not
FIELD_CODES = {"title": "T", "body": "B", "quote": "Q", "speaker": "S", "place": "L", "outlet": "O", "source": "R", "org": "G"}
BOOSTS = {"title": 2.0}
B, K1 = 0.75, 1.2
FOLDER = "search"


SEARCH_PAGE = """\
---
title: Search
search_page: true
---

# Search the archive

<div id="archive-search-page">
<noscript><p>Search runs in your browser and needs JavaScript. Without it, browse the
<a href="../speakers/">speakers</a>, <a href="../places/">places</a> and
<a href="../timeline/">timeline</a>, or run <code>archive search</code> on a copy of the archive.</p></noscript>
</div>
"""


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def build_client_index(pages: list[tuple], write: Callable[[str, str], None], text_of: Callable[[object], str] = str) -> str:
    """Calls write(relpath under docs/, content) for every file of the index, the pages
    (meta, body, fingerprint) in slug order; returns the vocabulary (typed word -> stems)
    as JSON, which `archive search` reads too. `text_of(body)` is a body's text: bodies
    are read when needed (by the body field and the display files), not held.

    One field at a time: its postings are built, weighted and serialized before the
    next field is read, so memory holds one field's postings as objects, not all eight.
    Files are handed to `write` as they are made, not kept."""
    pages = sorted(pages, key=lambda page: page[0]["slug"])
    digests: dict[str, str] = {}

    def emit(relpath: str, content: str | bytes) -> None:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        digests[relpath] = hashlib.sha256(data).hexdigest()
        write(relpath, content)

    count = len(pages)
    vocab: dict[str, set[str]] = defaultdict(set)
    entries = _Entries()  # key -> its value, serialized
    for field, code in FIELD_CODES.items():
        # Postings as flat integer arrays (documents, counts, positions) per stem: a
        # tuple and a list per posting took 740 MB at 10,000 articles.
        docs_of: dict[str, array] = defaultdict(lambda: array("i"))
        counts_of: dict[str, array] = defaultdict(lambda: array("i"))
        positions_of: dict[str, array] = defaultdict(lambda: array("i"))
        lengths = array("i")
        for doc, (meta, body, _) in enumerate(pages):
            terms = analyze(text_of(body) if field == "body" else document_fields(meta, "")[field])
            lengths.append(terms.length)
            for stem, positions in terms.positions.items():
                docs_of[stem].append(doc)
                counts_of[stem].append(len(positions))
                positions_of[stem].extend(positions)
            if field != "quote":  # quotes are part of the body already
                for key, stems in terms.keys.items():
                    vocab[key] |= stems
        avgfl = sum(lengths) / (count or 1) or 1  # Whoosh: the field's total length / documents
        boost = BOOSTS.get(field, 1.0)
        for stem, docs in docs_of.items():
            idf = log(count / (len(docs) + 1)) + 1  # Whoosh's idf: documents / (those with the term + 1)
            flat, where, previous, at = [], [], 0, 0
            all_positions = positions_of[stem]
            for doc, tf in zip(docs, counts_of[stem]):
                positions = all_positions[at : at + tf]
                at += tf
                fl = byte_to_length(length_to_byte(lengths[doc]))
                flat += [doc - previous, round(bm25(idf, tf * boost, fl, avgfl, B, K1) * 1000)]
                previous = doc
                where.append([positions[0]] + [b - a for a, b in zip(positions, positions[1:])])
            entries.put(f"{code}:{stem}", _dump(flat))
            entries.put(f"P:{code}:{stem}", _dump(where))
        del docs_of, counts_of, positions_of
    table = {key: sorted(stems) if len(stems) > 1 else next(iter(stems)) for key, stems in vocab.items()}
    del vocab
    for key, stems in table.items():
        entries.put(f"v:{key}", _dump(stems))
    vocabulary = _dump(table)
    del table

    firsts: list[str] = []
    shard: list[str] = []
    size = 0
    positions_shard = False

    def close() -> None:
        emit(f"{FOLDER}/t/{len(firsts) - 1}.json", "{" + ",".join(shard) + "}")

    positions_bytes = sum(len(k) + n + 4 for k, n in entries.lengths() if k.startswith("P:"))
    postings_bytes = sum(len(k) + n + 4 for k, n in entries.lengths()) - positions_bytes
    postings_limit, positions_limit = shard_sizes(len(pages), postings_bytes, positions_bytes)
    for key, text in entries.in_order():
        is_positions = key.startswith("P:")
        limit = positions_limit if is_positions else postings_limit
        if shard and (size + len(text) + len(key) > limit or is_positions != positions_shard):
            close()
            shard, size = [], 0
        if not shard:
            firsts.append(key)
            positions_shard = is_positions
        shard.append(f"{_dump(key)}:{text}")
        size += len(text) + len(key) + 4
    if shard:
        close()
    del entries

    chunk = display_chunk(len(pages), len(firsts))
    for start in range(0, len(pages), chunk):
        rows, texts, offset = [], [], 0
        for meta, body, _ in pages[start:start + chunk]:
            text = zlib.compress(text_of(body).encode("utf-8"), 9)
            rows.append([meta["slug"], meta.get("title") or meta["slug"], str(meta["date"]) if meta.get("date") else "",
                         meta.get("outlet") or "", list(meta.get("speakers", []))[:5], offset, len(text)])
            texts.append(text)
            offset += len(text)
        emit(f"{FOLDER}/d/{start // chunk}.json", _dump(rows))
        emit(f"{FOLDER}/d/{start // chunk}.bin", b"".join(texts))
    emit(f"{FOLDER}/facets.json", _dump(_facets(pages)))
    emit(f"{FOLDER}/index.md", SEARCH_PAGE)

    version = hashlib.sha256("".join(f"{k}\n{digests[k]}\n" for k in sorted(digests)).encode("utf-8")).hexdigest()[:12]
    manifest = {
        "format": FORMAT,
        "version": version,
        "documents": len(pages),
        "chunk": chunk,
        "shards": firsts,
        "fields": FIELD_CODES,
        "defaultFields": ["title", "body"],
        "stopWords": sorted(STOP_WORDS),
        "stopMinSize": STOP_MINSIZE,
        "minPrefix": MIN_PREFIX,
        "maxExpansion": MAX_EXPANSION,
    }
    write(f"{FOLDER}/manifest.json", _dump(manifest))
    return vocabulary


class _Entries:
    """Keys and their serialized values, the values in an unnamed temporary file until
    they are cut into shards (they are 41 MB of text at 10,000 articles, and grow with
    the archive); memory holds the keys and where each value is."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._at, self._bytes, self._chars = array("q"), array("q"), array("q")
        self._file = tempfile.TemporaryFile(prefix="archive-entries-")
        self._end = 0

    def put(self, key: str, text: str) -> None:
        data = text.encode("utf-8")
        self._file.write(data)
        self.keys.append(key)
        self._at.append(self._end)
        self._bytes.append(len(data))
        self._chars.append(len(text))
        self._end += len(data)

    def lengths(self):
        """(key, length of its value in characters), in the order put."""
        return zip(self.keys, self._chars)

    def in_order(self):
        """(key, value) in key order."""
        self._file.flush()
        fd = self._file.fileno()
        for i in sorted(range(len(self.keys)), key=self.keys.__getitem__):
            yield self.keys[i], os.pread(fd, self._bytes[i], self._at[i]).decode("utf-8")


def shard_sizes(documents: int, postings_bytes: int, positions_bytes: int) -> tuple[int, int]:
    """Bytes per shard of words and postings, and of positions. Every query downloads a
    few shards whole, so they are as small as FILE_CAP allows once the display files
    (at most MAX_CHUNK articles a pair) and 3 other files have their share: small shards
    in a small archive, up to SHARD_BYTES and MAX_POSITION_SHARD_BYTES in a big one. A
    tenth of the room is kept for shards that end short of the limit."""
    room = int((FILE_CAP - 3 - 2 * -(-documents // MAX_CHUNK)) * 0.9)
    postings_room = max(1, int(room * (1 - POSITIONS_SHARE)))
    postings = min(SHARD_BYTES, max(MIN_SHARD_BYTES, -(-postings_bytes // postings_room)))
    positions_room = max(1, room - -(-postings_bytes // postings))  # what the postings leave
    positions = min(MAX_POSITION_SHARD_BYTES, max(MIN_SHARD_BYTES, -(-positions_bytes // positions_room)))
    return postings, positions


def display_chunk(documents: int, shards: int) -> int:
    """Articles per pair of display files (rows, texts). A query fetches one rows file per
    result shown, so the fewer rows a file holds the fewer bytes; texts come by range.
    One each while the pairs fit under FILE_CAP with the shards and the 3 other files
    (manifest, facets, search page); more when they do not, up to MAX_CHUNK (past that
    an archive so big writes more files than the cap)."""
    pairs = max(1, (FILE_CAP - shards - 3) // 2)
    return min(MAX_CHUNK, max(1, -(-documents // pairs)))


def _facets(pages) -> dict:
    def table(values_per_doc):
        names = sorted({v for values in values_per_doc for v in values})
        number = {name: i for i, name in enumerate(names)}
        return {"names": names, "docs": [[number[v] for v in values] for values in values_per_doc]}

    return {
        "date": [int(str(meta["date"]).replace("-", "")) if meta.get("date") else 0 for meta, _, _ in pages],
        "speaker": table([list(dict.fromkeys(meta.get("speakers", []))) for meta, _, _ in pages]),
        "place": table([list(dict.fromkeys(meta.get("places", []))) for meta, _, _ in pages]),
        "outlet": table([[meta["outlet"]] if meta.get("outlet") else [] for meta, _, _ in pages]),
    }

