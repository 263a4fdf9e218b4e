"""What each generated page was made from, so a rebuild can keep a page instead of making
it again.

A stamp is a digest of everything a page is a function of (the generator's code, the
article's extraction cache key, its front matter, the slugs it links to). Stamps live
beside the Whoosh index (`.archive/index/`), are written only after the pages they
describe, and a page is kept only when its stamp matches *and* the file is on disk as
the archive's manifest says it wrote it (OutputWriter.keep); anything else makes the
page again. A build killed between the two leaves a stamp or a manifest that does not
match the file, so the page is made again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from generator.cache import generator_fingerprint
from generator.write import atomic_write

PAGE_STAMPS = "pages.inputs"  # the file: article pages' relpath -> [inputs, fingerprint of the page text]
INDEX_PAGES = "index pages"  # ...this key -> [digest of every article's front matter, the index pages' paths]
CLIENT_INDEX = "client index"  # ...and this one -> [digest of the Whoosh index's state and every page]


def digest(*parts: str) -> str:
    """The parts' digest. The generator's code is not among them: the whole file is
    dropped when it changes (Stamps)."""
    return digest_of(parts)


def digest_of(parts: Iterable[str]) -> str:
    """digest(*parts) of parts made one at a time."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()[:40]


def canonical(value) -> str:
    """JSON with sorted keys; dates and other values as their str()."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class Stamps:
    """A JSON object on disk: key -> value, loaded once, saved whole (new keys only: what
    a build did not put is dropped). Written by another version of the generator, it is
    read as empty."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.previous = self._load()
        self.current: dict[str, object] = {}

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("generator") != generator_fingerprint():
            return {}
        return data.get("stamps") or {}

    def get(self, key: str):
        return self.previous.get(key)

    def put(self, key: str, value) -> None:
        self.current[key] = value

    def save(self) -> None:
        data = canonical({"generator": generator_fingerprint(), "stamps": self.current}) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, data.encode("utf-8"))


def article_page_inputs(entry: str, meta: dict, links: dict[str, dict[str, str]], markdown: bool = False) -> str:
    """What write.render_page makes an article's page from: the article (its extraction
    cache key `entry` names it), its front matter, the slugs of the speakers and places
    it links to, and the form of its body."""
    names = {
        "speakers": set(meta.get("speakers", [])) | {quote["speaker"] for quote in meta.get("quotes", [])},
        "places": set(meta.get("places", [])),
    }
    used = {section: {name: links.get(section, {}).get(name) for name in found} for section, found in names.items()}
    return digest(entry, canonical(meta), canonical(used), "markdown" if markdown else "html")
