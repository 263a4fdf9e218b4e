"""An article's body, from the Markdown `write.render_body` makes to the HTML that
Python-Markdown makes of it, without Python-Markdown.

MkDocs spends about 1.5 ms of Python-Markdown on each article at every build (and at
every `mkdocs serve` rebuild): more than a third of the whole `mkdocs build` at 1,000
articles. The writer knows the few constructs its Markdown has, because it makes them:

- blocks separated by a blank line, each one paragraph;
- seed text, HTML-escaped, with every character Markdown would read backslash-escaped
  (`write.escape_markdown`);
- links `[text](target)` to speaker and place pages, and `*emphasis*` of its own labels;
- a last line `{: .class }` (attr_list) on attribution and caption paragraphs.

So the page is written as HTML (front matter `archive_html: true`) and rendered as the
index pages are (generator/prerendered.py): links resolved and checked as MkDocs does.
tests/test_article_html.py holds the result equal to Python-Markdown's, with the site's
extensions, over real and generated articles.

One difference, on purpose: Python-Markdown leaves the backslash of `\\=` and `\\~`
(which it does not count as escapes) in the page; the writer escapes them only so that
a paragraph cannot start a heading underline or a code fence, so here they are the
characters the seed has.
"""

from __future__ import annotations

import html
import re

# A backslash escape, a link (its text may hold escapes; its target is a page path), or
# the writer's own emphasis.
_INLINE = re.compile(r"\\(.)|\[((?:\\.|[^\\\]])*)\]\(([^()\s]*)\)|\*([^*\\]+)\*", re.S)
_CLASS_LINE = re.compile(r"\n\{:\s*\.([\w-]+)\s*\}\Z")
_IGNORED = str.maketrans("", "", "\x02\x03")  # Python-Markdown's own placeholders: it drops them


def body_html(markdown: str) -> str:
    """The HTML of a body made by `write.render_body`."""
    blocks = []
    for block in markdown.translate(_IGNORED).split("\n\n"):
        block = block.strip("\n")
        if not block.strip():
            continue
        css = _CLASS_LINE.search(block)
        if css:
            block = block[: css.start()]
        opening = f'<p class="{css.group(1)}">' if css else "<p>"
        blocks.append(opening + _inline(block.strip()) + "</p>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    out = []
    at = 0
    for match in _INLINE.finditer(text):
        out.append(text[at : match.start()])
        escaped, link_text, target, emphasis = match.groups()
        if escaped is not None:
            out.append(escaped)
        elif target is not None:
            out.append(f'<a href="{html.escape(target)}">{_inline(link_text)}</a>')
        else:
            out.append(f"<em>{_inline(emphasis)}</em>")
        at = match.end()
    out.append(text[at:])
    return "".join(out)
