"""
WordPress post bodies turned into the site's HTML.

``convert(raw, media)`` does what WordPress does when it shows a post, then
hands the result to the project's one sanitizer:

- Gutenberg's block comments (``<!-- wp:paragraph -->``) are removed; a block
  post is already HTML, so it gets no paragraph rules (WordPress skips them too);
- a classic post gets WordPress's paragraph rules: a blank line separates
  paragraphs, a single line break is a ``<br>``, block-level tags stand alone
  and ``<pre>`` is left exactly as written;
- shortcodes: ``[caption]`` becomes a figure with its caption, ``[gallery]`` the
  gallery's pictures, ``[embed]``, ``[video]``, ``[audio]`` and a bare web
  address alone on its line (which WordPress would embed) a link; any other
  shortcode is taken out, its enclosed text kept, and named in the report.

Something is taken for a shortcode when its name is lowercase and it has
attributes, a closing tag or a name WordPress itself uses: an editor's "[sic]"
in running text stays as it is.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.html import escape

from newsroom.sanitize import clean_article_html

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
KNOWN_SHORTCODES = {
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "video",
    "audio",
    "playlist",
}
# An opening (or self-closing) shortcode tag: [name attrs] or [name attrs /].
SHORTCODE_OPEN = re.compile(r"\[(\[?)([a-z][a-z0-9_-]*)((?:\s[^\[\]]*?)?)(/?)\](\]?)")
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
)
BARE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)

BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|"
    "pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|"
    "section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|"
    "menu|summary|iframe|object|script|noscript"
)
BLOCK_TAG = re.compile(rf"(</?(?:{BLOCK_TAGS})\b[^>]*>)", re.IGNORECASE)
TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Inside these, text is not wrapped in <p> (it is already in a block of text).
TEXT_BLOCKS = {
    "p", "li", "td", "th", "dt", "dd", "caption", "figcaption", "legend",
    "summary", "address", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure",
}  # fmt: skip
VOID_BLOCKS = {"hr", "col", "area"}
# Scripts, styles and embedded objects go whole: the sanitizer would keep their
# text (code) as if it were the article's.
UNSAFE_BLOCK = re.compile(
    r"<(script|style|iframe|object|noscript|template)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


@dataclass
class Conversion:
    """The converted HTML and what the report must say about it."""

    html: str
    removed_shortcodes: dict = field(default_factory=dict)


@dataclass
class Media:
    """
    What the body may refer to: the gallery pictures of this post (attachment
    id -> (address, caption)), in order, and the address of any attachment.
    """

    attachments: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


def attributes(text):
    """A shortcode's attributes as a dict, and its positional words as a list."""
    found = {}
    for match in ATTRIBUTE.finditer(text):
        name = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) or match.group(4) or match.group(6) or ""
        found[name.lower()] = html.unescape(value)
    positional = ATTRIBUTE.sub(" ", text).split()
    return found, positional


def _figure(image_html, caption):
    caption = caption.strip()
    inner = image_html.strip()
    if caption:
        inner += f"<figcaption>{caption}</figcaption>"
    return f"\n\n<figure>{inner}</figure>\n\n"


def _caption(attrs, content):
    # [caption id="attachment_6" width="300"]<a><img></a> The caption[/caption]
    content = content or ""
    match = re.match(
        r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", content, re.S
    )
    if not match:
        return _figure("", attrs.get("caption", content))
    caption = attrs.get("caption") or match.group(2)
    return _figure(match.group(1), caption)


def _gallery(attrs, media):
    ids = [i.strip() for i in attrs.get("ids", attrs.get("include", "")).split(",")]
    ids = [i for i in ids if i.isdigit()]
    if not ids:
        ids = list(media.children)
    figures = []
    for attachment_id in ids:
        found = media.attachments.get(str(attachment_id))
        if found is None:
            continue
        url, caption = found
        figures.append(_figure(f'<img src="{escape(url)}" alt="">', escape(caption)))
    return "".join(figures)


def _link(url):
    url = url.strip()
    if urlsplit(url).scheme not in ("http", "https"):
        return ""
    return f'\n\n<p><a href="{escape(url)}">{escape(url)}</a></p>\n\n'


def _expand(name, raw_attrs, content, media, removed):
    attrs, _positional = attributes(raw_attrs)
    inner = shortcodes(content or "", media, removed)
    if name in ("caption", "wp_caption"):
        return _caption(attrs, inner)
    if name == "gallery":
        return _gallery(attrs, media)
    if name == "embed":
        return _link(html.unescape(inner or attrs.get("src", "")))
    if name in ("video", "audio"):
        sources = ("src", "mp4", "webm", "ogv", "mp3", "ogg", "m4a", "wav")
        url = next((attrs[k] for k in sources if attrs.get(k)), inner)
        return _link(html.unescape(url or ""))
    removed[name] = removed.get(name, 0) + 1
    return inner


def shortcodes(text, media, removed):
    """Replace the shortcodes of ``text``; count removed ones in ``removed``."""
    out, pos = [], 0
    while match := SHORTCODE_OPEN.search(text, pos):
        out.append(text[pos : match.start()])
        escaped, name, raw_attrs, self_closing, escaped_end = match.groups()
        end, content = match.end() - len(escaped_end), None
        if not self_closing:
            close = text.find(f"[/{name}]", end)
            if close != -1:
                content = text[end:close]
                end = close + len(name) + 3
        if escaped and text.startswith("]", end):
            # [[name]] is WordPress's way of writing a shortcode as text.
            out.append(text[match.start() + 1 : end])
            pos = end + 1
            continue
        is_shortcode = name in KNOWN_SHORTCODES or "=" in raw_attrs or content
        if not is_shortcode:
            out.append(text[match.start() : match.start() + 1])
            pos = match.start() + 1
            continue
        out.append(escaped + _expand(name, raw_attrs, content, media, removed))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def autop(text):
    """WordPress's paragraph rules (as its ``wpautop``), written anew."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f'\n\n<pre data-kept="{len(kept) - 1}"></pre>\n\n'

    text = PRE.sub(keep, text)
    parts = BLOCK_TAG.split(text)
    out, stack = [], []
    for index, part in enumerate(parts):
        if index % 2:  # a block-level tag
            out.append(part)
            name = TAG_NAME.match(part).group(1).lower()
            if part.startswith("</"):
                while stack and stack.pop() != name:
                    pass
            elif name not in VOID_BLOCKS and not part.endswith("/>"):
                stack.append(name)
            continue
        inside_text = bool(stack) and stack[-1] in TEXT_BLOCKS
        if inside_text:
            out.append(part.strip("\n").replace("\n", "<br>\n"))
            continue
        for paragraph in re.split(r"\n\s*\n", part):
            paragraph = paragraph.strip()
            if paragraph:
                lines = [line.strip() for line in paragraph.split("\n")]
                out.append("<p>" + "<br>\n".join(lines) + "</p>\n")
    result = "".join(out)
    return re.sub(
        r'<pre data-kept="(\d+)"></pre>', lambda m: kept[int(m.group(1))], result
    )


def _embedded(match):
    # An embedded player (iframe, object) becomes a link to what it played.
    found = re.search(r'\b(?:src|data)=["\']([^"\']+)', match.group(0))
    if match.group(1).lower() in ("iframe", "object") and found:
        return _link(html.unescape(found.group(1)))
    return ""


def _link_bare_urls(text):
    return BARE_URL.sub(lambda m: _link(m.group(1)).strip(), text)


def convert(raw, media=None):
    """A WordPress body as sanitized HTML for the site, and what was removed."""
    media = media or Media()
    removed = {}
    parts = []
    for is_block, text in blocks(raw or ""):
        text = UNSAFE_BLOCK.sub(_embedded, text)
        text = shortcodes(text, media, removed)
        text = _link_bare_urls(text)
        parts.append(text if is_block else autop(text))
    return Conversion(clean_article_html("\n".join(parts)).strip(), removed)


def blocks(text):
    """
    The body cut at Gutenberg's block comments: (True, html) inside a block,
    (False, text) for classic text outside any, which gets the paragraph rules.
    """
    depth, start, found = 0, 0, []
    for match in BLOCK_COMMENT.finditer(text):
        piece = text[start : match.start()]
        if piece.strip():
            found.append((depth > 0, piece))
        comment = match.group(0)
        if comment.rstrip("-> ").endswith("/"):
            pass  # a block with no content: <!-- wp:spacer /-->
        elif comment.lstrip("<!- ").startswith("/"):
            depth = max(depth - 1, 0)
        else:
            depth += 1
        start = match.end()
    if text[start:].strip():
        found.append((depth > 0, text[start:]))
    return found


def plain_text(raw):
    """A comment or an excerpt: WordPress's HTML as the plain text it shows."""
    text = re.sub(r"<br\s*/?>", "\n", raw or "", flags=re.IGNORECASE)
    text = re.sub(r"</p\s*>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def rewrite_addresses(body, resolve):
    """
    The body with each link and picture address that ``resolve(address)``
    knows replaced by what it returns (None: left as it is).
    """

    def replace(match):
        attribute, quote, value = match.groups()
        new = resolve(html.unescape(value))
        if new is None:
            return match.group(0)
        return f"{attribute}={quote}{escape(new)}{quote}"

    return re.sub(r'\b(href|src)=(["\'])(.*?)\2', replace, body)


def images(body):
    """The addresses of the pictures in a body."""
    return [
        html.unescape(m.group(1))
        for tag in IMG.findall(body)
        if (m := re.search(r'src=["\']([^"\']*)', tag))
    ]
