"""Stage 6, site: every index page of the archive, from the pages' front matter.

The pages are grouped once (by speaker, place, outlet, original source, organization
and month) and every index renders from that grouping. The pages are written as
HTML (generator/prerendered.py: MkDocs renders them without Markdown), with every piece
of seed text escaped; lists longer than settings.PAGE_SIZE are split into pages."""

from __future__ import annotations

import csv
import html
import datetime as dt
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

from generator import settings
from generator.slug import reserved, slugify
from generator.prerendered import HTML_KEY

SECTIONS = {
    "speakers": "Speakers",
    "places": "Places",
    "outlets": "Outlets",
    "sources": "Original sources",
    "organizations": "Organizations",
}


@dataclass
class Grouping:
    """Pages grouped once; every index renders from here."""

    pages: list[dict]
    speakers: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    places: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    outlets: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    sources: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    organizations: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    months: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    place_info: dict[str, dict] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    slugs: dict[str, dict[str, str]] = field(default_factory=dict)

    def slug(self, section: str, name: str) -> str:
        return self.slugs[section][name]


def unique_slugs(names) -> dict[str, str]:
    """One slug per name; names that slugify alike ("Dar‘ā", "Dara") get -2, -3 in
    name order, so the mapping is stable."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        base = slugify(name) or "unnamed"
        slug, n = base, 1
        while slug in taken or reserved(slug):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out[name] = slug
    return out


def entity_links(pages: list[dict]) -> dict[str, dict[str, str]]:
    """Section -> name -> slug for every entity page: the same names, so the same slugs,
    as group() gives the pages."""
    names: dict[str, set[str]] = {section: set() for section in SECTIONS}
    for page in pages:
        names["speakers"].update(page.get("speakers", []))
        names["places"].update(page.get("places", []))
        names["organizations"].update(page.get("organizations", []))
        for section, key in (("outlets", "outlet"), ("sources", "original_source")):
            if page.get(key):
                names[section].add(page[key])
    return {section: unique_slugs(found) for section, found in names.items()}


def newest_first(pages: list[dict]) -> list[dict]:
    return sorted(pages, key=lambda p: (str(p.get("date") or ""), p["slug"]), reverse=True)


def oldest_first(pages: list[dict]) -> list[dict]:
    return sorted(pages, key=lambda p: (str(p.get("date") or "9999"), p["slug"]))


def group(pages: list[dict]) -> Grouping:
    g = Grouping(pages=newest_first(pages))
    for page in g.pages:
        for name in page.get("speakers", []):
            g.speakers[name].append(page)
            role = (page.get("speaker_roles") or {}).get(name)
            if role:
                g.roles[name].add(role)
        for name in page.get("places", []):
            g.places[name].append(page)
        for detail in page.get("place_details", []):
            g.place_info.setdefault(detail["name"], detail)
        if page.get("outlet"):
            g.outlets[page["outlet"]].append(page)
        if page.get("original_source"):
            g.sources[page["original_source"]].append(page)
        for name in page.get("organizations", []):
            g.organizations[name].append(page)
        date = page.get("date")
        g.months[date.strftime("%Y-%m") if isinstance(date, dt.date) else "undated"].append(page)
    for section in SECTIONS:
        g.slugs[section] = unique_slugs(getattr(g, section))
    return g


def esc(text) -> str:
    """Archived text as HTML text: data, never markup."""
    return html.escape(str(text), quote=False)


def link(text: str, target: str) -> str:
    """A link to a page by its path under docs/ (relative to this page's file, as in
    Markdown); the archive plugin turns it into the page's URL and checks it exists."""
    return f'<a href="{html.escape(target)}">{esc(text)}</a>'


def para(content: str) -> str:
    return f"<p>{content}</p>"


def bullets(items: list[str]) -> str:
    return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def strong(label: str) -> str:
    return f"<strong>{esc(label)}</strong>"


def labelled(label: str, items: list[str], sep: str = ", ") -> str:
    """A paragraph: a bold label, then its items."""
    return para(strong(label) + " " + sep.join(items))


def entity_link(g: "Grouping", section: str, name: str, prefix: str = "") -> str:
    """A link to an entity's page; `prefix` leads from this page's folder to the
    section's folder."""
    return link(name, f"{prefix}{g.slug(section, name)}/index.md")


class Headings:
    """Headings of one page, each with a unique id and a permanent link, as Markdown's
    toc extension writes them."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def __call__(self, level: int, text: str, anchor: str | None = None) -> str:
        base = anchor or slugify(text) or "section"
        anchor, n = base, 0
        while anchor in self.ids:
            n += 1
            anchor = f"{base}_{n}"
        self.ids.add(anchor)
        return (
            f'<h{level} id="{anchor}">{esc(text)}<a class="headerlink" href="#{anchor}" '
            f'title="Permanent link">&para;</a></h{level}>'
        )


def article_link(page: dict, prefix: str) -> str:
    return link(page.get("title") or page["slug"], f"{prefix}articles/{page['slug']}.md")


def article_line(page: dict, prefix: str) -> str:
    date = page.get("date") or "undated"
    outlet = f" — {esc(page['outlet'])}" if page.get("outlet") else ""
    return f"{date}: {article_link(page, prefix)}{outlet}"


def document(title: str, blocks: list[str]) -> str:
    """A generated page: front matter (its title, and the mark that its body is HTML
    already), then its HTML blocks."""
    head = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"{HTML_KEY}: true", "---", ""]
    return "\n".join(head + [block for block in blocks if block]) + "\n"


def paginate(base: str, title: str, intro: list[str], items: list[str]) -> dict[str, str]:
    """`base/index.md`, `base/page-2.md`, …: lists longer than PAGE_SIZE split into pages;
    `intro` (HTML blocks) stands before the list on the first page."""
    size = settings.PAGE_SIZE
    count = max(1, math.ceil(len(items) / size))
    out = {}
    for number in range(1, count + 1):
        name = "index.md" if number == 1 else f"page-{number}.md"
        chunk = items[(number - 1) * size : number * size]
        nav = ""
        if count > 1:
            previous = "index.md" if number == 2 else f"page-{number - 1}.md"
            nav = para(" · ".join(filter(None, [
                link("← Previous", previous) if number > 1 else "",
                f"Page {number} of {count}",
                link("Next →", f"page-{number + 1}.md") if number < count else "",
            ])))
        heading = title if number == 1 else f"{title} (page {number})"
        blocks = (intro if number == 1 else []) + [nav, bullets(chunk) if chunk else "", nav]
        out[f"{base}/{name}"] = document(heading, blocks)
    return out


def render_site(pages: list[dict]) -> dict[str, str]:
    """Every generated page and file of the site, keyed by path under docs/."""
    return {relpath: content if isinstance(content, str) else "".join(content) for relpath, content in iter_site(pages)}


def iter_site(pages: list[dict]):
    """(path under docs/, content) for every generated page and file, made one at a time
    (an entity's pages at once), so a build writes each and lets it go: a section of
    speaker pages is 35 MB of HTML at 10,000 articles. The content is a string, or, for
    the whole-archive exports, an iterator of strings, made as it is written."""
    g = group(pages)
    yield "index.md", render_home(g)
    yield from render_articles_index(g).items()
    yield from render_speakers(g)
    yield from render_places(g)
    yield from render_simple(g, "outlets", "Outlets", "articles captured from")
    yield from render_simple(g, "sources", "Original sources", "articles republished from")
    yield from render_simple(g, "organizations", "Organizations", "articles mentioning")
    yield from render_timeline(g).items()
    yield from render_exports(g).items()


def _date_span(g: Grouping) -> str:
    dates = sorted(p["date"] for p in g.pages if isinstance(p.get("date"), dt.date))
    return f"{dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else "no dated articles"


def _quote_count(name: str, pages: list[dict]) -> int:
    return sum(1 for p in pages for q in p.get("quotes", []) if q["speaker"] == name)


def render_home(g: Grouping) -> str:
    h = Headings()
    quotes = sum(len(p.get("quotes", [])) for p in g.pages)
    top_speakers = _top(g.speakers, _quote_count)
    top_places = _top(g.places, lambda n, p: len(p))
    return document("News Statement Archive", [
        h(1, "News Statement Archive"),
        para("Who said what, when, where, and who reported it: every statement one click from its speaker, "
             "its place, its date and its outlet."),
        para(f"{strong(str(len(g.pages)))} articles · {strong(str(len(g.speakers)))} {link('speakers', 'speakers/index.md')} · "
             f"{strong(str(quotes))} quotations · {strong(str(len(g.places)))} {link('places', 'places/index.md')} · "
             f"{strong(str(len(g.outlets)))} {link('outlets', 'outlets/index.md')} · dates {_date_span(g)}"),
        h(2, "Articles per month"),
        chart_svg(g) + "\n",  # Markdown left a blank line after this raw HTML block
        h(2, "Latest articles"),
        bullets([article_line(p, "") for p in g.pages[:10]]),
        para(f"{link('All articles', 'articles/index.md')} · {link('Timeline', 'timeline/index.md')}"),
        h(2, "Most quoted speakers"),
        bullets([f"{entity_link(g, 'speakers', name, 'speakers/')}: {count} quotation(s)" for name, count in top_speakers]),
        h(2, "Most mentioned places"),
        bullets([f"{entity_link(g, 'places', name, 'places/')}: {count} article(s)" for name, count in top_places]),
    ])


def _top(groups: dict[str, list[dict]], weight, n: int = 10) -> list[tuple[str, int]]:
    scored = [(name, weight(name, pages)) for name, pages in groups.items()]
    return sorted(scored, key=lambda item: (-item[1], item[0]))[:n]


def chart_svg(g: Grouping) -> str:
    """Articles per month as an inline SVG bar chart, made at build time."""
    months = sorted(m for m in g.months if m != "undated")
    if not months:
        return para("<em>No dated articles yet.</em>")
    first = dt.date.fromisoformat(months[0] + "-01")
    last = dt.date.fromisoformat(months[-1] + "-01")
    series = []
    month = first
    while month <= last:
        key = month.strftime("%Y-%m")
        series.append((key, len(g.months.get(key, []))))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    width, height, pad = 640, 160, 24
    bar = max(1.0, (width - 2 * pad) / len(series))
    top = max(count for _, count in series) or 1
    bars = []
    for i, (key, count) in enumerate(series):
        h = (height - 2 * pad) * count / top
        x = pad + i * bar
        y = height - pad - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 1, 0.5):.1f}" height="{h:.1f}" class="archive-bar">'
            f"<title>{key}: {count} article(s)</title></rect>"
        )
    label = f"Articles per month from {series[0][0]} to {series[-1][0]}; at most {top} in a month."
    return (
        f'<figure class="archive-chart"><svg viewBox="0 0 {width} {height}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}'
        f'<text x="{pad}" y="{height - 6}" class="archive-axis">{series[0][0]}</text>'
        f'<text x="{width - pad}" y="{height - 6}" text-anchor="end" class="archive-axis">{series[-1][0]}</text>'
        f"</svg><figcaption>{label}</figcaption></figure>"
    )


def render_articles_index(g: Grouping) -> dict[str, str]:
    items = [article_line(p, "../") for p in g.pages]
    return paginate("articles", "Articles", [para(f"The archive holds {len(g.pages)} article(s), newest first.")], items)


def render_speakers(g: Grouping) -> Iterator[tuple[str, str]]:
    h = Headings()
    by_letter: dict[str, list[str]] = defaultdict(list)
    for name in sorted(g.speakers, key=lambda n: (n.split()[-1].casefold(), n)):
        by_letter[(name.split()[-1][:1] or "#").upper()].append(name)
    letters = sorted(by_letter)
    blocks = [
        h(1, "Speakers"),
        para(f"{len(g.speakers)} people quoted in the archive, by surname."),
        para(" · ".join(link(letter, f"#{_anchor(letter)}") for letter in letters)),
    ]
    for letter in letters:
        blocks.append(h(2, letter, _anchor(letter)))
        blocks.append(bullets([
            f"{entity_link(g, 'speakers', name)}: {_quote_count(name, g.speakers[name])} quotation(s)"
            for name in by_letter[letter]
        ]))
    yield "speakers/index.md", document("Speakers", blocks)
    for name, pages in g.speakers.items():
        yield from render_speaker(name, pages, g).items()


def _anchor(letter: str) -> str:
    return "letter-" + (slugify(letter) or "other")


def render_speaker(name: str, pages: list[dict], g: Grouping) -> dict[str, str]:
    """A speaker's page: roles, every quotation in date order with its article, outlet
    and date, the places and fellow speakers of those articles."""
    h = Headings()
    roles = sorted(g.roles.get(name, ()))
    quotes = [(p, q) for p in oldest_first(pages) for q in p.get("quotes", []) if q["speaker"] == name]
    places = sorted({pl for p in pages for pl in p.get("places", [])})
    fellows = sorted({s for p in pages for s in p.get("speakers", []) if s != name})
    intro = []
    if roles:
        intro.append(labelled("Role(s):", [esc(r) for r in roles], "; "))
    intro.append(para(f"{len(quotes)} quotation(s) in {len(pages)} article(s), oldest first."))
    if places:
        intro.append(labelled("Places in the same articles:", [entity_link(g, "places", p, "../../places/") for p in places]))
    if fellows:
        intro.append(labelled("Quoted alongside:", [entity_link(g, "speakers", s, "../") for s in fellows]))
    intro.append(h(2, "Quotations"))
    items = []
    for page, quote in quotes:
        kind = "said" if quote["kind"] == "direct" else "reportedly said"
        outlet = f", {esc(page['outlet'])}" if page.get("outlet") else ""
        items.append(f"{page.get('date') or 'undated'}{outlet} — {kind}: “{esc(quote['text'])}” ({article_link(page, '../../')})")
    return paginate(f"speakers/{g.slug('speakers', name)}", name, intro, items)


def render_places(g: Grouping) -> Iterator[tuple[str, str]]:
    from generator.gazetteer import country_names

    h = Headings()
    countries = country_names()
    by_country: dict[str, list[str]] = defaultdict(list)
    for name in g.places:
        code = (g.place_info.get(name) or {}).get("country")
        by_country[countries.get(code, "Other places") if code else "Other places"].append(name)
    blocks = [h(1, "Places"), para(f"{len(g.places)} places named in the archive, by country.")]
    for country in sorted(by_country, key=lambda c: (c == "Other places", c)):
        blocks.append(h(2, country))
        blocks.append(bullets([
            f"{entity_link(g, 'places', name)}: {len(g.places[name])} article(s)" for name in sorted(by_country[country])
        ]))
    yield "places/index.md", document("Places", blocks)
    for name, pages in g.places.items():
        yield from render_place(name, pages, g).items()


def _distance_km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def render_place(name: str, pages: list[dict], g: Grouping) -> dict[str, str]:
    """A place's page: what it is and where, the speakers quoted about it, the nearby
    places of the archive, and its articles."""
    h = Headings()
    info = g.place_info.get(name) or {}
    facts = []
    if info.get("kind"):
        facts.append(f"{strong('Kind:')} {esc(info['kind'])}")
    if info.get("country"):
        facts.append(f"{strong('Country code:')} {esc(info['country'])}")
    if info.get("latitude") is not None:
        facts.append(f"{strong('Coordinates:')} {info['latitude']:.4f}, {info['longitude']:.4f}")
    if info.get("geonames_id"):
        facts.append(f"{strong('GeoNames id:')} {esc(info['geonames_id'])}")
    intro = [para(" · ".join(facts))] if facts else []
    speakers = sorted({s for p in pages for s in p.get("speakers", [])})
    if speakers:
        intro.append(labelled("Speakers quoted in these articles:", [entity_link(g, "speakers", s, "../../speakers/") for s in speakers]))
    if info.get("latitude") is not None:
        near = sorted(
            (_distance_km(info, other), other_name)
            for other_name, other in g.place_info.items()
            if other_name != name and other.get("latitude") is not None and other_name in g.places
        )[:5]
        if near:
            intro.append(labelled("Nearby places in the archive:", [f"{entity_link(g, 'places', n, '../')} ({d:,.0f} km)" for d, n in near]))
    intro.append(h(2, f"Articles ({len(pages)})"))
    return paginate(f"places/{g.slug('places', name)}", name, intro, [article_line(p, "../../") for p in pages])


def render_simple(g: Grouping, section: str, title: str, what: str) -> Iterator[tuple[str, str]]:
    groups = getattr(g, section)
    h = Headings()
    entries = [f"{entity_link(g, section, name)}: {len(groups[name])} article(s)" for name in sorted(groups, key=str.casefold)]
    yield f"{section}/index.md", document(title, [h(1, title), bullets(entries) if entries else para("<em>None yet.</em>")])
    for name, pages in groups.items():
        items = [article_line(p, "../../") for p in oldest_first(pages)]
        intro = [para(f"{len(pages)} {what} {esc(name)}, oldest first.")]
        yield from paginate(f"{section}/{g.slug(section, name)}", name, intro, items).items()


def render_timeline(g: Grouping) -> dict[str, str]:
    years: dict[str, list[str]] = defaultdict(list)
    for month in sorted(g.months):
        years[month[:4] if month != "undated" else "undated"].append(month)
    h = Headings()
    entries = []
    for year in sorted(years, key=lambda y: (y == "undated", y)):
        total = sum(len(g.months[m]) for m in years[year])
        entries.append(f"{link(year, f'{year}.md')}: {total} article(s)")
    out = {"timeline/index.md": document("Timeline", [h(1, "Timeline"), bullets(entries)])}
    for year, months in years.items():
        h = Headings()
        blocks = [h(1, year)]
        for month in months:
            label = dt.date.fromisoformat(month + "-01").strftime("%B %Y") if month != "undated" else "Undated"
            blocks += [h(2, f"{label} ({len(g.months[month])})"), bullets([article_line(p, "../") for p in oldest_first(g.months[month])])]
        out[f"timeline/{year}.md"] = document(f"Timeline: {year}", blocks)
    return out


EXPORT_FIELDS = ["slug", "title", "date", "date_source", "outlet", "original_source", "authors", "dateline",
                 "speakers", "places", "organizations", "seed", "seed_sha256", "words"]


def render_exports(g: Grouping) -> dict[str, str | Iterator[str]]:
    """The whole archive's metadata as JSON and CSV, and an Atom feed of the latest
    articles. The two whole-archive files are made as they are written, record by record
    (at 100,000 articles each is hundreds of MB as one string)."""
    entities = {section: {name: f"{section}/{slug}/" for name, slug in sorted(g.slugs[section].items())} for section in SECTIONS}
    return {
        "export/entities.json": json.dumps(entities, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        "export/archive.json": _json_export(g),
        "export/archive.csv": _csv_export(g),
        "feed.xml": render_feed(g),
    }


def _export_records(g: Grouping) -> Iterator[dict]:
    for page in oldest_first(g.pages):
        record = {key: page.get(key) for key in EXPORT_FIELDS}
        record["date"] = str(record["date"]) if record["date"] else None
        record["quotes"] = page.get("quotes", [])
        yield record


def _json_export(g: Grouping) -> Iterator[str]:
    """json.dumps(records, indent=1, sort_keys=True), one record at a time: nested one
    level down, each line of a record's own dump gains one space of indent (a string
    value's line breaks are escaped, so every line break is the layout's)."""
    opened = False
    for record in _export_records(g):
        text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n ")
        yield (",\n " if opened else "[\n ") + text
        opened = True
    yield "\n]\n" if opened else "[]\n"


def _csv_export(g: Grouping, rows_per_chunk: int = 500) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS + ["quotes"])
    for n, record in enumerate(_export_records(g), 1):
        writer.writerow(
            [_csv_cell("; ".join(v) if isinstance(v, list) else ("" if v is None else str(v))) for v in (record[k] for k in EXPORT_FIELDS)]
            + [_csv_cell(str(len(record["quotes"])))]
        )
        if n % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value: str) -> str:
    """Neutralize spreadsheet formulas: a cell starting with = + - @ is shown, not run."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_feed(g: Grouping) -> str:
    latest = [p for p in g.pages if isinstance(p.get("date"), dt.date)][:20]
    updated = latest[0]["date"].isoformat() if latest else "1970-01-01"
    entries = []
    for page in latest:
        summary = "; ".join(page.get("speakers", [])[:5])
        entries.append(
            "<entry>"
            f"<title>{xml_escape(page.get('title') or page['slug'])}</title>"
            f'<link rel="alternate" href="articles/{xml_escape(page["slug"])}/"/>'
            f"<id>urn:archive:{xml_escape(page['seed_sha256'])}</id>"
            f"<updated>{page['date'].isoformat()}T00:00:00Z</updated>"
            f"<summary>{xml_escape('Speakers: ' + summary if summary else 'No quoted speakers')}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>News Statement Archive: latest articles</title>'
        f"<id>urn:archive:feed</id><updated>{updated}T00:00:00Z</updated>"
        f"{''.join(entries)}</feed>\n"
    )
