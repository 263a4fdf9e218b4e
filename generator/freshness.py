"""Whether the archive is up to date, told from the file system alone.

The content-hash caches decide what a build makes again (generator/cache.py,
generator/stamps.py), but finding that nothing changed still reads every seed and hashes
every generated file: 7 to 15 s at 10,000 articles, paid by every `mkdocs serve` rebuild
(a template edited) and by the second build that `make site` runs through the plugin.
So a build first compares the size, modification time and inode of each of its inputs (every
file in the seeds folder, curation files included) and outputs (every file in the
archive's manifest, the manifest, and the index folder) with what they were when the
last complete build ended, with the same generator and options. When all is as it was,
that build's report stands and nothing is read or written.

Like git's index, a seed whose modification time is within RACY_NS of the moment the
last build looked at it is not trusted (it may have changed again within the same tick
of the clock): then the build runs in full, as it does on any difference. The record is
removed before a build changes anything and written only after it completes, so a build
that fails or is killed leaves none.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from generator import cache
from generator.write import MANIFEST_NAME, atomic_write

RECORD_SUFFIX = ".stat"  # the record of an index folder X is X.stat beside it
RACY_NS = 2_000_000_000


def record_path(index: Path) -> Path:
    return index.with_name(index.name + RECORD_SUFFIX)


def _seen(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _stat(path: Path) -> list[int] | None:
    try:
        return _seen(os.stat(path))
    except OSError:
        return None


def _folder(folder: Path) -> dict[str, list[int]]:
    """Every regular file below `folder`, by its path relative to it."""
    found: dict[str, list[int]] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            found.update({f"{entry.name}/{k}": v for k, v in _folder(Path(entry.path)).items()})
        elif entry.is_file():
            found[entry.name] = _seen(entry.stat())
    return found


@dataclass(frozen=True)
class SeedsSeen:
    """The seeds folder as a build found it before reading it."""

    files: dict[str, list[int]]
    at_ns: int


class Freshness:
    def __init__(self, seeds: Path, docs: Path, index: Path, markdown_bodies: bool) -> None:
        self.seeds, self.docs, self.index = seeds, docs, index
        self.record_path = record_path(index)
        self.key = [cache.generator_fingerprint(), str(seeds.resolve()), str(docs.resolve()), str(index.resolve()), markdown_bodies]

    def unchanged(self) -> dict | None:
        """The last build's report (as `record` stored it) if nothing it read or wrote
        has changed since; None otherwise."""
        try:
            record = json.loads(self.record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("key") != self.key:
            return None
        seeds = record.get("seeds") or {}
        at_ns = record.get("seeds_at_ns", 0)
        if any(mtime >= at_ns - RACY_NS for _, mtime, _ in seeds.values()):
            return None
        if _folder(self.seeds) != seeds:
            return None
        if self._outputs(list((record.get("docs") or {}).keys())) != record.get("docs") or _folder(self.index) != record.get("index"):
            return None
        return record.get("report")

    def _outputs(self, relpaths: list[str]) -> dict[str, list[int] | None]:
        return {relpath: _stat(self.docs / relpath) for relpath in relpaths}

    def forget(self) -> None:
        """Before a build changes anything."""
        try:
            self.record_path.unlink()
        except FileNotFoundError:
            pass

    def look_at_seeds(self) -> SeedsSeen:
        """Before the build reads the seeds."""
        at_ns = time.time_ns()
        return SeedsSeen(_folder(self.seeds), at_ns)

    def record(self, seen: SeedsSeen, report: dict) -> None:
        """After a complete build: its inputs as it found them, its outputs as it left them."""
        try:
            manifest = json.loads((self.docs / MANIFEST_NAME).read_text(encoding="utf-8"))
            written = sorted(manifest["files"]) + [MANIFEST_NAME]
        except (OSError, ValueError, KeyError, TypeError):
            return
        outputs = self._outputs(written)
        if None in outputs.values():  # a file the manifest lists is not there: a full build next time
            return
        record = {
            "key": self.key,
            "seeds_at_ns": seen.at_ns,
            "seeds": seen.files,
            "docs": outputs,
            "index": _folder(self.index),
            "report": report,
        }
        atomic_write(self.record_path, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))
