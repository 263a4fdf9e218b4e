"""The site stage on synthetic page metadata: grouping, pagination, exports, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from generator import settings
from generator.site import _export_records, group, render_exports, render_site, unique_slugs


def page(n: int, **extra) -> dict:
    base = {
        "title": f"Article {n}", "slug": f"article-{n}", "date": dt.date(2020, 1 + n % 12, 1 + n % 28),
        "date_source": "header", "outlet": "Example News", "original_source": None, "authors": [],
        "dateline": None, "speakers": ["Ana Silva"], "speaker_roles": {"Ana Silva": "mayor"},
        "quotes": [{"speaker": "Ana Silva", "text": f"Statement {n}", "kind": "direct"}],
        "places": ["Lisbon"], "place_details": [{"name": "Lisbon", "country": "PT", "kind": "city", "latitude": 38.7, "longitude": -9.1, "geonames_id": 2267057}],
        "organizations": [], "seed": f"seeds/{n}.txt", "seed_sha256": f"{n:064d}", "words": 100,
    }
    return base | extra


def test_long_lists_are_paginated():
    pages = [page(n) for n in range(120)]
    out = render_site(pages)
    size = settings.PAGE_SIZE
    assert {"speakers/ana-silva/index.md", "speakers/ana-silva/page-2.md", "speakers/ana-silva/page-3.md"} <= set(out)
    assert "speakers/ana-silva/page-4.md" not in out
    assert {"articles/index.md", "articles/page-3.md", "places/lisbon/page-3.md", "outlets/example-news/page-3.md"} <= set(out)
    first = out["speakers/ana-silva/index.md"]
    assert first.count("— said:") == size and "Page 1 of 3" in first and '<a href="page-2.md">Next →</a>' in first


def test_names_that_slugify_alike_get_distinct_pages():
    assert unique_slugs(["Dar‘ā", "Dara", "Dará"]) == {"Dara": "dara", "Dará": "dara-2", "Dar‘ā": "dara-3"}


def test_exports_escape_for_their_formats():
    evil = page(1, title='=HYPERLINK("http://x") <b>&', speakers=["-cmd"], quotes=[])
    out = render_site([evil])
    rows = list(csv.reader(io.StringIO(out["export/archive.csv"])))
    assert rows[1][1].startswith("'=") and rows[1][8].startswith("'-")
    assert json.loads(out["export/archive.json"])[0]["title"] == evil["title"]
    assert "&lt;b&gt;&amp;" in out["feed.xml"] and "<b>" not in out["feed.xml"]


def test_index_pages_escape_seed_text():
    """The index pages' bodies are HTML: seed text in them is text, never an element or
    an attribute."""
    from html.parser import HTMLParser

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs, self.text = set(), [], []

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.attrs += attrs

        def handle_data(self, data):
            self.text.append(data)

    evil = '<script>alert(1)</script> [x](javascript:y) " onmouseover="y <img src=x onerror=y>'
    out = render_site([page(1, title=evil, speakers=[evil], outlet=evil, quotes=[{"speaker": evil, "text": evil, "kind": "direct"}])])
    checked = 0
    for path, text in out.items():
        if path.endswith(".md"):  # the title in the front matter is data, escaped by the plugin
            parser = Elements()
            parser.feed(text.split("\n---\n", 1)[1])
            assert parser.tags <= {"h1", "h2", "a", "p", "ul", "li", "strong", "em", "figure", "svg", "rect", "title", "text", "figcaption"}, path
            assert all(not name.startswith("on") for name, _ in parser.attrs), path
            assert all(not (value or "").startswith("javascript") for _, value in parser.attrs), path
            checked += evil in "".join(parser.text)
    assert checked >= 5  # the text itself is shown, as text


def test_places_are_linked_in_the_spelling_the_article_uses():
    """The canonical name is GeoNames' ("Kyiv"); the text says "Kiev": that mention is the
    link, and only the first mention of the place is linked."""
    import datetime as dt

    from generator.extract.places import find_places
    from generator.gazetteer import gazetteer
    from generator.model import Article, DateFinding
    from generator.write import front_matter, render_body

    paragraphs = ("Officials in Kiev said on Monday that the talks would go on.", "Later, Kiev confirmed the meeting.")
    places = find_places(list(paragraphs), gazetteer(), [[], []], [[], []])
    kyiv = next(p for p in places if p.name == "Kyiv")
    assert kyiv.aliases == ("Kiev",)
    article = Article(title="Talks go on", slug="talks-go-on", date=DateFinding(dt.date(2022, 3, 1), "header"), outlet=None,
                      original_source=None, authors=(), dateline=None, speakers=(), quotes=(), places=tuple(places),
                      organizations=(), seed="x.txt", seed_sha256="0" * 64, paragraphs=paragraphs, captions=())
    meta = front_matter(article)
    body = render_body(article, meta, {"places": {"Kyiv": "kyiv"}, "speakers": {}})
    assert body.count("](../places/kyiv/index.md)") == 1
    assert "[Kiev](../places/kyiv/index.md) said on Monday" in body


def test_the_whole_archive_exports_written_record_by_record_are_the_one_piece_dumps():
    pages = [page(n, title=f"Line\nbreak {n}", quotes=[] if n % 3 else page(n)["quotes"]) for n in range(1203)]
    g = group(pages)
    exports = render_exports(g)
    assert not isinstance(exports["export/archive.json"], str)  # made as it is written
    records = list(_export_records(g))
    assert "".join(exports["export/archive.json"]) == json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    rows = list(csv.reader(io.StringIO("".join(render_exports(g)["export/archive.csv"]))))
    assert len(rows) == 1204 and rows[1][0] == records[0]["slug"] and rows[-1][0] == records[-1]["slug"]
    assert "".join(render_exports(group([]))["export/archive.json"]) == "[]\n"
