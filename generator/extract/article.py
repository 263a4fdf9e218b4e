"""All extractors over one cleaned page: CleanDocument -> Article (pure)."""

from __future__ import annotations

from generator.clean import caption_text
from generator.extract.dates import YEAR, extract_date
from generator.extract.organizations import canonical_organizations, find_organizations
from generator.extract.people import person_mentions
from generator.extract.places import find_places
from generator.extract.quotes import extract_quotes
from generator.extract.sources import extract_sources, outlet_named
from generator.gazetteer import gazetteer
from generator.model import Article, CleanDocument, LineKind
from generator.slug import slugify


def extract_article(doc: CleanDocument) -> Article:
    warnings: list[str] = list(doc.raw.warnings)
    title_line = doc.title_line
    title = " ".join(title_line.text.split()) if title_line else None
    if title is None:
        warnings.append("no headline found; the title is empty (set one in the curation file)")
    paragraphs = doc.paragraphs
    if not paragraphs:
        warnings.append("no article text found once page chrome was removed")
    captions = [caption_text(c) for c in doc.captions]
    sources = extract_sources(doc)
    speakers, quotes = extract_quotes(paragraphs)

    # A dateline on a line of its own ("Brasilia, 3 August 2023") names where the news is.
    own_dateline = [sources.dateline] if sources.dateline and not any(p.startswith(sources.dateline) for p in paragraphs[:3]) else []
    texts = ([title] if title else []) + paragraphs + captions + own_dateline
    people = [person_mentions(t) for t in texts]
    organizations = [find_organizations(t) for t in texts]
    person_tokens = frozenset(token for mentions in people for m in mentions for token in m.name.split())
    places = find_places(texts, gazetteer(), people, organizations, person_tokens)
    org_names = [
        name
        for name in canonical_organizations([o for mentions in organizations for o in mentions])
        if outlet_named(name) != name and name not in {sources.outlet, sources.original_source}
    ]

    meta = doc.of_kind(LineKind.META)
    header_lines = [ln.text for ln in meta if ln.reason == "date"]
    byline_lines = [ln.text for ln in meta if ln.reason == "byline"]
    other_years = [int(y) for ln in meta if ln.reason == "copyright" for y in YEAR.findall(ln.text)]
    date = extract_date(header_lines, byline_lines, sources.dateline_text, paragraphs, captions, other_years)

    return Article(
        title=title,
        slug=slugify(title or "") or slugify(doc.raw.name.rsplit(".", 1)[0]) or "article",
        date=date,
        outlet=sources.outlet,
        original_source=sources.original_source,
        authors=sources.authors,
        dateline=sources.dateline,
        speakers=tuple(speakers),
        quotes=tuple(quotes),
        places=tuple(places),
        organizations=tuple(org_names),
        seed=doc.raw.name,
        seed_sha256=doc.raw.sha256,
        paragraphs=tuple(paragraphs),
        captions=tuple(captions),
        warnings=tuple(warnings),
    )
