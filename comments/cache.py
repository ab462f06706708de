"""
What the page cache (newsroom.pagecache) knows of comments.

An article's page depends on ``comments_of(article_id)``; the feed of all
comments on ``COMMENTS``. A change a reader can see (a comment published, taken
off the site, edited while published) calls ``comments_changed``.
"""

from newsroom import pagecache

COMMENTS = "comments"


def comments_of(article_id):
    """The name of one article's comments."""
    return f"{COMMENTS}:{article_id}"


def comments_changed(*article_ids):
    """These articles' pages and the comment feeds are stale after the commit."""
    pagecache.changed(COMMENTS, *(comments_of(pk) for pk in article_ids))
