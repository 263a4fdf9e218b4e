"""The thin MkDocs plugin `archive`: hands work to the pipeline's modules, holds no logic.

MkDocs' Jinja environment does not autoescape, and Material prints page titles as they
are. A title is archived text (data, never markup), so every page's title is escaped
here, before any template sees it."""

from __future__ import annotations

import html

from mkdocs.config import base
from mkdocs.plugins import BasePlugin


class ArchiveConfig(base.Config):
    pass


class ArchivePlugin(BasePlugin[ArchiveConfig]):
    def on_page_markdown(self, markdown, page, config, files):
        title = page.meta.get("title")
        if isinstance(title, str):
            page.meta["title"] = html.escape(title, quote=True)
        return markdown
