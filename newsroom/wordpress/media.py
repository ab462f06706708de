"""
Attachments: the file found in a copy of ``wp-content/uploads`` (--media-dir)
or fetched from its address (--fetch-media, with a timeout and a size limit),
then put in the image library; files that are not pictures are kept in media
storage under ``wordpress/`` and reported.
"""

import io
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from PIL import Image as PILImage

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# WordPress names the sizes it derives name-300x200.jpg.
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


class MediaError(Exception):
    """The file could not be had; the message says why (for the report)."""


def upload_path(url, attached_file=""):
    """The file's path inside wp-content/uploads, from its meta or its address."""
    if attached_file:
        return attached_file.lstrip("/")
    path = unquote(urlsplit(url).path)
    if "/wp-content/uploads/" in path:
        return path.split("/wp-content/uploads/", 1)[1]
    path = path.lstrip("/")
    # WordPress.com serves uploads from files.wordpress.com/<year>/<month>/...
    return path.removeprefix("files/")


def original_address(url):
    """The address of the original of a derived size (name-300x200.jpg)."""
    parts = urlsplit(url)
    return parts._replace(path=SIZE_SUFFIX.sub("", parts.path), query="").geturl()


def max_bytes():
    return settings.IMAGES_MAX_UPLOAD_MB * 1024 * 1024


def from_directory(directory, relative):
    """The file's bytes from the copy of the uploads folder."""
    root = Path(directory).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise MediaError(gettext("the file's path leaves the media folder."))
    if not path.is_file():
        raise MediaError(
            gettext("file not found in the media folder: %(path)s") % {"path": relative}
        )
    if path.stat().st_size > max_bytes():
        raise MediaError(_too_large())
    return path.read_bytes()


def _too_large():
    return gettext("larger than %(mb)s MB (IMAGES_MAX_UPLOAD_MB).") % {
        "mb": settings.IMAGES_MAX_UPLOAD_MB
    }


def fetch(client, url):
    """The file's bytes from its address, within the size limit."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise MediaError(gettext("not a web address."))
    limit = max_bytes()
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise MediaError(
                    gettext("the server answered %(status)s.")
                    % {"status": response.status_code}
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise MediaError(_too_large())
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise MediaError(_too_large())
            return bytes(body)
    except httpx.HTTPError as exc:
        raise MediaError(
            gettext("could not be fetched: %(error)s")
            % {"error": " ".join(str(exc).split())[:150] or type(exc).__name__}
        ) from None


def http_client(timeout):
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True)


def picture(data):
    """(format, width, height) if Pillow can read the picture, else None."""
    try:
        with PILImage.open(io.BytesIO(data)) as found:
            found.verify()
            return found.format, found.width, found.height
    except Exception:  # noqa: BLE001 - any unreadable file is "not a picture"
        return None


def file_name(relative):
    """A safe file name for storage, kept from the original."""
    name = posixpath.basename(relative) or "file"
    return re.sub(r"[^\w.-]+", "-", name)[:100]


def store_other(relative, data):
    """Keep a file that is not a picture; return its address."""
    name = default_storage.save(f"wordpress/{file_name(relative)}", ContentFile(data))
    return default_storage.url(name)
