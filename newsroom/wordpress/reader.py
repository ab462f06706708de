"""
A WordPress export (WXR 1.0, 1.1 or 1.2) read as a stream.

``entries(source)`` yields each child of ``<channel>`` (an author, a category, a
tag, an item...) as a small ElementTree element, then forgets it: memory stays
the same whatever the size of the file. It runs on expat directly rather than
through ``ElementTree.iterparse`` for two things iterparse does not give: the
line where each entry starts, named in the report, and a refusal of any DTD or
entity declaration (an export has none; a "billion laughs" file has them).

Element names are normalised to the usual prefixes, whatever the file calls
them: ``wp:post_id``, ``content:encoded``, ``excerpt:encoded``, ``dc:creator``.
A file that is not XML, is cut short or is not a WordPress export raises
``WXRError`` naming the line.
"""

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext

CHUNK = 64 * 1024
# Part of every item's digest: a new version of the importer imports again.
DIGEST_VERSION = "1"
VERSIONS = ("1.0", "1.1", "1.2")
# The WordPress namespaces of each WXR version, over http and https.
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(1\.[012])/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[012]/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file cannot be imported at all; the message names the line."""

    def __init__(self, message, line=None):
        self.line = line
        if line is not None:
            message = gettext("Line %(line)s: %(message)s") % {
                "line": line,
                "message": message,
            }
        super().__init__(message)


@dataclass
class Entry:
    """A child of <channel>: its normalised tag, the element, its first line."""

    tag: str
    element: ET.Element
    line: int


def _prefixed(uri, local):
    if WP_NAMESPACE.match(uri):
        return f"wp:{local}"
    if EXCERPT_NAMESPACE.match(uri):
        return f"excerpt:{local}"
    if uri in PREFIXES:
        return f"{PREFIXES[uri]}:{local}"
    return f"{{{uri}}}{local}"


class _Stream:
    """The expat handlers: builds each entry of <channel> and queues it."""

    def __init__(self):
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.StartNamespaceDeclHandler = self.namespace
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.depth = 0
        self.builder = None
        self.entry_line = None
        self.ready = []
        self.version = None
        self.saw_channel = False
        self.root_closed = False

    def line(self):
        return self.parser.CurrentLineNumber

    def _name(self, raw):
        uri, sep, local = raw.rpartition("}")
        return _prefixed(uri, local) if sep else local

    def namespace(self, prefix, uri):
        match = WP_NAMESPACE.match(uri or "")
        if match:
            self.version = match.group(1)

    def doctype(self, *args):
        raise WXRError(
            gettext("the file declares a DTD, which a WordPress export never does."),
            self.line(),
        )

    def entity(self, *args):
        raise WXRError(
            gettext(
                "the file declares an entity, which a WordPress export never does."
            ),
            self.line(),
        )

    def start(self, raw, attrs):
        self.depth += 1
        name = self._name(raw)
        if self.depth == 1:
            if name != "rss":
                raise WXRError(
                    gettext(
                        "this is not a WordPress export: it starts with <%(tag)s>, "
                        "not <rss>."
                    )
                    % {"tag": name},
                    self.line(),
                )
            if self.version is None:
                raise WXRError(
                    gettext(
                        "this is not a WordPress export: the WordPress namespace "
                        "(https://wordpress.org/export/1.2/ or an earlier version) "
                        "is not declared."
                    ),
                    self.line(),
                )
            return
        if self.depth == 2:
            if name != "channel":
                raise WXRError(
                    gettext("<rss> holds <%(tag)s> instead of <channel>.")
                    % {"tag": name},
                    self.line(),
                )
            self.saw_channel = True
            return
        if self.depth == 3:
            self.builder = ET.TreeBuilder()
            self.entry_line = self.line()
        self.builder.start(name, {self._name(k): v for k, v in attrs.items()})

    def end(self, raw):
        self.depth -= 1
        if self.depth >= 2:
            element = self.builder.end(self._name(raw))
            if self.depth == 2:
                self.builder.close()
                self.builder = None
                self.ready.append(Entry(element.tag, element, self.entry_line))
        elif self.depth == 0:
            self.root_closed = True

    def data(self, text):
        if self.builder is not None:
            self.builder.data(text)


def _error(exc):
    message = expat.ErrorString(exc.code)
    if exc.code in (
        expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION],
    ):
        text = gettext("the file ends too early (%(error)s): is it complete?")
    else:
        text = gettext("the file is not valid XML (%(error)s).")
    return WXRError(text % {"error": message}, exc.lineno)


def entries(source):
    """
    Yield each entry of the export's channel, in file order. ``source`` is a
    path or a binary file object. Raises WXRError for a file that cannot be
    imported; entries yielded before that have been read, not imported.
    """
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as stream:
            yield from entries(stream)
        return
    stream = _Stream()
    while True:
        chunk = source.read(CHUNK)
        try:
            stream.parser.Parse(chunk, not chunk)
        except expat.ExpatError as exc:
            raise _error(exc) from None
        yield from stream.ready
        stream.ready.clear()
        if not chunk:
            break
    if not stream.saw_channel:
        raise WXRError(
            gettext("this is not a WordPress export: there is no <channel>."),
            stream.line(),
        )


def text(element, tag, default=""):
    """The text of a child element, stripped, or ``default``."""
    found = element.find(tag)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def digest(element, leave_out=("wp:comment",)):
    """A digest of an entry as read (its comments left out: they have their own)."""
    parts = [DIGEST_VERSION.encode()]
    parts += [ET.tostring(child) for child in element if child.tag not in leave_out]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def meta(element):
    """An item's wp:postmeta as a dict."""
    return {
        text(m, "wp:meta_key"): text(m, "wp:meta_value")
        for m in element.findall("wp:postmeta")
    }
