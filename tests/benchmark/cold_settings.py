"""
The site's own settings with Django's cache switched off, for the "cold" pass.

Every cache alias becomes a DummyCache, which stores nothing: each request does
the whole work (queries and templates), as the first request after a cache flush
would. Nothing else differs from ``newsroom.settings``.
"""

from newsroom import settings as _site

globals().update({name: getattr(_site, name) for name in dir(_site) if name.isupper()})

_kept = set()
_sessions = getattr(_site, "SESSION_ENGINE", "django.contrib.sessions.backends.db")
if _sessions.endswith(".cache"):
    # Sessions kept only in the cache would be lost: leave their alias alone.
    _kept.add(getattr(_site, "SESSION_CACHE_ALIAS", "default"))

CACHES = {
    alias: config
    if alias in _kept
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    for alias, config in _site.CACHES.items()
}
