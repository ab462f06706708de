"""
The commenter's two cookies, both signed JSON.

- ``comments_pending``: the ids of the comments this browser posted, so it (and
  only it) sees them while they are pending. A cookie rather than the session:
  posting and reading then cost no session query, and a cached article page can
  still show them (the cookie makes the page personal).
- ``comment_author``: name, email and website, kept only when the reader ticks
  "remember me".
"""

import json

from django.conf import settings

PENDING_COOKIE = "comments_pending"
PENDING_COOKIE_SALT = "comments.pending"
PENDING_COOKIE_AGE = 60 * 60 * 24 * 14
# How many of a browser's comments it remembers.
PENDING_KEPT = 20

AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "comments.author"
AUTHOR_COOKIE_AGE = 60 * 60 * 24 * 365


def remember_pending(response, request, comment):
    """Let this browser, and only this one, see its comment while it is pending."""
    pending = [*pending_ids(request)[-(PENDING_KEPT - 1) :], comment.pk]
    _write(response, PENDING_COOKIE, pending, PENDING_COOKIE_SALT, PENDING_COOKIE_AGE)
    return response


def pending_ids(request):
    """The ids of the comments this browser posted that may still be pending."""
    ids = _read(request, PENDING_COOKIE, PENDING_COOKIE_SALT, PENDING_COOKIE_AGE, list)
    return [i for i in ids if isinstance(i, int)][-PENDING_KEPT:]


def remember_author(response, form):
    """Keep name, email and website in a cookie only when the reader asked for it."""
    if "remember" not in form.cleaned_data:  # logged in: nothing to remember
        return response
    if form.cleaned_data["remember"]:
        data = {
            "name": form.cleaned_data["author_name"],
            "email": form.cleaned_data["author_email"],
            "url": form.cleaned_data["author_url"],
        }
        _write(response, AUTHOR_COOKIE, data, AUTHOR_COOKIE_SALT, AUTHOR_COOKIE_AGE)
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
    return response


def remembered_author(request):
    """The name, email and website kept by "remember me", or {}."""
    return _read(request, AUTHOR_COOKIE, AUTHOR_COOKIE_SALT, AUTHOR_COOKIE_AGE, dict)


def _write(response, name, value, salt, max_age):
    response.set_signed_cookie(
        name,
        json.dumps(value),
        salt=salt,
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _read(request, name, salt, max_age, kind):
    """The cookie's value if it is a signed, unexpired ``kind``; else empty."""
    raw = request.get_signed_cookie(name, default=None, salt=salt, max_age=max_age)
    try:
        value = json.loads(raw) if raw else kind()
    except ValueError:
        return kind()
    return value if isinstance(value, kind) else kind()
