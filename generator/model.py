"""The data that flows through the pipeline: one frozen dataclass per concept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class RawDocument:
    """A seed as read from disk: decoded, normalized text plus provenance."""

    name: str  # file name inside seeds/
    sha256: str
    text: str
    encoding: str
    is_html: bool = False
    html_title: str | None = None
    warnings: tuple[str, ...] = ()


class LineKind(str, Enum):
    TEXT = "text"  # article prose (paragraphs, standfirst, subheadings)
    TITLE = "title"
    META = "meta"  # byline, date line, source line: read for metadata, not shown
    CAPTION = "caption"
    CHROME = "chrome"  # page furniture: removed


@dataclass(frozen=True)
class Line:
    """One paragraph-level line of a page and what the cleaner decided it is."""

    text: str  # link markup removed
    raw: str  # as in the seed (after normalization)
    kind: LineKind
    reason: str = ""


@dataclass(frozen=True)
class CleanDocument:
    raw: RawDocument
    lines: tuple[Line, ...]

    def of_kind(self, *kinds: LineKind) -> list[Line]:
        return [line for line in self.lines if line.kind in kinds]

    @property
    def paragraphs(self) -> list[str]:
        return [line.text for line in self.lines if line.kind is LineKind.TEXT]

    @property
    def captions(self) -> list[str]:
        return [line.text for line in self.lines if line.kind is LineKind.CAPTION]

    @property
    def title_line(self) -> Line | None:
        return next((ln for ln in self.lines if ln.kind is LineKind.TITLE), None)


@dataclass(frozen=True)
class Quote:
    speaker: str
    text: str
    kind: str  # "direct" | "indirect"


@dataclass(frozen=True)
class Speaker:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Place:
    name: str  # canonical (GeoNames) name
    country: str | None = None  # ISO 3166 alpha-2
    kind: str = "city"  # country | state | city | unknown
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    aliases: tuple[str, ...] = ()  # other spellings the article uses for it ("Daraa" for Dar‘ā)


@dataclass(frozen=True)
class DateFinding:
    date: dt.date | None
    source: str  # header | byline | dateline | relative-weekday | caption | none
    evidence: str = ""


@dataclass(frozen=True)
class Article:
    title: str | None
    slug: str
    date: DateFinding
    outlet: str | None
    original_source: str | None
    authors: tuple[str, ...]
    dateline: str | None
    speakers: tuple[Speaker, ...]
    quotes: tuple[Quote, ...]
    places: tuple[Place, ...]
    organizations: tuple[str, ...]
    seed: str
    seed_sha256: str
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)
