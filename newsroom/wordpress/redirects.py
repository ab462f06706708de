"""
Old WordPress addresses, answered with a 301 to the new ones.

Two halves. Addresses with a path (an old permalink, ``/category/…/``,
``/tag/…/``, ``/author/…/``, feeds, attachment pages) are rows of Django's
redirects app, written by the importer and edited in the admin; its
``RedirectFallbackMiddleware`` answers them when the site has no such page.
What that table cannot match is here: WordPress's query addresses, which land
on the home page rather than a 404 (``/?p=ID``, ``/?page_id=ID``,
``/?attachment_id=ID``, ``/?cat=ID``, ``/?feed=rss2``), and a reply link to an
old comment (``?replytocom=N``) on any page. They are looked up in the
importer's records at request time, so they follow a renamed article.
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.encoding import escape_uri_path

from ..models import ImportedItem

Kind = ImportedItem.Kind

# Query parameter -> the kinds of record it names.
QUERY_KINDS = {
    "p": [Kind.POST, Kind.PAGE, Kind.ATTACHMENT],
    "page_id": [Kind.PAGE, Kind.POST],
    "attachment_id": [Kind.ATTACHMENT],
    "cat": [Kind.CATEGORY],
    "replytocom": [Kind.COMMENT],
}
FEEDS = {"rss", "rss2", "atom", "rdf"}


def address_of(item):
    """The site's current address for what a record became, or None."""
    if item is None or item.content_type_id is None:
        return (
            item.old_url if item is not None and item.kind == Kind.ATTACHMENT else None
        )
    try:
        target = item.content_type.get_object_for_this_type(pk=item.object_id)
    except ObjectDoesNotExist:
        return None
    if item.kind == Kind.ATTACHMENT:
        return target.file.url
    if item.kind == Kind.POST and not target.is_published():
        return None
    if item.kind == Kind.PAGE and target.registration_required:
        return None
    if item.kind == Kind.COMMENT and not target.is_public():
        return None
    return target.get_absolute_url()


def _roots():
    codes = [code for code, _name in settings.LANGUAGES]
    return {"/"} | {f"/{code}/" for code in codes} | {"/index.php"}


def query_target(request):
    """The new address for a WordPress query address, or None."""
    query = request.GET
    if "replytocom" not in query and request.path_info not in _roots():
        return None
    if query.get("feed") in FEEDS and not set(query) & set(QUERY_KINDS):
        return reverse("articles:feed")
    for parameter, kinds in QUERY_KINDS.items():
        value = query.get(parameter, "")
        if value.isdigit():
            return address_of(ImportedItem.objects.latest_for(kinds, value))
    return None


class OldAddressMiddleware:
    """Answer WordPress's query addresses (see the module) with a 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.GET:
            target = query_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        return self.get_response(request)


def old_path(url):
    """An old address as the redirects table stores it (like get_full_path())."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/")
    while "//" in path:
        path = path.replace("//", "/")
    path = escape_uri_path(path)
    return f"{path}?{parts.query}" if parts.query else path


def save(old_url, new_path):
    """
    A redirect from an old address (its path) to a new one. Returns True if a
    row was created or changed; nothing happens when the two are the same or
    the old path does not fit the table.
    """
    old = old_path(old_url)
    new = escape_uri_path(unquote(new_path)) if "://" not in new_path else new_path
    if old == new or len(old) > 200 or len(new) > 200:
        return False
    row, created = Redirect.objects.get_or_create(
        site_id=settings.SITE_ID, old_path=old, defaults={"new_path": new}
    )
    if not created and row.new_path != new:
        row.new_path = new
        row.save(update_fields=["new_path"])
        return True
    return created
