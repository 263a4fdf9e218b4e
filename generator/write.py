"""Stage 4, write: Article -> front-mattered Markdown under DOCS/articles/, through an
OutputWriter that records every file it writes (a manifest) and only ever replaces or
removes those. Files are written to a temporary name and moved into place, so a build
killed at any moment leaves each file either old or new, never half-written."""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import frontmatter
import yaml

from generator import __version__
from generator.article_html import body_html
from generator.model import Article
from generator.prerendered import HTML_KEY

log = logging.getLogger(__name__)

MANIFEST_NAME = ".archive-manifest.json"
TEMPORARY_NAME = re.compile(r"^\.tmp-[a-z0-9_]{8}(?:\.[A-Za-z0-9]+)?$")
ESCAPED = re.compile(r"([\\`*_\[\]{}])")
BLOCK_START = re.compile(r"^(\s*)([#>+\-=~]|\d+(?=[.)]))")


class OwnershipError(Exception):
    """A file the archive did not write stands where it would write."""


def front_matter(article: Article, curated: dict | None = None) -> dict:
    """The page's metadata, in a fixed key order; extracted values < curated values."""
    curated = curated or {}
    roles = {s.name: s.role for s in article.speakers if s.role}
    data: dict = {
        "title": article.title or "",
        "slug": article.slug,
        "date": article.date.date,
        "date_source": article.date.source,
        "date_evidence": article.date.evidence,
        "outlet": article.outlet,
        "original_source": article.original_source,
        "authors": list(article.authors),
        "dateline": article.dateline,
        "speakers": [s.name for s in article.speakers],
        "speaker_roles": roles,
        "quotes": [{"speaker": q.speaker, "text": q.text, "kind": q.kind} for q in article.quotes],
        "places": [p.name for p in article.places],
        "place_details": [
            {
                "name": p.name,
                "country": p.country,
                "kind": p.kind,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "geonames_id": p.geonames_id,
            }
            for p in article.places
        ],
        "organizations": list(article.organizations),
        "seed": f"seeds/{article.seed}",
        "seed_sha256": article.seed_sha256,
        "words": article.words,
    }
    for key, value in curated.items():
        data[key] = value
    if "date" in curated:
        data["date_source"] = "curated"
        data["date_evidence"] = "set in the curation file"
    if "places" in curated:
        data["place_details"] = [d for d in data["place_details"] if d["name"] in curated["places"]]
    if "speakers" in curated:
        data["speaker_roles"] = {k: v for k, v in roles.items() if k in curated["speakers"]}
    data["curated"] = sorted(curated)
    data["generator"] = __version__
    return data


def escape_markdown(text: str) -> str:
    """Seed text as literal Markdown text: no HTML, no links, no emphasis, no blocks."""
    text = html.escape(text, quote=False)
    text = ESCAPED.sub(r"\\\1", text)
    return BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2).isdigit() else m.group(0), text)


def _escape_numbered(text: str) -> str:
    return re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", text)


def render_body(article: Article, meta: dict | None = None, links: dict[str, dict[str, str]] | None = None) -> str:
    """The article's text as Markdown: escaped paragraphs; the first mention of each
    speaker and place linked to its page; under a paragraph, who is quoted in it."""
    meta = meta or {}
    links = links or {}
    targets = [
        (name, name, f"../{section}/{links[section][name]}/index.md")
        for section, names in (("speakers", meta.get("speakers", [])), ("places", meta.get("places", [])))
        for name in names
        if name in links.get(section, {})
    ]
    # A place is linked at its first mention in whatever spelling the article uses.
    linkable = {name for name, _, _ in targets}
    targets += [
        (place.name, alias, f"../places/{links['places'][place.name]}/index.md")
        for place in article.places
        if place.name in linkable and place.name in links.get("places", {})
        for alias in place.aliases
    ]
    linked: set[str] = set()
    blocks = []
    for paragraph in article.paragraphs:
        text = _escape_numbered(escape_markdown(paragraph))
        text = _link_first_mentions(text, targets, linked)
        blocks.append(text)
        quoted = _quoted_in(paragraph, meta.get("quotes", []))
        if quoted:
            names = ", ".join(
                f"[{escape_markdown(name)}](../speakers/{links['speakers'][name]}/index.md) ({kind})"
                if name in links.get("speakers", {}) else f"{escape_markdown(name)} ({kind})"
                for name, kind in quoted
            )
            blocks.append(f"*Quoted here:* {names}\n{{: .archive-attribution }}")
    for caption in article.captions:
        blocks.append(f"*Photo caption:* {escape_markdown(caption)}\n{{: .archive-caption }}")
    return "\n\n".join(blocks) + "\n"


def _link_first_mentions(text: str, targets: list[tuple[str, str, str]], linked: set[str]) -> str:
    """Link the first mention in the article of each name (key, as written, target);
    never inside another link."""
    for name, written, target in sorted(targets, key=lambda t: (-len(t[1]), t[1])):
        if name in linked:
            continue
        escaped = escape_markdown(written)
        at = _mention(text, escaped)
        if at >= 0:
            text = f"{text[:at]}[{escaped}]({target}){text[at + len(escaped):]}"
            linked.add(name)
    return text


def _mention(text: str, name: str) -> int:
    r"""Where `name` first stands as a whole word (no word character or bracket just
    before or after it), outside a link; -1 if nowhere. What the expression
    (?<![\w\[])NAME(?![\w\]]) finds, without compiling one per name (30,000 names at
    10,000 articles: Python's cache of compiled expressions holds 512)."""
    if not name:
        return -1
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if (before and (_word(before) or before == "[")) or (after and (_word(after) or after == "]")):
            start = text.find(name, start + 1)
            continue
        prefix = text[:start]
        if prefix.count("[") <= prefix.count("]"):
            return start
        start = text.find(name, end)  # inside a link already made
    return -1


def _word(ch: str) -> bool:
    r"""What \w matches in a str pattern."""
    return ch.isalnum() or ch == "_"


def _quoted_in(paragraph: str, quotes: list[dict]) -> list[tuple[str, str]]:
    flat = " ".join(paragraph.split())
    found: list[tuple[str, str]] = []
    for quote in quotes:
        probe = " ".join(quote["text"].split())[:60]
        if probe and probe in flat and (quote["speaker"], quote["kind"]) not in found:
            found.append((quote["speaker"], quote["kind"]))
    return found


def render_page(article: Article, meta: dict, links: dict[str, dict[str, str]] | None = None,
                markdown: bool = False) -> tuple[str, str]:
    """(page text, body) for an article whose front matter `meta` is already made. The
    body is `render_body`'s Markdown with `markdown`; otherwise its HTML
    (generator/article_html.py), marked so in the front matter: MkDocs renders it
    without Markdown."""
    body = render_body(article, meta, links)
    if not markdown:
        body, meta = body_html(body), {**meta, HTML_KEY: True}
    post = frontmatter.Post(body, **{})
    post.metadata = meta
    # libyaml's emitter (5x faster than PyYAML's own: 19 s of 10,000 pages' 43 s); it quotes
    # a few characters PyYAML leaves bare (astral ones, U+0085), and reads back the same.
    text = frontmatter.dumps(post, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    return text + "\n", body


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    """The file's digest, read a block at a time (an export is hundreds of MB)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class OutputWriter:
    """Writes generated files under a docs directory and keeps a manifest of them."""

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.manifest_path = docs / MANIFEST_NAME
        self.previous: dict[str, str] = self._load_manifest()
        self.current: dict[str, str] = {}
        self.written = 0
        self.unchanged = 0
        self._sweep_temporary_files()

    def _sweep_temporary_files(self) -> None:
        """A build killed while writing leaves its temporary file behind: remove those
        (only names of the form atomic_write gives them)."""
        if self.docs.is_dir():
            for stale in self.docs.rglob(".tmp-*"):
                if stale.is_file() and TEMPORARY_NAME.match(stale.name):
                    stale.unlink()

    def _load_manifest(self) -> dict[str, str]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return dict(data.get("files", {}))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            log.warning("could not read %s (%s); treating every existing file as hand-written", self.manifest_path, err)
            return {}

    def write(self, relpath: str, content: str | bytes | Iterable[str]) -> None:
        """Write a file (content whole, or an iterator of strings written as they come);
        a file already there as it would be written is left untouched."""
        target = self._target(relpath)
        if isinstance(content, (str, bytes)):
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            digest = _sha(data)
            if self._unchanged(relpath, target, digest):
                return
            atomic_write(target, data)
        else:
            with _temporary_beside(target) as (handle, tmp):
                h = hashlib.sha256()
                for chunk in content:
                    data = chunk.encode("utf-8")
                    h.update(data)
                    handle.write(data)
                handle.close()
                digest = h.hexdigest()
                if self._unchanged(relpath, target, digest):
                    return
                os.replace(tmp, target)
        self.current[relpath] = digest
        self.written += 1

    def _unchanged(self, relpath: str, target: Path, digest: str) -> bool:
        """True (and the file carried over) if `target` holds exactly that content; an
        OwnershipError if it holds something else and the archive did not write it."""
        if not target.exists():
            return False
        existing = _file_sha(target)
        if relpath not in self.previous and existing != digest:
            raise OwnershipError(
                f"{target} exists and was not written by the archive; move or rename it, "
                "the archive never overwrites a file it did not create"
            )
        if existing == digest:
            self.current[relpath] = digest
            self.unchanged += 1
            return True
        return False

    def keep_unchanged(self, prefix: str) -> bool:
        """Carry over, as written by this build, every file under `prefix` that an earlier
        build wrote, if each is still on disk as it was written; False (and nothing
        carried over) if any is missing or was changed, or there is none."""
        return self.keep([relpath for relpath in self.previous if relpath.startswith(prefix)])

    def keep(self, relpaths: list[str]) -> bool:
        """Carry over these files, written by an earlier build, as written by this one, if
        each is still on disk as it was written; False (and nothing carried over) if any
        is missing, was changed or was not written by the archive, or none is asked."""
        earlier = {}
        for relpath in relpaths:
            digest = self.previous.get(relpath)
            if digest is None:
                return False
            try:
                if _file_sha(self.docs / relpath) != digest:
                    return False
            except OSError:
                return False
            earlier[relpath] = digest
        self.current.update(earlier)
        self.unchanged += len(earlier)
        return bool(earlier)

    def _target(self, relpath: str) -> Path:
        target = (self.docs / relpath).resolve()
        root = self.docs.resolve()
        if root not in target.parents:
            raise OwnershipError(f"refusing to write {relpath}: outside {self.docs}")
        return target

    def finish(self, remove: bool = True) -> list[str]:
        """Remove files written by an earlier build and not by this one (unless `remove`
        is false: then they stay, and stay in the manifest); save the manifest."""
        removed = []
        for relpath, digest in sorted(self.previous.items()):
            if relpath in self.current:
                continue
            if not remove:
                self.current[relpath] = digest
                continue
            target = self.docs / relpath
            if not target.exists():
                continue
            if _file_sha(target) != digest:
                log.warning("left %s in place: it was edited after the archive wrote it", target)
                continue
            target.unlink()
            removed.append(relpath)
        manifest = {"generator": __version__, "files": dict(sorted(self.current.items()))}
        data = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8")
        if not self.manifest_path.exists() or self.manifest_path.read_bytes() != data:
            atomic_write(self.manifest_path, data, durable=True)  # unchanged: untouched, so `mkdocs serve` does not loop
        return removed


def clean_outputs(docs: Path) -> tuple[list[str], list[str]]:
    """Remove every file the archive wrote under `docs` (from its manifest) and the
    manifest itself. Returns (removed, kept because they were edited by hand)."""
    writer = OutputWriter(docs)
    removed, kept = [], []
    for relpath, digest in sorted(writer.previous.items()):
        target = docs / relpath
        if not target.exists():
            continue
        if _file_sha(target) != digest:
            kept.append(relpath)
            continue
        target.unlink()
        removed.append(relpath)
        parent = target.parent
        while parent != docs and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    writer.manifest_path.unlink(missing_ok=True)
    return removed, kept


def atomic_write(target: Path, data: bytes, durable: bool = False) -> None:
    """Write to a temporary name beside `target`, then rename it over `target`: a reader
    (or a build killed half-way) sees the old file or the new one, never part of one.

    `durable` also waits for the disk (fsync) before the rename. Only the manifest asks
    for that: every other file the archive writes can be made again, and a page that a
    power cut left damaged no longer matches its digest in the manifest, so the next
    build writes it again (an fsync per page was 22 s of a 10,000-article build)."""
    with _temporary_beside(target) as (handle, tmp):
        handle.write(data)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
        handle.close()
        os.replace(tmp, target)


@contextmanager
def _temporary_beside(target: Path):
    """(open binary file, its path): a temporary file in `target`'s folder, named as
    OutputWriter's sweep recognizes, with the permissions the umask gives a new file;
    removed on leaving unless it was renamed away."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a written file follows the umask
        with os.fdopen(fd, "wb") as handle:
            yield handle, tmp
    finally:
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
