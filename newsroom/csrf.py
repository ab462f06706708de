"""
CSRF protection that needs no cookie from a reader who is not signed in.

A reader's page is the same for everyone, so that shared caches (a CDN, nginx)
may keep it: it carries no CSRF token and sets no cookie. The forms on it (the
comment form, the language switcher) post to views marked ``origin_checked``.
For a request without a session cookie such a view is protected by the origin
of the request alone: the browser's ``Origin`` header, or failing that its
``Referer``, must name this site (or one of CSRF_TRUSTED_ORIGINS). There is no
session for a forged request to ride on; the comment form keeps its own guards
besides (the signed "shown at" time, the honeypot, the flood limits).

A request that carries a session cookie (staff, signed-in readers) gets
Django's whole check, token and cookie included, on these views as on any
other: the page cache fills in their own token (``newsroom.pagecache``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware import csrf

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
REASON_NO_ORIGIN = "Origin checking failed - no Origin and no Referer."


def origin_checked(view):
    """Mark a view whose anonymous POSTs are checked by their origin only."""
    view.origin_checked = True
    return view


def is_signed_in(request):
    """True when the request carries a session: Django's CSRF check applies."""
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF middleware, with the origin-only check described above."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            getattr(callback, "origin_checked", False)
            and request.method not in SAFE_METHODS
            and not is_signed_in(request)
            and not getattr(request, "_dont_enforce_csrf_checks", False)
        ):
            return self._check_origin(request)
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _check_origin(self, request):
        if "HTTP_ORIGIN" in request.META:
            if self._origin_verified(request):
                return self._accept(request)
            return self._reject(
                request, csrf.REASON_BAD_ORIGIN % request.META["HTTP_ORIGIN"]
            )
        # No Origin (an old browser): the page the form was on must be ours.
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return self._reject(request, REASON_NO_ORIGIN)
        try:
            parts = urlsplit(referer)
        except ValueError:
            return self._reject(request, csrf.REASON_MALFORMED_REFERER)
        if not parts.scheme or not parts.netloc:
            return self._reject(request, csrf.REASON_MALFORMED_REFERER)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self.allowed_origins_exact or origin == _own_origin(request):
            return self._accept(request)
        return self._reject(request, csrf.REASON_BAD_REFERER % referer)


def _own_origin(request):
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return None
