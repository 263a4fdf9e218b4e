"""The thin MkDocs plugin `archive`: hands work to the pipeline, holds no extraction logic.

- Under `mkdocs serve` (or with `generate: always`) it runs the pipeline before each
  build and watches the seeds folder, so saving a seed or a curation file regenerates
  the archive and the browser reloads. Unchanged pages are not rewritten.
- MkDocs' Jinja environment does not autoescape, and Material prints page titles as they
  are. A title is archived text (data, never markup), so every page's title is escaped
  here, before any template sees it.
- Pages outside the navigation (articles and index pages, thousands of them) are
  rendered from a shell (generator/shell.py): Material's template once per kind of
  page, filled in per page. `shell_pages: false` renders every page in full.
- Index pages and article pages, which the generator writes as HTML, skip Markdown
  (generator/prerendered.py): their links are resolved and checked as MkDocs would.
- The static files the generator wrote (its manifest: search index, raw seeds,
  exports; 2,700 at 1,000 articles) are hard-linked into the site instead of copied,
  where the file system allows. The generator replaces its files atomically (a new
  file renamed over the old), so a link in the site never changes under it; elsewhere
  MkDocs copies.
- Compiled templates are kept between builds (Jinja's bytecode cache, .archive/templates).
"""

from __future__ import annotations

import functools
import html
import json
import logging
import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin

from generator import prerendered, shell
from generator.write import MANIFEST_NAME

log = logging.getLogger("mkdocs.plugins.archive")


class ArchiveConfig(base.Config):
    seeds = c.Type(str, default="seeds")
    index = c.Type(str, default=".archive/index")
    jobs = c.Type(int, default=1)
    generate = c.Choice(("always", "serve", "never"), default="always")
    shell_pages = c.Type(bool, default=True)  # pages outside the nav from a shell (generator/shell.py)
    markdown_bodies = c.Type(bool, default=False)  # article text written as Markdown (archive build --markdown-bodies)


class ArchivePlugin(BasePlugin[ArchiveConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.nav_urls: set[str] = set()
        self.shells: shell.ShellRenderer | None = None

    def on_startup(self, *, command, dirty) -> None:
        self.command = command

    def _root(self, config) -> Path:
        return Path(config.config_file_path).resolve().parent

    def on_pre_build(self, *, config) -> None:
        wanted = self.config.generate == "always" or (self.config.generate == "serve" and self.command == "serve")
        if not wanted:
            return
        from generator.pipeline import BuildOptions, build  # the extractors: only when generating

        root = self._root(config)
        options = BuildOptions(
            seeds=root / self.config.seeds,
            docs=Path(config.docs_dir),
            index=root / self.config.index,
            jobs=self.config.jobs,
            markdown_bodies=self.config.markdown_bodies,
        )
        report = build(options)
        log.info(
            "archive: %d article(s) from %d seed(s) in %.1f s (%s)",
            report.articles, report.seeds, report.seconds,
            "nothing changed since the last build" if report.up_to_date else f"{report.written} written, {report.removed} removed",
        )
        for name, message in sorted(report.errors.items()):
            log.warning("archive: %s", message)
        for name, messages in sorted(report.warnings.items()):
            for message in messages:
                log.info("archive: %s: %s", name, message)

    def on_env(self, env, /, *, config, files):
        """`name | entity_url('speakers')`: the page of a speaker, place, outlet, …; and
        compiled templates kept between builds."""
        # MkDocs makes a new Jinja environment for every build (each `mkdocs serve`
        # rebuild too), which compiles Material's and our 35 templates again: 0.4 s a
        # build. Jinja's bytecode cache keeps them, checked against each template's source.
        templates = self._root(config) / Path(self.config.index).parent / "templates"
        try:
            templates.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(templates))
        except OSError as err:
            log.info("archive: compiled templates are not kept (%s)", err)
        path = Path(config.docs_dir) / "export" / "entities.json"
        try:
            entities = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entities = {}
        env.filters["entity_url"] = lambda name, section: entities.get(section, {}).get(name)
        self.shells = env.globals["archive_shell_page"] = shell.ShellRenderer(env)  # new shells every build
        return env

    def on_files(self, files, /, *, config):
        written = generated_files(Path(config.docs_dir))
        for file in files:
            if file.src_uri in written and file.abs_src_path and not file.is_documentation_page():
                file.copy_file = functools.partial(link_file, file, file.copy_file)
        return files

    def on_nav(self, nav, /, *, config, files):
        self.nav_urls = {page.url for page in nav.pages}
        return nav

    def on_serve(self, server, /, *, config, builder):
        seeds = self._root(config) / self.config.seeds
        if seeds.is_dir():
            server.watch(str(seeds))
        return server

    def on_page_markdown(self, markdown, /, *, page, config, files):
        title = page.meta.get("title")
        if isinstance(title, str):
            page.meta["title"] = html.escape(title, quote=True)
        if self.config.shell_pages and shell.eligible(page, self.nav_urls):
            page.meta["template"] = shell.TEMPLATE
        if prerendered.is_prerendered(page):
            # MkDocs calls page.render(config, files) right after this hook: a page whose
            # body is HTML already is rendered without Markdown.
            page.render = lambda config, files: prerendered.render(page, config, files)
        return markdown

    def on_post_build(self, *, config) -> None:
        if self.shells is not None:
            log.info("archive: %d page(s) rendered from %d shell(s)", self.shells.filled, len(self.shells.shells))


def generated_files(docs: Path) -> frozenset[str]:
    """The files under docs/ that the generator wrote (its manifest), as MkDocs names them."""
    try:
        return frozenset(json.loads((docs / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def link_file(file, copy, dirty: bool = False) -> None:
    """MkDocs' File.copy_file for a file the generator wrote: a hard link, or a copy
    where the file system has none (another device, no link support)."""
    if dirty and not file.is_modified():
        return
    target = file.abs_dest_path
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        try:
            os.link(file.abs_src_path, target)
        except FileExistsError:
            if os.path.samefile(file.abs_src_path, target):
                return
            os.unlink(target)  # an earlier build's output
            os.link(file.abs_src_path, target)
    except OSError:
        copy(dirty)
