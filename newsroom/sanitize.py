"""
Every piece of HTML sanitizing in the project happens here.

bleach is archived upstream; callers use only the functions below, so another
sanitizer can replace it without touching them.
"""

import re

import bleach
from bleach.linkifier import URL_RE, Linker

# What the rich-text editor (django-prose-editor) offers in article bodies and
# static pages: the markup it produces is what ARTICLE_TAGS keeps.
ARTICLE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Library images: the Image button takes the address shown in the image admin.
    "Figure": True,
    "Caption": True,
    "Image": True,
    "History": True,
    # Not an element: lets the editor work under the Content-Security-Policy.
    "StyleNonce": True,
}


ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4",
        "a", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
        "ul", "ol", "li", "blockquote", "cite", "q",
        "figure", "figcaption", "img",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title", "width", "height", "srcset", "sizes", "loading"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
    "blockquote": ["cite"],
}
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS,
    attributes=ARTICLE_ATTRIBUTES,
    protocols=SAFE_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def clean_article_html(html):
    """Return an article body reduced to the allow-list fit for journalism."""
    if not html:
        return ""
    return _article_cleaner.clean(html)


def _nofollow_ugc(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


# bleach's web-address pattern, with one change: an address never ends in
# punctuation (a full stop, a comma, a closing quote or guillemet…), which
# belongs to the sentence around it, nor in a closing square bracket. Round
# brackets are bleach's to balance. The text reaches the linker with < and >
# escaped: an address stops before &lt; and &gt; too.
_URL_PATH = r"""(?:[/?][^\s\{\}\|\\\^`<>"]*)?"""
_NOT_ESCAPED_BRACKET = r"(?!&(?:lt|gt);)"
_URL_PATH_TRIMMED = (
    r"(?:[/?](?:(?:"
    + _NOT_ESCAPED_BRACKET
    + r"""[^\s\{\}\|\\\^`<>"])*"""
    + _NOT_ESCAPED_BRACKET
    + r"""[^\s\{\}\|\\\^`<>".,;:!?'«»‘’“”…\]])?)?"""
)
if _URL_PATH not in URL_RE.pattern:  # pragma: no cover - a new bleach
    raise ImportError("bleach's URL pattern changed: review newsroom/sanitize.py")
COMMENT_URL_RE = re.compile(
    URL_RE.pattern.replace(_URL_PATH, _URL_PATH_TRIMMED), URL_RE.flags
)

_comment_linker = Linker(
    callbacks=[_nofollow_ugc], skip_tags=None, parse_email=False, url_re=COMMENT_URL_RE
)


def comment_text_to_html(text):
    """
    Return a reader's plain-text comment as safe HTML.

    Everything the reader typed is escaped first, so their HTML shows as text;
    then blank lines become paragraphs, single line breaks become <br>, and
    web addresses become links marked nofollow ugc.
    """
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        "<p>" + "<br>".join(_escape_markup(p).split("\n")) + "</p>"
        for p in paragraphs
        if p
    )
    return _comment_linker.linkify(html)


def _escape_markup(text):
    # Only what could open markup: the linker escapes the rest as it writes, and
    # a quote left as it is cannot be taken into an address as "&quot;".
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strip_html(html):
    """Return the text of an HTML fragment, with no markup."""
    return bleach.clean(html or "", tags=set(), strip=True)
