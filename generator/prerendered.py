"""Index pages written as HTML by the site stage, rendered by MkDocs without Markdown.

The speaker, place, organization, outlet, source, timeline and list pages are most of a
large archive's pages (2,500 of 3,500 at 1,000 articles) and are made of links: through
Python-Markdown and MkDocs' link resolution they cost more than the articles themselves.
The site stage (generator/site.py) writes them as HTML with every piece of seed text
escaped, and marks them in their front matter (`archive_html: true`). For such a page
the plugin swaps MkDocs' Markdown render for `render` below, which does what MkDocs'
render does for this HTML, and only that:

- each link to a page, written as in Markdown (the target's path under docs/, relative
  to the page's own file), becomes the target page's URL relative to this page, and a
  link to a missing page is reported as MkDocs reports one (`validation.links.not_found`,
  so `mkdocs build --strict` fails on it);
- each link to an anchor of a page is handed to MkDocs' anchor validation, and the ids
  of the page are its anchors;
- the headings, as site.Headings writes them, make the page's table of contents.

Only the site stage writes these pages, in the one form the expressions below read."""

from __future__ import annotations

import html
import logging
import posixpath
import re
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
        url = html.unescape(match.group(1))
        scheme, netloc, path, query, anchor = urlsplit(url)
        if scheme or netloc or url.startswith(("/", "\\")):
            return match.group(0)
        if not path:
            if anchor:
                links_to_anchors.setdefault(page.file, {}).setdefault(anchor, url)
            return match.group(0)
        target_uri = posixpath.normpath(posixpath.join(directory, unquote(path)))
        target = files.get_file_from_path(target_uri)
        if target is None:
            log.log(
                config.validation.links.not_found,
                f"Doc file '{source}' contains a link '{url}', but the target '{target_uri}' is not found among documentation files.",
            )
            return match.group(0)
        if anchor:
            links_to_anchors.setdefault(target, {}).setdefault(anchor, url)
        resolved = get_relative_url(target.url, page.file.url) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")
        return f'<a href="{html.escape(resolved)}"'

    body = page.markdown.strip()  # as Markdown's output: no blank lines around it
    page.content = _HREF.sub(resolve, body)
    tokens = [{"level": int(level), "id": anchor, "name": name} for level, anchor, name in _HEADING.findall(body)]
    page.toc = get_toc(nest_toc_tokens(tokens))
    page.present_anchor_ids = set(_ID.findall(body))
    page.links_to_anchors = links_to_anchors
