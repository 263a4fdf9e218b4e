"""A content-hash cache of extraction results (`.archive/cache/`).

An article is re-extracted only when something it depends on changed: the seed's bytes,
the template lines of the corpus that occur in it, or the generator itself (its code,
its data files and settings). The cache holds only its own files and drops entries no
build uses any more."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path

from generator import __version__
from generator.model import Article, DateFinding, Place, Quote, Speaker
from generator.write import atomic_write

log = logging.getLogger(__name__)
SUFFIX = ".article.json"


@cache
def generator_fingerprint() -> str:
    """Changes whenever the generator's code, data files or version change."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("generator")
    root = str(package)
    for path in sorted(_files(package), key=str):
        digest.update(str(path)[len(root):].encode())  # relative: moving the project keeps the cache
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _files(root):
    for entry in root.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _files(entry)
        elif entry.name.endswith((".py", ".yml")):
            yield entry


def key(seed_name: str, seed_sha256: str, repeated_lines: list[str]) -> str:
    """The seed's name is part of it: two seeds with the same bytes are two articles."""
    digest = hashlib.sha256(f"{generator_fingerprint()}\n{seed_name}\n{seed_sha256}\n".encode())
    for line in sorted(repeated_lines):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()[:40]


class ExtractionCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, entry: str) -> Article | None:
        path = self.folder / (entry + SUFFIX)
        self.used.add(entry)
        try:
            article = article_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("ignoring unreadable cache entry %s (%s)", path, err)
            return None
        return article

    def has(self, entry: str) -> bool:
        return (self.folder / (entry + SUFFIX)).is_file()

    def put(self, entry: str, article: Article) -> None:
        self.used.add(entry)
        data = json.dumps(article_to_dict(article), ensure_ascii=False, sort_keys=True)
        atomic_write(self.folder / (entry + SUFFIX), data.encode("utf-8"))

    def prune(self) -> int:
        """Remove entries this build did not use (only the cache's own files)."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in self.folder.glob("*" + SUFFIX):
            if path.name[: -len(SUFFIX)] not in self.used:
                path.unlink()
                removed += 1
        return removed


ARTICLE_FIELDS = dataclasses.fields(Article)


def article_to_dict(article: Article) -> dict:
    # Field by field: dataclasses.asdict deep-copies every value (7.7 s at 10,000 articles).
    data = {field.name: getattr(article, field.name) for field in ARTICLE_FIELDS}
    for name in ("speakers", "quotes", "places"):
        data[name] = [_plain(value) for value in data[name]]
    date = article.date.date
    data["date"] = {"date": date.isoformat() if date else None, "source": article.date.source, "evidence": article.date.evidence}
    return data


def _plain(value) -> dict:
    """A dataclass whose fields are plain values (or tuples of them), as a dict."""
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}


def article_from_dict(data: dict) -> Article:
    date = data["date"]
    return Article(
        title=data["title"],
        slug=data["slug"],
        date=DateFinding(dt.date.fromisoformat(date["date"]) if date["date"] else None, date["source"], date["evidence"]),
        outlet=data["outlet"],
        original_source=data["original_source"],
        authors=tuple(data["authors"]),
        dateline=data["dateline"],
        speakers=tuple(Speaker(**s) for s in data["speakers"]),
        quotes=tuple(Quote(**q) for q in data["quotes"]),
        places=tuple(Place(**{**p, "aliases": tuple(p.get("aliases", ()))}) for p in data["places"]),
        organizations=tuple(data["organizations"]),
        seed=data["seed"],
        seed_sha256=data["seed_sha256"],
        paragraphs=tuple(data["paragraphs"]),
        captions=tuple(data["captions"]),
        warnings=tuple(data["warnings"]),
    )
