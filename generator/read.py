"""Stage 1, read: seed bytes -> RawDocument (decoded, normalized text).

Every refusal raises SeedError with a reason a person can act on; the pipeline
records it against the file name and goes on with the other seeds.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer

from generator import settings
from generator.model import RawDocument

log = logging.getLogger(__name__)


class SeedError(Exception):
    """A seed that cannot be turned into an article; the message says why and what to do."""


MAGIC_NUMBERS = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"BZh", "a bzip2 archive"),
)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
HTML_START = re.compile(r"^\s*(<!doctype html|<html\b|<head\b|<body\b|<meta\b|<article\b)", re.I)
HTML_TAG = re.compile(r"</?(p|div|span|a|br|h[1-6]|li|ul|article|section|script|table)\b[^>]*>", re.I)
SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Well-formed multi-byte UTF-8 sequences: a file with more of these than bad bytes is UTF-8
# with a few damaged bytes, not a legacy single-byte encoding.
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
LATIN_MISREAD = re.compile(r"[\u00c0-\u00ff]{3,}")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def read_seed(path: Path, name: str | None = None) -> RawDocument:
    """Read one seed file. Never modifies it."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise SeedError(f"cannot be read ({err.strerror}); check the file's permissions") from err
    if size > settings.MAX_SEED_BYTES:
        raise SeedError(
            f"is {size / 1_048_576:.1f} MB, over the {settings.MAX_SEED_BYTES // 1_048_576} MB limit "
            "for one article; split it into one file per article"
        )
    data = path.read_bytes()
    return decode_seed(data, name or path.name)


def decode_seed(data: bytes, name: str) -> RawDocument:
    """Decode and normalize a seed's bytes; pure, so tests can call it on literals."""
    sha256 = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    if not data.strip():
        raise SeedError("is empty (or only white space); there is no article to extract")
    text, encoding = _decode(data, warnings)
    text, removed = _normalize(text)
    if removed:
        warnings.append(f"removed {removed} control or bidirectional-override character(s)")
    if not text.strip():
        raise SeedError("has no text once decoded; there is no article to extract")
    is_html = bool(HTML_START.match(text)) or len(HTML_TAG.findall(text[:20000])) >= 5
    html_title = None
    if is_html:
        text, html_title = html_to_text(text)
        if not text.strip():
            raise SeedError("is an HTML page with no readable text")
    return RawDocument(
        name=name,
        sha256=sha256,
        text=text,
        encoding=encoding,
        is_html=is_html,
        html_title=html_title,
        warnings=tuple(warnings),
    )


def _decode(data: bytes, warnings: list[str]) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding + " (BOM)"
            except UnicodeDecodeError as err:
                raise SeedError(f"starts with a {encoding} byte-order mark but is not valid {encoding}: {err.reason}") from err
    for magic, what in MAGIC_NUMBERS:
        if data.startswith(magic):
            raise SeedError(f"is {what}, not a text article; remove it from seeds/")
    if b"\x00" in data[:65536]:
        utf16 = _guess_utf16_without_bom(data)
        if utf16:
            return utf16
        raise SeedError("contains NUL bytes, so it is binary, not a text article; remove it from seeds/")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    valid = len(UTF8_MULTIBYTE.findall(data))
    if valid >= bad or bad / max(len(lenient), 1) <= settings.MAX_INVALID_UTF8_SHARE and valid:
        warnings.append(f"{bad} invalid UTF-8 byte sequence(s) replaced with U+FFFD")
        return lenient, "utf-8 (repaired)"
    western = _plausible_cp1252(data)
    if western is not None:
        return western, "cp1252"
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise SeedError("is not text in any encoding the reader recognizes; save it as UTF-8")
    return str(match), match.encoding


def _plausible_cp1252(data: bytes) -> str | None:
    """Western text with a few accented letters, curly quotes and dashes: detectors guess
    wildly on so few high bytes, so cp1252 is taken when it reads like a Latin language
    (accents inside words) rather than like another script misread (whole words of
    accented letters, as Cyrillic in cp1252 gives)."""
    high = sum(b >= 0x80 for b in data)
    if not high or high > 0.1 * len(data):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if LATIN_MISREAD.search(text):
        return None
    return text


def _guess_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    for encoding, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls > 0.3 * half:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _normalize(text: str) -> tuple[str, int]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = SPACES.sub(" ", text)
    text = INVISIBLE.sub("", text)
    text, n_bidi = BIDI_CONTROLS.subn("", text)
    text, n_control = CONTROL.subn("", text)
    text = unicodedata.normalize("NFC", text)
    return text, n_bidi + n_control


BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "nav", "aside", "blockquote", "figure",
    "figcaption", "main", "hr", "dd", "dt", "pre", "address", "time",
}
SKIPPED_TAGS = {"script", "style", "noscript", "iframe", "svg", "template", "object", "embed", "head", "select", "button", "form", "canvas", "math"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param", "track"}


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML page; never interprets scripts, styles or frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.caption_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if tag in SKIPPED_TAGS and tag not in VOID_TAGS:
            self.skip_depth += 1
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "figcaption" and not self.skip_depth:
            self.caption_depth += 1
            self.parts.append("Caption: ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in SKIPPED_TAGS and tag not in VOID_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "figcaption" and self.caption_depth:
            self.caption_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Text of an HTML page, block elements as paragraphs; the <title> separately."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = " ".join("".join(parser.title_parts).split()) or None
    return text, title
