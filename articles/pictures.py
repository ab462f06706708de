"""
Library pictures inside article bodies: whichever address of a picture the
journalist inserted (the original or a rendition), the saved body gives it every
WebP rendition as srcset, sizes for the text column, its dimensions and lazy
loading. Other images are left as they are.
"""

import html
import re
from urllib.parse import unquote, urlsplit

from django.utils.html import escape

# Inserted in an article body, a picture from the library takes the text column.
BODY_IMAGE_SIZES = "(min-width: 60rem) 44rem, 100vw"
IMG_TAG = re.compile(r"<img\b[^>]*>")
IMG_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
RENDITIONS_DIR = "CACHE/images/"


def library_name(src, storage):
    """
    The name a library picture's file may have, given an address pointing at it
    or at one of its renditions: ("exact", name) or ("stem", name without
    extension); None for an address outside the media storage.
    """
    media = urlsplit(storage.url("")).path
    path = unquote(urlsplit(src).path)
    if not path.startswith(media):
        return None
    name = path[len(media) :]
    if name.startswith(RENDITIONS_DIR):
        # imagekit names a rendition CACHE/images/<source, no extension>/<hash>.<ext>
        stem = name[len(RENDITIONS_DIR) :].rpartition("/")[0]
        return ("stem", stem) if stem else None
    return ("exact", name)


def responsive_images(body, images):
    """The body with its library pictures made responsive; ``images`` is
    ``Image.objects`` (its ``named`` finds them in one query)."""
    tags = {tag: dict(IMG_ATTRIBUTE.findall(tag)) for tag in IMG_TAG.findall(body)}
    storage = images.model.file.field.storage
    wanted = {
        tag: name
        for tag, attrs in tags.items()
        if (name := library_name(html.unescape(attrs.get("src", "")), storage))
    }
    if not wanted:
        return body
    found = images.named(set(wanted.values()))
    for tag, name in wanted.items():
        if (image := found.get(name)) is not None:
            body = body.replace(tag, _responsive_tag(tags[tag], image))
    return body


def _responsive_tag(given, image):
    renditions = image.renditions("webp")
    largest = renditions[-1][1]
    height = image.height_at(largest)
    attrs = {
        "src": given["src"],
        "srcset": ", ".join(f"{url} {width}w" for url, width in renditions),
        "sizes": BODY_IMAGE_SIZES,
        "width": str(largest),
        **({"height": str(height)} if height else {}),
        "alt": given.get("alt", image.alt_text),
        **({"title": given["title"]} if "title" in given else {}),
        "loading": "lazy",
    }
    pairs = " ".join(
        f'{key}="{escape(html.unescape(value))}"' for key, value in attrs.items()
    )
    return f"<img {pairs}>"
