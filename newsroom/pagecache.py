"""
The reader's pages in Django's cache, never stale.

A view wrapped in ``cached_page`` is a reader's page (home, lists, search, article,
feeds, sitemap). ``PageCacheMiddleware`` then

- keeps its HTML in Django's cache (Redis with REDIS_URL) for PAGE_CACHE_SECONDS,
  so a hit renders no template and makes no query;
- sends HTTP caching headers: ``Cache-Control: public, max-age=0,
  must-revalidate, s-maxage=10`` (browsers ask again every time, which a cache
  hit answers with a 304 and no query; shared caches keep the page a few
  seconds), a weak ``ETag`` and ``Last-Modified``, and answers conditional
  requests with 304;
- serves requests that carry a personal cookie (a session: staff and logged-in
  users; flash messages; the cookies a page fragment declares through
  ``personal_cookies``, such as the reader's own pending comment) uncached and
  ``private, no-store``.

Freshness: the page cache knows names, not models. A page declares the names of
the data it shows (``cached_page(view, depends_on=[...])``, or ``depends_on`` while
rendering), each name standing for a *generation* kept in the cache; a write
announces the names it changed (``changed(...)``), which gives them a new value
once the transaction commits. A page whose stamps no longer match is a miss. The
apps declare their own names (``articles.cache``, ``comments.cache``). A page
also expires by itself at a time it declares (``expires_by``, or the ``expires``
function of ``cached_page``: the next scheduled article, comments closing), and
after PAGE_CACHE_SECONDS in any case, which bounds how long a write made some
other way (a shell) can go unseen.

Per-reader parts of a cached page: the CSRF token is rendered as a placeholder
(``csrf_placeholder`` context processor). For a reader without a session it is
left out: the page's forms post to views checked by their origin
(``newsroom.csrf.origin_checked``), so an anonymous page sets no cookie and
does not vary on Cookie, and any shared cache may keep it as it is. For a
signed-in reader it is filled in on the way out with their own token, so the
cookie and the token always match; the ETag then names the reader's token too,
so a 304 never keeps a page whose token belongs to another cookie. Values that
must be new on every response (the comment form's signed "shown at" time) go
through ``per_request``: a placeholder in the stored page, filled in by the app
on the way out, also for a proxy (which then keeps them for its own s-maxage
at most).

Parts of a page that are the same for every reader (the comment thread and
form, the article itself, the navigation, the sidebar, the footer) are kept
too, with ``fragment``: a page that is not in the cache (its comments changed,
it was never asked for, the page cache is off) is put together from the parts
that did not change. A part is kept under the same names as the page: those of
its view and those declared while it was rendered; a change to any of them, or
FRAGMENT_CACHE_SECONDS, ends it. A personal page (a session, the reader's own
pending comment) is rendered whole, reusing none.
"""

import hashlib
import math
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

from .csrf import is_signed_in
from .middleware import ENTRY_PATHS

# Browsers ask again every time (a change must show at once), which costs the
# site a 304 from its own cache; shared caches (nginx, a CDN) keep a page this
# many seconds before asking again.
MAX_AGE = 0
S_MAXAGE = 10

CSRF_PLACEHOLDER = "csrf-token-placeholder-8f3a1c"
PER_REQUEST_PLACEHOLDER = "per-request-placeholder-{}-5d09e2"
# Set on responses from cached_page views: "hit" or "miss" (server-side cache).
STATUS_HEADER = "X-Page-Cache"

# Headers built anew for each response, never kept with a page. The policy is
# set outside this middleware (ContentSecurityPolicyMiddleware, on hits and
# misses alike), so a stored page never has it; listed so that it never could.
UNSTORED_HEADERS = {
    "content-length",
    STATUS_HEADER.lower(),
    "content-security-policy",
    "content-security-policy-report-only",
}

# Cookies that make any page personal: a session (staff, logged-in users) and
# flash messages ("messages" is the name of django.contrib.messages' cookie).
MESSAGES_COOKIE = "messages"


# Invalidation ----------------------------------------------------------------


def changed(*names):
    """The pages that depend on these names are stale once the transaction commits."""

    # After the commit: a page rendered meanwhile from the old rows carries the
    # old stamp, so it can never be served as fresh.
    def bump():
        cache.set_many({_gen_key(n): _new_value() for n in names}, timeout=None)

    transaction.on_commit(bump)


def _gen_key(name):
    return f"pagegen:{name}"


def _new_value():
    return secrets.token_hex(8)


def _read_stamps(names):
    """
    The current value of each generation, creating the missing ones. Some stay
    missing where the cache keeps nothing (a dummy cache, Redis unreachable).
    """
    keys = [_gen_key(n) for n in names]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_value(), timeout=None)
        found |= cache.get_many(missing)
    return found


def _add_stamps(holders, names, stamps=None):
    """
    The current generations of ``names`` (read unless given), added to each of
    ``holders``: the page being stored, the fragments being rendered.
    """
    if stamps is None:
        stamps = _read_stamps(names)
    for holder in holders:
        if len(stamps) < len(set(names)):
            # Stored without one of its stamps, it could never go stale: it is
            # not stored (the cache came back while it was rendered).
            holder.storing = False
        holder.stamps |= stamps
    return stamps


def _stamp_holders(state):
    """What keeps the stamps of the data being read: the page, its fragments."""
    return [state, *state.recorders] if state.storing else state.recorders


def _seconds():
    return settings.PAGE_CACHE_SECONDS


def _fragment_seconds():
    return settings.FRAGMENT_CACHE_SECONDS


# What views and templates declare ------------------------------------------------


@dataclass
class PageState:
    """What is known about the page being answered, kept on request.page_cache."""

    personal: bool
    storing: bool = False  # the server-side cache is on for this request
    enabled: bool = False  # a cached_page view is answering
    stamps: dict = field(default_factory=dict)
    personal_cookies: set = field(default_factory=set)
    expires_at: object = None
    # Functions giving a time at which the page changes by itself, asked only
    # when the page is stored.
    expiries: list = field(default_factory=list)
    # Per-request values: (placeholder, dotted path of the function, its args).
    fills: list = field(default_factory=list)
    # The names the view depends on (cached_page), which every fragment of the
    # page depends on too, and their stamps once read.
    page_names: tuple = ()
    page_stamps: dict = None
    # The fragments being rendered, innermost last: what the page declares
    # meanwhile is kept with each of them.
    recorders: list = field(default_factory=list)


@dataclass
class _Recorder:
    """What a fragment declared while it was rendered, to declare again on reuse."""

    stamps: dict = field(default_factory=dict)
    storing: bool = True  # every stamp could be read
    personal_cookies: set = field(default_factory=set)
    expires_at: object = None
    fills: list = field(default_factory=list)


def cached_page(view, *, depends_on=(), expires=None, params=()):
    """
    Make ``view`` a reader's page: cached, with public caching headers.

    ``depends_on`` names the data every response of the view shows; ``expires``
    is a function returning when the page changes by itself (or None), asked
    only when the page is stored. ``params`` names the query parameters the
    view reads: the others (utm_*, fbclid, anything unknown) are taken off the
    request before the view sees it, so they neither make cache entries of
    their own nor force a render, and the page is the same with or without them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        state = getattr(request, "page_cache", None)
        if state is not None:
            state.enabled = True
            state.page_names = tuple(depends_on)
            if depends_on and state.storing:
                state.page_stamps = _add_stamps([state], depends_on)
            if expires is not None:
                state.expiries.append(expires)
        try:
            return view(request, *args, **kwargs)
        except Exception:
            if state is not None:
                # The error page (a 404 at any address) keeps no fragment.
                state.enabled = False
            raise

    wrapper.page_params = frozenset(params)
    return wrapper


def depends_on(request, *names):
    """
    The page shows data of these generations (e.g. ``comments_of(article.pk)``).

    Call it before the data is read, so a change committed meanwhile is seen.
    """
    state = getattr(request, "page_cache", None)
    if state is None or not state.enabled:
        return
    holders = _stamp_holders(state)
    if holders:
        _add_stamps(holders, names)


def personal_cookies(request, *names):
    """
    The page shows something of its own to readers carrying one of these cookies
    (their pending comment, their remembered name): serve them uncached.
    """
    state = getattr(request, "page_cache", None)
    if state is None:
        return
    state.personal_cookies.update(names)
    for recorder in state.recorders:
        recorder.personal_cookies.update(names)
    if any(request.COOKIES.get(name) for name in names):
        state.personal = True
        state.storing = False


def expires_by(request, when):
    """The page changes by itself at ``when`` (comments close): cache it until then."""
    state = getattr(request, "page_cache", None)
    if state is not None and when is not None:
        for holder in (state, *state.recorders):
            holder.expires_at = min(filter(None, [holder.expires_at, when]))


def per_request(request, fill, *args):
    """
    ``fill(*args)``, a value that must be new on every response (a signed time):
    on a reader's page, a placeholder that the middleware replaces with a fresh
    ``fill(*args)`` each time the page is sent, from the cache or not. ``fill``
    is a module-level function and ``args`` plain values, kept with the page.
    """
    state = getattr(request, "page_cache", None)
    if state is None or not state.enabled:
        return fill(*args)
    path = f"{fill.__module__}.{fill.__qualname__}"
    # Named after what it is filled with, so that a fragment kept with its
    # placeholders can be reused in any page: the same value, the same name.
    digest = hashlib.sha256(repr((path, list(args))).encode()).hexdigest()[:16]
    placeholder = PER_REQUEST_PLACEHOLDER.format(digest)
    _add_fill(state, (placeholder, path, list(args)))
    return placeholder


def _add_fill(state, fill):
    for fills in (state.fills, *(r.fills for r in state.recorders)):
        if fill not in fills:
            fills.append(fill)


def is_per_request(value):
    """True if ``value`` is a placeholder made by ``per_request``."""
    prefix, _, suffix = PER_REQUEST_PLACEHOLDER.partition("{}")
    return (
        isinstance(value, str) and value.startswith(prefix) and value.endswith(suffix)
    )


def csrf_placeholder(request):
    """Context processor: on a reader's page the CSRF token is filled in later."""
    state = getattr(request, "page_cache", None)
    if state is not None and state.enabled:
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


# The middleware --------------------------------------------------------------


class PageCacheMiddleware:
    """
    Serve and store cached_page views. Goes before SessionMiddleware, so that a
    hit touches neither the session nor the database; it runs CSRF's cookie
    handling itself to fill in the reader's token.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        state = request.page_cache = PageState(personal=_has_personal_cookie(request))
        # Only a query can hold parameters the page does not read: an address
        # without one is looked up as it is, with no URL resolving on a hit.
        has_query = bool(request.META.get("QUERY_STRING"))
        params = _page_params(request) if has_query else None
        if params is not None:
            _keep_params(request, params)
        key = None
        if _seconds() and not state.personal and (params is not None or not has_query):
            key = _page_key(request)
        if key is not None:
            entry = _lookup(key, request)
            if entry is not None:
                state.fills = entry.get("fills", [])
                return _conditional(request, self._fill(request, _from_entry(entry)))
            state.storing = True
        response = self.get_response(request)
        if not state.enabled:
            return response
        # A page that used its CSP nonce cannot be sent again, by the app or a
        # proxy: the policy of every later response names a new nonce.
        reusable = _is_cacheable(response) and not get_nonce(request)
        if state.personal:
            add_never_cache_headers(response)
        elif reusable:
            if request.path_info not in ENTRY_PATHS:
                # Unprefixed addresses are always Italian (prefix_default_language
                # is off), so LocaleMiddleware's Vary: Accept-Language does not
                # apply; only the entry page redirects by browser language. And
                # the session's Vary: Cookie does not either: a request with a
                # session or another personal cookie never gets this response
                # (it is answered privately, and proxies bypass their cache).
                _drop_vary(response, "Accept-Language")
                _drop_vary(response, "Cookie")
            response = self._store(request, key, response)
            return _conditional(request, self._fill(request, response))
        return self._fill(request, response)

    def _store(self, request, key, response):
        content = response.content
        rendered_at = time.time()
        etag = f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(rendered_at)
        patch_cache_control(
            response,
            public=True,
            max_age=MAX_AGE,
            must_revalidate=True,
            s_maxage=S_MAXAGE,
        )
        state = request.page_cache
        if state.storing:
            timeout = _timeout(state)
            if timeout >= 1:
                entry = {
                    "content": content,
                    "headers": [
                        (name, value)
                        for name, value in response.headers.items()
                        if name.lower() not in UNSTORED_HEADERS
                    ],
                    "stamps": state.stamps,
                    "personal_cookies": sorted(state.personal_cookies),
                    "fills": state.fills,
                }
                cache.set(key, entry, timeout)
                _remember_stamp_keys(key, tuple(state.stamps))
            response.headers[STATUS_HEADER] = "miss"
        return response

    def _fill(self, request, response):
        """
        Put fresh per-request values and the reader's own CSRF token in the page
        (or leave the token to the proxy).
        """
        if response.streaming or not response.content:
            return response
        content = response.content
        fills = request.page_cache.fills
        for placeholder, path, args in fills:
            content = content.replace(
                placeholder.encode(), str(import_string(path)(*args)).encode()
            )
        placeholder = CSRF_PLACEHOLDER.encode()
        if placeholder in content and not is_signed_in(request):
            # No session: the page's forms are checked by their origin
            # (newsroom.csrf), so no token, no cookie and no Vary: Cookie.
            content = content.replace(placeholder, b"")
            placeholder = None
        if fills and response.has_header("ETag"):
            response.headers["ETag"] = _readers_etag(response.headers["ETag"], "")
        if placeholder is None or placeholder not in content:
            return _replace_content(response, content)
        if "CSRF_COOKIE" not in request.META:
            self.csrf.process_request(request)  # a hit: CSRF's middleware did not run
        content = content.replace(placeholder, get_token(request).encode())
        response = _replace_content(response, content)
        if response.has_header("ETag"):
            response.headers["ETag"] = _readers_etag(
                response.headers["ETag"], request.META["CSRF_COOKIE"]
            )
        # Sets the CSRF cookie when the reader has none, and Vary: Cookie.
        return self.csrf.process_response(request, response)


def _replace_content(response, content):
    if content is not response.content:
        response.content = content
        if response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(content))
    return response


def _readers_etag(etag, csrf_secret):
    """
    The page's ETag for one reader (called once per kind of per-reader value).
    With a CSRF secret it names it, so a signed-in browser whose cookie changed
    (cleared, rotated at login) gets the page again with a token that matches,
    never a 304. Without one it names the day, so that a copy of a page with
    per-request values kept by a browser never holds a form older than
    comments.forms.ISSUED_MAX_AGE (two days).
    """
    reader = csrf_secret or str(int(time.time() // 86400))
    suffix = hashlib.sha256(reader.encode()).hexdigest()[:12]
    return f'{etag[:-1]}-{suffix}"'


def _conditional(request, response):
    """A 304 when the reader's copy (by ETag or date) is the page being sent."""
    if response.status_code != 200 or not response.has_header("ETag"):
        return response
    return get_conditional_response(
        request,
        etag=response.headers["ETag"],
        last_modified=_parse_date(response.headers.get("Last-Modified")),
        response=response,
    )


def _has_personal_cookie(request):
    names = (settings.SESSION_COOKIE_NAME, MESSAGES_COOKIE)
    return any(request.COOKIES.get(name) for name in names)


def _page_params(request):
    """The query parameters the page's view reads, or None if it is no cached page."""
    path = request.path_info
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        # The language prefix of i18n_patterns resolves in its own language only.
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "page_params", None)


def _keep_params(request, params):
    """Leave only ``params`` in the request's query, in a stable order."""
    query = request.GET
    if all(name in params for name in query):
        return
    kept = QueryDict(mutable=True)
    for name in sorted(params & set(query)):
        kept.setlist(name, query.getlist(name))
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def _page_key(request):
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None
    if request.path_info in ENTRY_PATHS:
        # The entry page redirects by language cookie and Accept-Language.
        address += "|" + translation.get_language_from_request(request)
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


# The generation keys each page was last found with, per process: a hit then
# reads the page and its generations in one round trip to the cache. Bounded;
# a page whose keys are not known here (or changed) costs a second trip.
_known_stamp_keys = OrderedDict()
KNOWN_PAGES = 20_000


def _lookup(key, request):
    """The entry (a page or a fragment) kept under ``key``, if still fresh."""
    known = _known_stamp_keys.get(key, ())
    found = cache.get_many([key, *known])
    entry = found.pop(key, None)
    if entry is None:
        return None
    if any(request.COOKIES.get(name) for name in entry["personal_cookies"]):
        request.page_cache.personal = True
        request.page_cache.storing = False
        return None
    stamps = entry["stamps"]
    if tuple(stamps) != known:
        _remember_stamp_keys(key, tuple(stamps))
        found = cache.get_many(list(stamps))
    if found != stamps:
        return None
    return entry


def _remember_stamp_keys(key, stamp_keys):
    _known_stamp_keys[key] = stamp_keys
    _known_stamp_keys.move_to_end(key)
    if len(_known_stamp_keys) > KNOWN_PAGES:
        _known_stamp_keys.popitem(last=False)


def _from_entry(entry):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers[STATUS_HEADER] = "hit"
    return response


def _parse_date(value):
    return parse_http_date_safe(value) if value else None


def _is_cacheable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.headers.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _drop_vary(response, header):
    if not response.has_header("Vary"):
        return
    kept = [
        v.strip()
        for v in response.headers["Vary"].split(",")
        if v.strip() and v.strip().lower() != header.lower()
    ]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    else:
        del response.headers["Vary"]


def _timeout(state):
    """PAGE_CACHE_SECONDS, cut short when the page changes by itself."""
    timeout = _seconds()
    now = timezone.now()
    for when in (state.expires_at, *(expires() for expires in state.expiries)):
        if when is not None:
            timeout = min(timeout, (when - now).total_seconds())
    return math.floor(timeout)


def remember(name, label, compute):
    """
    ``compute()``, worked out once per generation of ``name`` and kept in the
    cache until that name changes (a page's ``expires`` function uses it to ask
    the database once per change, not once per page). A value that is a time is
    kept no longer than until then; None is remembered too.
    """
    generation = _read_stamps([name]).get(_gen_key(name))
    if generation is None:
        # The cache keeps nothing (a dummy cache, Redis unreachable): computed
        # each time, and never stored under a generation that is not known.
        return compute()
    key = f"pagememo:{label}:{generation}"
    found = cache.get(key)
    if found is not None:
        return found or None
    value = compute()
    timeout = _seconds()
    if hasattr(value, "tzinfo"):
        timeout = min(timeout, (value - timezone.now()).total_seconds())
    if timeout >= 1:
        cache.set(key, value or "", math.floor(timeout))
    return value


# Fragments --------------------------------------------------------------------


def fragment(request, label, vary, render):
    """
    ``render()``, the HTML of a part of a reader's page that is the same for
    every reader who gets it (``label`` with the values in ``vary``, in the
    current language), kept in the cache and reused by every page that shows it
    until one of its names changes. The names are those of the page's view and
    those declared while it was rendered (``depends_on``); the rest it declared
    (personal cookies, an expiry, per-request values) is declared again each
    time it is reused, so the page around it is cached just the same.

    A part that a page renders only for one reader (a session, a personal
    cookie, the CSP nonce) is never kept.
    """
    state = getattr(request, "page_cache", None)
    if state is None or not state.enabled or state.personal:
        return render()
    if not _fragment_seconds():
        return render()
    try:
        key = _fragment_key(request, label, vary)
    except DisallowedHost:
        return render()
    entry = _lookup(key, request)
    if entry is not None:
        _reuse(request, entry)
        return mark_safe(entry["content"])
    if state.personal:  # the lookup found one of the part's personal cookies
        return render()
    if state.page_stamps is None:
        # Read once per page, before any part's data, so that a change
        # committed meanwhile leaves the parts stale instead of fresh.
        state.page_stamps = _read_stamps(state.page_names)
    recorder = _Recorder()
    _add_stamps([recorder], state.page_names, state.page_stamps)
    state.recorders.append(recorder)
    try:
        html = render()
    finally:
        state.recorders.remove(recorder)
    if not state.personal and recorder.storing and not get_nonce(request):
        _keep_fragment(key, html, recorder)
    return html


def _fragment_key(request, label, vary):
    parts = [
        # A part may hold whole addresses (share links, structured data).
        request.build_absolute_uri("/"),
        translation.get_language() or "",
        str(label),
        *map(str, vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"fragment:{digest}"


def _keep_fragment(key, html, recorder):
    timeout = _fragment_seconds()
    if recorder.expires_at is not None:
        timeout = min(timeout, (recorder.expires_at - timezone.now()).total_seconds())
    if timeout < 1:
        return
    entry = {
        "content": str(html),
        "stamps": recorder.stamps,
        "personal_cookies": sorted(recorder.personal_cookies),
        "expires_at": recorder.expires_at,
        "fills": recorder.fills,
    }
    cache.set(key, entry, math.floor(timeout))
    _remember_stamp_keys(key, tuple(recorder.stamps))


def _reuse(request, entry):
    """Declare again what a kept fragment declared when it was rendered."""
    state = request.page_cache
    # The page, and a fragment this one is inside, depend on its data too.
    for holder in _stamp_holders(state):
        holder.stamps |= entry["stamps"]
    personal_cookies(request, *entry["personal_cookies"])
    expires_by(request, entry["expires_at"])
    for fill in entry["fills"]:
        _add_fill(state, fill)
