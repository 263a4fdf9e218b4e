"""Pages written as HTML by the generator, rendered by MkDocs without Markdown.

The speaker, place, organization, outlet, source, timeline and list pages are most of a
large archive's pages (2,500 of 3,500 at 1,000 articles) and are made of links: through
Python-Markdown and MkDocs' link resolution they cost more than the articles themselves.
The site stage (generator/site.py) writes them as HTML with every piece of seed text
escaped, and the write stage writes each article's text as the HTML of its Markdown
(generator/article_html.py); both mark the page in its front matter
(`archive_html: true`). For such a page
the plugin swaps MkDocs' Markdown render for `render` below, which does what MkDocs'
render does for this HTML, and only that:

- each link to a page, written as in Markdown (the target's path under docs/, relative
  to the page's own file), becomes the target page's URL relative to this page, and a
  link to a missing page is reported as MkDocs reports one (`validation.links.not_found`,
  so `mkdocs build --strict` fails on it);
- each link to an anchor of a page is handed to MkDocs' anchor validation, and the ids
  of the page are its anchors;
- the headings, as site.Headings writes them, make the page's table of contents.

Only the generator writes these pages, in the one form the expressions below read."""

from __future__ import annotations

import html
import logging
import posixpath
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

HTML_KEY = "archive_html"  # front matter: the body is HTML already

log = logging.getLogger("mkdocs.plugins.archive")

_HREF = re.compile(r'<a href="([^"]*)"')
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink" ')
_ID = re.compile(r' id="([^"]+)"')


def is_prerendered(page) -> bool:
    return (page.meta or {}).get(HTML_KEY) is True


def render(page, config, files) -> None:
    """What MkDocs' Page.render sets, from a body that is HTML already."""
    source = page.file.src_uri
    directory = posixpath.dirname(source)
    links_to_anchors: dict = {}

    def resolve(match: re.Match) -> str:
        link = _resolve(match, directory, page.file.url, files)
        if link.missing:
            log.log(
                config.validation.links.not_found,
                f"Doc file '{source}' contains a link '{link.url}', but the target '{link.missing}' is not found among documentation files.",
            )
        elif link.anchor:
            links_to_anchors.setdefault(link.target or page.file, {}).setdefault(link.anchor, link.url)
        return link.replacement or match.group(0)

    body = page.markdown.strip()  # as Markdown's output: no blank lines around it
    page.content = _HREF.sub(resolve, body)
    tokens = [{"level": int(level), "id": anchor, "name": name} for level, anchor, name in _HEADING.findall(body)]
    page.toc = get_toc(nest_toc_tokens(tokens))
    page.present_anchor_ids = set(_ID.findall(body))
    page.links_to_anchors = links_to_anchors


class _Link(NamedTuple):
    url: str  # as written, unescaped
    replacement: str = ""  # the resolved `<a href="…"`, or "" to keep the link as it is
    target: object = None  # the File linked to (None: this page, or outside the site)
    anchor: str = ""
    missing: str = ""  # the path of a target that is not among the files


def _resolve(match: re.Match, directory: str, page_url: str, files) -> _Link:
    url = html.unescape(match.group(1))
    if url.startswith(("/", "\\")):
        return _Link(url)
    if ":" in url:
        scheme, netloc, path, query, anchor = urlsplit(url)
        if scheme or netloc:
            return _Link(url)
    else:  # what urlsplit gives, without its cost (35,000 links at 1,000 articles)
        rest, _, anchor = url.partition("#")
        path, _, query = rest.partition("?")
    if not path:
        return _Link(url, anchor=anchor)  # an anchor of this page
    target_uri = posixpath.normpath(posixpath.join(directory, unquote(path)))
    target = files.src_uris.get(target_uri)  # get_file_from_path without its PurePath
    if target is None:
        return _Link(url, missing=target_uri)
    resolved = get_relative_url(target.url, page_url) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")
    return _Link(url, f'<a href="{html.escape(resolved)}"', target, anchor)
