"""Stage 5, index: the archive's pages -> a Whoosh index, updated incrementally.

Each document carries a fingerprint of the page it was made from; a page whose
fingerprint is unchanged is not reindexed, and pages that no longer exist leave it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

log = logging.getLogger(__name__)


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


def analyzer():
    """Lower case, stop words, English stemming and accent folding: the one analysis of
    the archive (StemmingAnalyzer's chain, with a reproducible stop filter)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StableStopFilter(stoplist=STOP_WORDS, minsize=2)
        | StemFilter()
        | CharsetFilter(accent_map)
    )


def schema() -> Schema:
    text = analyzer()
    return Schema(
        slug=ID(stored=True, unique=True),
        fingerprint=ID(stored=True),
        title=TEXT(stored=True, analyzer=text, field_boost=2.0),
        body=TEXT(analyzer=text, stored=True),
        quote=TEXT(analyzer=text),
        speaker=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        place=KEYWORD(stored=True, commas=True, lowercase=True),
        outlet=KEYWORD(stored=True, commas=True, lowercase=True),
        source=KEYWORD(stored=True, commas=True, lowercase=True),
        org=KEYWORD(stored=True, commas=True, lowercase=True),
        date=DATETIME(stored=True),
        year=NUMERIC(stored=True),
        meta=STORED,
    )


def fingerprint(page_text: str) -> str:
    return hashlib.sha256(page_text.encode("utf-8")).hexdigest()[:32]


def document(meta: dict, body: str, page_text: str) -> dict:
    date = meta.get("date")
    when = dt.datetime(date.year, date.month, date.day) if isinstance(date, dt.date) else None
    doc = {
        "slug": meta["slug"],
        "fingerprint": fingerprint(page_text),
        "title": meta.get("title") or "",
        "body": body,
        "quote": "\n".join(q["text"] for q in meta.get("quotes", [])),
        "speaker": ",".join(meta.get("speakers", [])),
        "place": ",".join(meta.get("places", [])),
        "outlet": meta.get("outlet") or "",
        "source": meta.get("original_source") or "",
        "org": ",".join(meta.get("organizations", [])),
        "meta": json.dumps(
            {k: meta.get(k) for k in ("title", "outlet", "speakers", "places")} | {"date": str(date) if date else None},
            ensure_ascii=False,
        ),
    }
    if when:
        doc["date"] = when
        doc["year"] = when.year
    return doc


WHOOSH_SUFFIXES = {".toc", ".seg", ".col", ".pst", ".trm", ".fvz", ".vps", ".dci", ".dcz", ".tmp", ".ctmp", ".del"}


@contextmanager
def _names_from(content: str):
    """Whoosh names segment files with Python's global `random`; seeding it from the
    index's content makes the same pages give the same files. The caller's random
    state is restored afterwards."""
    state = random.getstate()
    random.seed(hashlib.sha256(content.encode("utf-8")).hexdigest())
    try:
        yield
    finally:
        random.setstate(state)


def update_index(index_dir: Path, pages: list[tuple[dict, str, str]]) -> dict[str, int]:
    """Bring the index in line with `pages` (meta, body, page text). Returns counts."""
    content = "\n".join(sorted(f"{meta['slug']} {fingerprint(text)}" for meta, _, text in pages))
    # The files already in the index go into the seed too: a build from scratch is
    # reproducible, and a new segment can never take the name of a live one.
    existing = sorted(p.name for p in index_dir.iterdir()) if index_dir.is_dir() else []
    with _names_from(content + "\n" + "\n".join(existing)):
        try:
            return _update_index(index_dir, pages)
        except (OSError, ValueError, EOFError, KeyError) as err:
            log.warning("the search index in %s could not be read (%s); rebuilding it from the pages", index_dir, err)
            _clear(index_dir)
            return _update_index(index_dir, pages)


def _clear(index_dir: Path) -> None:
    """Remove an unreadable Whoosh index (only Whoosh's own files)."""
    for path in index_dir.iterdir():
        if path.is_file() and (path.suffix in WHOOSH_SUFFIXES or path.name.startswith("_MAIN_") or path.name == "MAIN_WRITELOCK"):
            path.unlink()


def _update_index(index_dir: Path, pages: list[tuple[dict, str, str]]) -> dict[str, int]:
    index_dir.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(index_dir)):
        ix = whoosh_index.open_dir(str(index_dir))
        if set(ix.schema.names()) != set(schema().names()):
            ix.close()
            ix = whoosh_index.create_in(str(index_dir), schema())
    else:
        ix = whoosh_index.create_in(str(index_dir), schema())
    with ix.searcher() as searcher:
        existing = {fields["slug"]: fields["fingerprint"] for fields in searcher.all_stored_fields()}
    wanted = {meta["slug"]: (meta, body, text) for meta, body, text in pages}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    writer = ix.writer(compound=False)  # a compound segment records file mtimes: not reproducible
    try:
        for slug in sorted(set(existing) - set(wanted)):
            writer.delete_by_term("slug", slug)
            counts["removed"] += 1
        for slug in sorted(wanted):
            meta, body, text = wanted[slug]
            if existing.get(slug) == fingerprint(text):
                counts["unchanged"] += 1
                continue
            counts["updated" if slug in existing else "added"] += 1
            writer.update_document(**document(meta, body, text))
        if counts["removed"] or counts["updated"] or counts["added"]:
            writer.commit(optimize=False)
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    return counts
