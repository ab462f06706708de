"""
The site's own settings with Django's cache switched off, for the "cold" pass.

Every cache alias becomes a DummyCache, which stores nothing: each request does
the whole work (queries and templates), as the first request after a cache flush
would. Nothing else differs from ``newsroom.settings``.
"""

from newsroom import settings as _site

globals().update({name: getattr(_site, name) for name in dir(_site) if name.isupper()})

# Sessions are in the database (cached_db with Redis), so they survive this.
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    for alias in _site.CACHES
}
