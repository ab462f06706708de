"""
What the page cache (newsroom.pagecache) knows of articles.

Every reader's page shows articles, sections, tags, images or authors, if only
in its navigation and sidebar, so every one depends on ``ARTICLES``; a write to
any of them calls ``articles_changed()``. ``published()`` also changes with the
clock: a page expires by itself when the next scheduled article goes live.
"""

from newsroom import pagecache
from newsroom.pages import PAGES

from .models import Article

ARTICLES = "articles"


def articles_changed():
    """Every reader's page is stale once the current transaction commits."""
    pagecache.changed(ARTICLES)


def next_publication():
    """When the next scheduled article goes live, or None; asked once per change."""
    return pagecache.remember(ARTICLES, "next-publication", _next_scheduled)


def _next_scheduled():
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def reader_page(view, *, depends_on=(), params=()):
    """
    A reader's page: cached until articles (or ``depends_on``) change; the view
    reads the query parameters ``params`` and no others.
    """
    return pagecache.cached_page(
        # The footer lists the static pages (newsroom.pages).
        view,
        depends_on=[ARTICLES, PAGES, *depends_on],
        expires=next_publication,
        params=params,
    )
