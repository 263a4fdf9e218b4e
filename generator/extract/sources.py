"""Who reported it: the outlet the page was captured from, the agency or outlet it was
republished from, the byline, and the dateline.

The outlet is the registry outlet with the most evidence in the page's own furniture:
web addresses (weight 3), its name in chrome, date lines or caption credits (weight 2),
a dateline agency or a copyright line (weight 1). A line that is nothing but an outlet's
name above the text is a source label. The original source is stated: "The original
source of this article is …", "Source: …", a source label or dateline agency other than
the outlet, or a copyright holder other than the outlet."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from generator import resources
from generator.clean import BYLINE, COPYRIGHT, SOURCE_LINE
from generator.extract.people import person_mentions
from generator.extract.text import DOMAIN, EMAIL, URL, alternation
from generator.model import CleanDocument, LineKind

DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,40}?|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|[^—–(]{1,30}?))?"
    r"\s*(?:\((?P<agency>[^)]{2,40})\))?\s*(?:—|–|-{1,2})\s+(?=\S)"
)


DATELINE_LINE = re.compile(r"^(?P<place>[A-Z][A-Za-z.'’-]+(?:\s[A-Z][A-Za-z.'’-]+){0,2}),\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2})")
MONTH_WORDS = {"JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER",
               "NOVEMBER", "DECEMBER", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN", "MONDAY", "TUESDAY",
               "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "PUBLISHED", "UPDATED", "POSTED"}


@dataclass(frozen=True)
class Sources:
    outlet: str | None
    original_source: str | None
    authors: tuple[str, ...]
    dateline: str | None
    dateline_text: str | None  # the dateline's words, for the date extractor


def _aliases():
    """(alias, outlet name) for every name and alias of the registry, each outlet's
    longest first."""
    for outlet in resources.outlets():
        for alias in sorted({outlet.name, *outlet.aliases}, key=len, reverse=True):
            yield alias, outlet.name


@cache
def _alias_patterns() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"(?<![\w.-]){re.escape(alias)}(?![\w-])", 0 if _exact_case(alias) else re.I), name)
            for alias, name in _aliases()]


def _exact_case(alias: str) -> bool:
    """An acronym or a short alias names the outlet only as written ("AP", not "ap")."""
    return alias.isupper() or len(alias) <= 4


@cache
def _domains() -> dict[str, str]:
    return {d.lower(): o.name for o in resources.outlets() for d in o.domains}


def _is_place(name: str) -> bool:
    from generator.gazetteer import gazetteer  # the gazetteer loads once, on first use

    candidate = gazetteer().lookup(name)
    return candidate is not None and candidate.primary


def _kind(name: str) -> str:
    return next((o.kind for o in resources.outlets() if o.name == name), "outlet")


@cache
def _any_alias() -> re.Pattern:
    """One expression matching wherever any alias pattern matches (each with its own
    case rule): most texts name no outlet, and one search tells so."""
    exact, any_case = [], []
    for alias, _ in _aliases():
        (exact if _exact_case(alias) else any_case).append(alias)
    return re.compile(rf"(?<![\w.-])(?:{alternation(exact, ignore_case=False)}|(?i:{alternation(any_case)}))(?![\w-])")


def outlet_named(text: str) -> str | None:
    """The registry outlet a short text names, if any (longest alias first)."""
    if not _any_alias().search(text):
        return None
    for pattern, name in _alias_patterns():
        if pattern.search(text):
            return name
    return None


def is_outlet_name(text: str) -> bool:
    """Whether `text` is exactly one of the registry's outlet names or aliases."""
    return text.strip() in _outlet_names()


@cache
def _outlet_names() -> frozenset[str]:
    return frozenset(a for o in resources.outlets() for a in (o.name, *o.aliases))


def outlets_in_addresses(text: str) -> list[str]:
    found = []
    for m in list(URL.finditer(text)) + list(EMAIL.finditer(text)) + list(DOMAIN.finditer(text)):
        host = m.group(0).lower().split("@")[-1]
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", host).split("/")[0].rstrip(".")
        for domain, name in _domains().items():
            if host == domain or host.endswith("." + domain):
                found.append(name)
    return found


def _unregistered_domain(text: str) -> str | None:
    if EMAIL.search(text):
        return None  # a contact address names who to write to, not the site
    for m in list(URL.finditer(text)) + list(DOMAIN.finditer(text)):
        host = m.group(0).lower().split("@")[-1]
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", host).split("/")[0].rstrip(".")
        if "." in host:
            return host
    return None


NEWSPAPER_WORDS = re.compile(
    r"\b(?:Post|Times|Star|News|Daily|Herald|Journal|Tribune|Gazette|Telegraph|Mirror|Express|Chronicle|Observer|"
    r"Guardian|Independent|Standard|Mail|Sun|Record|Courier|Echo|Press|Review|Globe|Today|Weekly|Monitor|Wire|"
    r"Dispatch|Bulletin|Sentinel|Examiner|Inquirer|Register|Argus|Advertiser|Leader|Voice|Insider|Report)\b"
)
SECTION_WORDS = {"World", "US", "U.S.", "UK", "Local", "National", "International", "Business", "Latest", "Top", "Breaking",
                 "More", "Sports", "Sport", "Politics", "Tech", "Technology", "Science", "Health", "Opinion", "Live", "Video",
                 "Home", "All", "Your", "Good", "Bad", "Fake", "Headline", "Headlines", "Today's"}
LEGAL_SUFFIX = re.compile(r"[\s,]+(?:Ltd\.?|Limited|Inc\.?|LLC|plc|PLC|DAC|GmbH|S\.?A\.?|AG|Corp\.?|Pty)\b.*$")
COPYRIGHT_HOLDER = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?,?\s*(?P<holder>[A-Z][\w.&'’ -]{1,60}?)(?:[.,]|\s+all rights|\s*$)", re.I)
TOLD_OUTLET = re.compile(r"\b(?:told|said to|in an interview with|speaking to)\s+(?:the\s+)?(?P<name>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})")


def site_name_from_title(html_title: str | None, headline: str | None) -> str | None:
    """ "Chipmaker unveils faster AI processor - TechWire" -> "TechWire"."""
    if not html_title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[-–—|·:]\s+", html_title) if p.strip()]
    if len(parts) < 2:
        return None
    key = " ".join((headline or "").split()).casefold()
    rest = [p for p in parts if p.casefold() != key]
    if len(rest) == len(parts):
        return None  # the <title> is not headline + site name
    return rest[-1] if len(rest[-1].split()) <= 5 else None


def newspaper_name(text: str) -> str | None:
    """A line that is a newspaper's name: "Bristol Post", "The Daily Star"."""
    tokens = text.split()
    if not (1 <= len(tokens) <= 5) or not NEWSPAPER_WORDS.search(text) or re.search(r"[.!?,:|/]", text):
        return None
    if not all(t[:1].isupper() or t in ("of", "the", "and", "&") for t in tokens):
        return None
    if any(t in SECTION_WORDS for t in tokens) and all(t in SECTION_WORDS or NEWSPAPER_WORDS.fullmatch(t) or t in ("The", "the", "&", "and") for t in tokens):
        return None  # "World News", "Daily News": a section, not a name
    return text.strip()


def copyright_holder(text: str) -> str | None:
    before = text.split("©")[0].strip() if "©" in text else ""
    if before and newspaper_name(before):
        return before
    m = COPYRIGHT_HOLDER.search(text)
    if not m:
        return None
    holder = LEGAL_SUFFIX.sub("", m.group("holder")).strip(" .,-")
    return holder if holder and len(holder.split()) <= 5 else None


def extract_sources(doc: CleanDocument) -> Sources:
    scores: Counter[str] = Counter()
    labels: list[str] = []
    stated: list[str] = []
    authors: list[str] = []
    copyright_holders: list[str] = []
    unregistered: list[str] = []  # site names not in the registry, strongest first
    agency_lines: list[str] = []
    fallback_domain = None
    title_line = doc.title_line
    from_title = site_name_from_title(doc.raw.html_title, title_line.text if title_line else None)
    if from_title:
        named = outlet_named(from_title)
        if named:
            scores[named] += 3
        else:
            unregistered.append(from_title)
    before_title = True
    for line in doc.lines:
        text = line.text
        if line.kind is LineKind.TEXT:
            before_title = False  # the page's head ends where the article text begins
        if line.kind is LineKind.TEXT:
            before_title = False
        if before_title and line.kind in (LineKind.CHROME, LineKind.META) and not outlet_named(text):
            name = newspaper_name(text)
            if name and name not in unregistered:
                unregistered.append(name)
        if line.kind is LineKind.CHROME:
            for name in outlets_in_addresses(text):
                scores[name] += 3
            named = outlet_named(text)
            if named and not line.reason == "above the headline":
                scores[named] += 2
            fallback_domain = fallback_domain or _unregistered_domain(text)
        elif line.kind is LineKind.META:
            if line.reason == "outlet label":
                named = outlet_named(text)
                if named:
                    labels.append(named)
                    scores[named] += 1
            elif line.reason == "source":
                m = SOURCE_LINE.match(text)
                source = m.group("src").strip(" .") if m else text
                stated.append(outlet_named(source) or source)
            elif line.reason == "byline":
                m = BYLINE.match(text)
                names = _split_authors(m.group("who")) if m else [p.name for p in person_mentions(text)][:1]
                for author in names:
                    if author not in authors:
                        authors.append(author)
            elif line.reason == "copyright":
                named = outlet_named(text)
                if named:
                    copyright_holders.append(named)
                    scores[named] += 1
                elif copyright_holder(text):
                    unregistered.append(copyright_holder(text))
            elif line.reason == "date":
                named = outlet_named(text)
                if named and _kind(named) == "agency":
                    agency_lines.append(named)  # "PTI | Updated …": the agency that wrote it
                elif named:
                    scores[named] += 2
                else:
                    paren = re.search(r"\((?P<name>[A-Z][\w .&'’-]{1,40})\)", text)
                    if paren:
                        unregistered.append(paren.group("name").strip())
        elif line.kind is LineKind.TEXT:
            for m in TOLD_OUTLET.finditer(text):
                named = outlet_named(m.group("name"))
                if named:
                    scores[named] += 1  # "told Al Jazeera": the outlet's own reporting
        if line.kind is LineKind.CHROME and ("©" in text or re.match(r"(?i)copyright\b", text)) and not outlet_named(text):
            holder = copyright_holder(text)
            if holder:
                unregistered.append(holder)
        if line.kind is LineKind.CAPTION:
            m = re.search(r"\s[-–—|]\s+([^-–—|]{2,40})$", text)
            if m and outlet_named(m.group(1)):
                scores[outlet_named(m.group(1))] += 2

    dateline = dateline_text = agency = None
    paragraphs = doc.paragraphs
    for line in doc.lines:
        if line.kind is LineKind.META and line.reason == "date":
            m = DATELINE_LINE.match(line.text)
            if m and m.group("place").upper() not in MONTH_WORDS and _is_place(m.group("place")) and not outlet_named(m.group("place")):
                dateline, dateline_text = m.group("place"), line.text  # "Brasilia, 3 August 2023"
                break
    for paragraph in paragraphs[:3] if dateline is None else ():
        m = DATELINE.match(paragraph)
        if m and (m.group("place").isupper() or m.group("agency") or m.group("when")):
            dateline = m.group("place").strip().rstrip(",")
            dateline_text = m.group(0)
            agency = outlet_named(m.group("agency")) if m.group("agency") else None
            if agency:
                scores[agency] += 1
            break

    outlet = None
    if scores:
        best = max(scores.values())
        order = [name for name, _ in scores.most_common()]
        outlet = next(name for name in order if scores[name] == best)
    if outlet is None and unregistered:
        outlet = unregistered[0]
    if outlet is None and fallback_domain:
        outlet = fallback_domain

    if outlet is None and agency_lines and not unregistered:
        pass  # an agency byline alone does not say which site the page was captured from
    original = None
    for candidate in [*stated, *labels, agency, *agency_lines, *copyright_holders]:
        if candidate and candidate != outlet:
            original = candidate
            break
    return Sources(outlet, original, tuple(authors), dateline, dateline_text)


def _split_authors(who: str) -> list[str]:
    who = re.split(r"\s+[|·•;]\s*|;|,?\s+(?:published|updated|posted)\b", who, flags=re.I)[0]
    parts = re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", who)
    return [p.strip(" .") for p in parts if p.strip(" .") and not re.search(r"\d{4}", p)]
