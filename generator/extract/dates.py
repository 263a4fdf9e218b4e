"""Publication date: explicit header/byline dates, dateline dates completed with a year
from elsewhere in the page, relative weekdays resolved against the nearest dated
reference, and photo-caption dates as the weakest evidence. Never invents a date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator import settings
from generator.model import DateFinding

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
MDY = MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
DMY = r"\b(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH.replace("?P<month>", "?P<month2>") + r",?\s+(?P<year2>(?:19|20)\d\d)\b"
ISO = r"\b(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b"
FULL_DATE = re.compile(rf"(?:{MDY}|{DMY}|{ISO})", re.I)
PARTIAL_DATE = re.compile(
    rf"\b(?:{MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH.replace('?P<month>', '?P<month2>')})\b(?!,?\s+(?:19|20)\d\d)",
    re.I,
)
WEEKDAY_MENTION = re.compile(r"(?<!\bnext )(?<!\bevery )\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!s\b)")
YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    start: int
    end: int


def find_dates(text: str) -> list[FoundDate]:
    """Every complete calendar date written in `text`."""
    found = []
    for m in FULL_DATE.finditer(text):
        g = m.groupdict()
        try:
            if g["iy"]:
                date = dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
            else:
                month = MONTHS[(g["month"] or g["month2"]).lower().rstrip(".")]
                day = int(g["day"] or g["day2"])
                year = int(g["year"] or g["year2"])
                date = dt.date(year, month, day)
        except (ValueError, KeyError):
            continue
        found.append(FoundDate(date, m.start(), m.end()))
    return found


def find_partial_dates(text: str) -> list[tuple[int, int]]:
    """(month, day) pairs written without a year."""
    out = []
    for m in PARTIAL_DATE.finditer(text):
        g = m.groupdict()
        month = MONTHS.get((g["month"] or g["month2"] or "").lower().rstrip("."))
        day = int(g["day"] or g["day2"])
        if month and 1 <= day <= 31:
            out.append((month, day))
    return out


def weekday_mentions(text: str) -> list[int]:
    return [WEEKDAYS[m.group("weekday").lower()] for m in WEEKDAY_MENTION.finditer(text)]


def resolve_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The first day on or after `anchor` that falls on `weekday` (news reports events
    after the photo or dateline that anchors them)."""
    return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7)


def extract_date(
    header_lines: list[str],
    byline_lines: list[str],
    dateline_text: str | None,
    body: list[str],
    captions: list[str],
    other_years: list[int],
) -> DateFinding:
    """Decide the publication date from the strongest evidence available."""
    for source, lines in (("header", header_lines), ("byline", byline_lines)):
        for line in lines:
            dates = find_dates(line)
            if dates:
                return DateFinding(dates[0].date, source, f"{source} line: {line.strip()[:80]}")

    caption_dates = sorted(d.date for c in captions for d in find_dates(c))
    years = sorted(set(other_years) | {d.year for d in caption_dates})

    if dateline_text:
        full = find_dates(dateline_text)
        if full:
            return DateFinding(full[0].date, "dateline", f"dateline: {dateline_text[:60]}")
        partial = find_partial_dates(dateline_text)
        if partial and years:
            month, day = partial[0]
            try:
                date = dt.date(years[-1], month, day)
                return DateFinding(date, "dateline", f"dateline {month:02d}-{day:02d}, year {years[-1]} from the page")
            except ValueError:
                pass

    weekdays = [w for paragraph in body for w in weekday_mentions(paragraph)]
    if caption_dates and weekdays:
        anchor = caption_dates[-1]
        resolved = max(resolve_weekday(anchor, w) for w in weekdays)
        if (resolved - anchor).days <= settings.WEEKDAY_MAX_DAYS_AFTER_ANCHOR:
            return DateFinding(
                resolved,
                "relative-weekday",
                f"{resolved.strftime('%A')} on or after the photo caption's date {anchor.isoformat()}",
            )
    if caption_dates:
        return DateFinding(caption_dates[-1], "caption", "latest photo-caption date (weak evidence)")
    return DateFinding(None, "none", "no dated evidence in the page")
