"""Markdown to HTML that is safe to put in a page, whoever wrote the article.

`markdown` renders (it passes raw HTML through), then `nh3` (the Ammonia sanitizer) keeps
only an allow-list of tags and attributes: no scripts, no event handlers, no style, and
links only to http, https, mailto and tel.
"""

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def render_markdown(text: str) -> str:
    """Sanitized HTML of a Markdown text."""
    raw = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(safe_html: str) -> str:
    """The words of sanitized HTML, for the search index and result excerpts."""
    text = _TAG.sub(" ", safe_html)
    return _SPACE.sub(" ", html.unescape(text)).strip()
