"""Pages outside the navigation, rendered from a shell.

Material's page template costs about as much as a page's Markdown: the header, the
navigation, the sidebars and the footer are rendered again for every page. For a page
that is not in the navigation they are the same for every other such page in the same
folder. So the archive renders Material's template once per kind of page with markers
where pages differ (title, content, table of contents, the skip link's target, the
canonical URL) and fills the markers in for each page. The content and the table of
contents are rendered per page by the same templates, with the same context, that the
full render uses (overrides/partials/archive-content.html and toc.html), so the result
is byte-identical to a full render; tests/test_site_render.py holds it to that.

A page whose front matter sets anything Material reads from it (a description, `hide`,
a template, ...) or whose title needs Material's own handling gets a full render."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import pass_context

TEMPLATE = "archive-shell.html"  # {{ archive_shell_page() }}
_MARK = "\ue000archive:{}\ue001"  # private-use characters: no template writes them
TITLE, CONTENT, TOC, CANONICAL = (_MARK.format(name) for name in ("title", "content", "toc", "canonical"))
SKIP = "#" + _MARK.format("skip")  # an anchor, so MkDocs' `url` filter leaves it as it is
_SPLIT = re.compile("(" + "|".join(re.escape(mark) for mark in (SKIP, TITLE, CONTENT, TOC, CANONICAL)) + ")")

# Front-matter keys that Material (or its usual plugins) read: a page with one of them
# gets a full render.
THEME_META = frozenset({
    "template", "description", "author", "hide", "status", "subtitle", "icon", "tags", "search",
    "revision_date", "git_revision_date_localized", "git_creation_date_localized", "comments", "social",
})


def eligible(page, nav_urls: set[str]) -> bool:
    """Not in the navigation (nor above a page that is), no front matter Material reads,
    a title of its own."""
    meta = page.meta or {}
    title = meta.get("title")
    return (
        not any(url.startswith(page.url) for url in nav_urls)
        and isinstance(title, str)
        and bool(title)
        and not THEME_META & meta.keys()
        and page.edit_url is None
    )


@dataclass(frozen=True)
class _TocEntry:
    url: str


class _ShellPage:
    """The page while the shell is rendered: markers where pages differ, the page itself
    everywhere else (its URL, its missing neighbours, ...)."""

    def __init__(self, page, has_toc: bool) -> None:
        self._page = page
        self.title = TITLE
        self.meta = {"title": TITLE}
        self.toc = [_TocEntry(SKIP)] if has_toc else []
        self.canonical_url = CANONICAL if page.canonical_url else None
        self.content = CONTENT

    def __getattr__(self, name):
        return getattr(self._page, name)


class _Markers:
    """`archive_shell` in the templates while a shell is rendered: the content block and
    the table of contents print markers, and the content block records the template
    context it sees (Material's `lang`, `features`, ...), which every page is filled with."""

    def __init__(self) -> None:
        self.context: dict | None = None

    @pass_context
    def content(self, context) -> str:
        self.context = dict(context.get_all())
        return CONTENT

    def toc(self) -> str:
        return TOC


@dataclass(frozen=True)
class _Shell:
    pieces: tuple[str, ...]  # text, marker, text, marker, ..., text
    context: dict


class ShellRenderer:
    """`archive_shell_page()` in overrides/archive-shell.html."""

    def __init__(self, env) -> None:
        # Fetched once: get_template checks each template file on disk at every call.
        self.main = env.get_template("main.html")
        self.content = env.get_template("partials/archive-content.html")
        self.toc = env.get_template("partials/toc.html")
        self.shells: dict[tuple, _Shell | None] = {}
        self.filled = 0  # pages rendered from a shell

    @pass_context
    def __call__(self, context) -> str:
        values = dict(context.get_all())
        page = values["page"]
        # Links in the shell are relative to the page: pages in one folder share a shell.
        folder = page.url.rstrip("/").rpartition("/")[0]
        has_toc, canonical = bool(page.toc), bool(page.canonical_url)
        key = (folder, has_toc, canonical)
        if key not in self.shells:
            self.shells[key] = self._shell(values, page, has_toc, canonical)
        shell = self.shells[key]
        if shell is None:
            return self.main.render(values)
        self.filled += 1
        filled = {**shell.context, **values, "archive_shell": None}
        fill = {
            TITLE: page.meta["title"],
            CONTENT: self.content.render(filled),
            TOC: self.toc.render(filled),
            SKIP: next(iter(page.toc)).url if page.toc else "",
            CANONICAL: page.canonical_url or "",
        }
        return "".join(piece if i % 2 == 0 else fill[piece] for i, piece in enumerate(shell.pieces))

    def _shell(self, values: dict, page, has_toc: bool, canonical: bool) -> _Shell | None:
        markers = _Markers()
        html = self.main.render({**values, "page": _ShellPage(page, has_toc), "archive_shell": markers})
        pieces = tuple(_SPLIT.split(html))
        found = pieces[1::2]
        expected = (
            found.count(CONTENT) == 1
            and found.count(TOC) == 1
            and found.count(SKIP) == int(has_toc)
            and found.count(TITLE) >= 1
            and (found.count(CANONICAL) >= 1) == canonical
        )
        return _Shell(pieces, markers.context) if expected and markers.context is not None else None
