"""Markdown to safe HTML, in one place: markdown-it-py, then nh3.

Annotation bodies are written in a small Markdown: paragraphs, emphasis, links,
lists, quotes and code. Raw HTML in the source is shown as text; images,
headings and tables are not rendered (they would break the margin and the
page's outline). The HTML that comes out is sanitised again with nh3, so even
a bug in the Markdown step cannot let a script, a style or a `javascript:`
link through.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt(
    "js-default", {"html": False, "linkify": False, "typographer": False}
).disable(["image", "heading", "lheading", "table", "hr", "html_block", "html_inline"])

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> str:
    """Render Markdown source to sanitised HTML, safe to mark safe in a template."""
    html = _markdown.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    ).strip()
