"""
What the caches know of comments.

The page cache (newsroom.pagecache): an article's page depends on
``comments_of(article_id)``; the feed of all comments on ``COMMENTS``. A change a
reader can see (a comment published, taken off the site, edited while
published, featured) calls ``comments_changed``.

The default cache keeps the number of pending comments for the admin's badge
(``pending_count``); intake and every change of status to or from pending call
``pending_changed``.
"""

from django.core.cache import caches
from django.db import transaction

from newsroom import pagecache

from .models import Comment

COMMENTS = "comments"

PENDING_COUNT = "comments:pending-count"
# A change that forgot to say so is seen after this long at the latest.
PENDING_COUNT_SECONDS = 300


def comments_of(article_id):
    """The name of one article's comments."""
    return f"{COMMENTS}:{article_id}"


def comments_changed(*article_ids):
    """These articles' pages and the comment feeds are stale after the commit."""
    pagecache.changed(COMMENTS, *(comments_of(pk) for pk in article_ids))


def pending_count():
    """The number of pending comments: one query on a cache miss, none on a hit."""
    cache = caches["default"]
    count = cache.get(PENDING_COUNT)
    if count is None:
        count = Comment.objects.pending().count()
        cache.set(PENDING_COUNT, count, PENDING_COUNT_SECONDS)
    return count


def pending_changed():
    """The pending count is stale: now, and again once the transaction commits."""
    # Again after the commit: a count taken meanwhile from the old rows would
    # otherwise stay in the cache.
    _forget_pending_count()
    transaction.on_commit(_forget_pending_count, robust=True)


def _forget_pending_count():
    caches["default"].delete(PENDING_COUNT)
