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

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware import csrf

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
REASON_NO_ORIGIN = "Origin checking failed - no Origin and no Referer."


def origin_checked(view):
    """
    Protect a view against cross-site posts the way described above, in place
    of Django's CSRF middleware (which stays on for every other view).
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            refused = _checker.check(request, view, args, kwargs)
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    checked.csrf_exempt = True
    return checked


def is_signed_in(request):
    """True when the request carries a session: Django's CSRF check applies."""
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


class OriginCheck(csrf.CsrfViewMiddleware):
    """Django's CSRF checks, with the origin-only one for anonymous requests."""

    def check(self, request, view, args, kwargs):
        if getattr(request, "_dont_enforce_csrf_checks", False):
            return None
        if is_signed_in(request):
            return self.process_view(request, view, args, kwargs)
        return self._check_origin(request)

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


_checker = OriginCheck(lambda request: None)
