"""Stage 5, index: the archive's pages -> a Whoosh index, updated incrementally.

Each document carries a fingerprint of the page it was made from; a page whose
fingerprint is unchanged is not reindexed, and pages that no longer exist leave it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import logging
import random
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.writing import PostingPool

from generator.analysis import analyzer, term_positions

log = logging.getLogger(__name__)


class ArchiveText(TEXT):
    """A TEXT field indexed through `analysis.term_positions`: the same terms, counts,
    weights and position lists as TEXT's own path through the analyzer (a test holds
    the index files to be the same bytes), without a Token object per word. The
    analyzer stays the field's, for anything else that asks for it."""

    def index(self, value, **kwargs):
        boost, encode = self.format.field_boost, self.format.encode
        for term, positions in term_positions(value).items():
            yield term.encode("utf-8"), len(positions), len(positions) * boost, encode(positions)


class BatchedPool(PostingPool):
    """Whoosh's postings pool, writing each sorted run to disk as pickled lists of
    RUN_BATCH postings instead of one pickle call per posting (and reading them back the
    same way): the same postings in the same order, for a fraction of the calls. Its
    runs were 5 of the 35 s of indexing 4,450 BBC articles under the profiler."""

    def _write_run(self, f, items):
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) == RUN_BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


RUN_BATCH = 4096


def schema() -> Schema:
    text = analyzer()
    return Schema(
        slug=ID(stored=True, unique=True),
        fingerprint=ID(stored=True),
        title=ArchiveText(stored=True, analyzer=text, field_boost=2.0),
        body=ArchiveText(analyzer=text, stored=True),
        quote=ArchiveText(analyzer=text),
        speaker=ArchiveText(analyzer=text),
        place=ArchiveText(analyzer=text),
        outlet=ArchiveText(analyzer=text),
        source=ArchiveText(analyzer=text),
        org=ArchiveText(analyzer=text),
        date=DATETIME(stored=True),
        year=NUMERIC(stored=True),
        meta=STORED,
    )


ENTITY_FIELDS = ("speaker", "place", "outlet", "source", "org")


def entity_fields(meta: dict) -> dict[str, list[str]]:
    """The names an article is searchable by, per query field."""
    return {
        "speaker": list(meta.get("speakers", [])),
        "place": list(meta.get("places", [])),
        "outlet": [meta["outlet"]] if meta.get("outlet") else [],
        "source": [meta["original_source"]] if meta.get("original_source") else [],
        "org": list(meta.get("organizations", [])),
    }


def document_fields(meta: dict, body: str) -> dict[str, str]:
    """The text of each searchable field of an article (both indexes use this)."""
    return {
        "title": meta.get("title") or "",
        "body": body,
        "quote": "\n".join(q["text"] for q in meta.get("quotes", [])),
        **{field: "\n".join(values) for field, values in entity_fields(meta).items()},
    }


def fingerprint(page_text: str) -> str:
    return hashlib.sha256(page_text.encode("utf-8")).hexdigest()[:32]


def document(meta: dict, body: str, page_fingerprint: str) -> dict:
    date = meta.get("date")
    when = dt.datetime(date.year, date.month, date.day) if isinstance(date, dt.date) else None
    doc = {
        "slug": meta["slug"],
        "fingerprint": page_fingerprint,
        **document_fields(meta, body),
        "meta": json.dumps(
            {k: meta.get(k) for k in ("title", "outlet", "original_source", "speakers", "places", "organizations")}
            | {"date": str(date) if date else None},
            ensure_ascii=False,
        ),
    }
    if when:
        doc["date"] = when
        doc["year"] = when.year
    return doc


WRITER_MB = 48
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


@contextmanager
def open_searcher(index_dir: Path):
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            yield searcher
    finally:
        ix.close()


def update_index(index_dir: Path, pages: list[tuple], text_of: Callable[[object], str] = str) -> dict[str, int]:
    """Bring the index in line with `pages` (meta, body, fingerprint of the page's text),
    where `text_of(body)` is the body's text (the pipeline passes where the text is, and
    the text is read only for the pages indexed). Returns counts."""
    content = "\n".join(sorted(f"{meta['slug']} {digest}" for meta, _, digest in pages))
    # Whoosh's files already in the index go into the seed too: a build from scratch is
    # reproducible, and a new segment can never take the name of a live one. Only its own:
    # the build writes other files beside them while a second process indexes.
    existing = sorted(p.name for p in index_dir.iterdir() if _is_whoosh_file(p)) if index_dir.is_dir() else []
    with _names_from(content + "\n" + "\n".join(existing)):
        try:
            return _update_index(index_dir, pages, text_of)
        except (OSError, ValueError, EOFError, KeyError, AttributeError, ImportError, pickle.UnpicklingError) as err:
            log.warning("the search index in %s could not be read (%s); rebuilding it from the pages", index_dir, err)
            _clear(index_dir)
            return _update_index(index_dir, pages, text_of)


def _clear(index_dir: Path) -> None:
    """Remove an unreadable Whoosh index (only Whoosh's own files)."""
    for path in index_dir.iterdir():
        if path.is_file() and _is_whoosh_file(path):
            path.unlink()


def _is_whoosh_file(path: Path) -> bool:
    return path.suffix in WHOOSH_SUFFIXES or path.name.startswith("_MAIN_") or path.name == "MAIN_WRITELOCK"


def _update_index(index_dir: Path, pages: list[tuple], text_of: Callable[[object], str]) -> dict[str, int]:
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
    wanted = {page[0]["slug"]: page for page in pages}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    # A compound segment records file mtimes: not reproducible. The postings buffer is
    # spilled to sorted runs on disk past WRITER_MB of Whoosh's own estimate (real memory
    # is about 1.5 times it): the default, 128, was the build's largest holder of memory.
    writer = ix.writer(compound=False, limitmb=WRITER_MB)
    writer.pool = BatchedPool(writer._tempstorage, writer.newsegment, limitmb=WRITER_MB)
    try:
        for slug in sorted(set(existing) - set(wanted)):
            writer.delete_by_term("slug", slug)
            counts["removed"] += 1
        for slug in sorted(wanted):
            meta, body, digest = wanted[slug]
            if existing.get(slug) == digest:
                counts["unchanged"] += 1
                continue
            counts["updated" if slug in existing else "added"] += 1
            writer.update_document(**document(meta, text_of(body), digest))
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
