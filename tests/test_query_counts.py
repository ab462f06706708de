"""
Every page makes a fixed number of queries, whatever the amount of data on it.

Each page is fetched with a small and a large data set (1 against 25 articles,
each with several categories, tags, an image and a signed author profile) and
must stay within its budget (issue 5) with the very same number of queries.
"""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    ImageFactory,
    TagFactory,
    UserFactory,
)

BUDGETS = {
    "home": 6,
    "article": 8,
    "category": 6,
    "tag": 6,
    "author": 6,
    "archive": 6,
    "search": 5,
    "feed": 6,
    "category-feed": 6,
    "tag-feed": 6,
}


def build(size):
    """A site with ``size`` articles sharing categories (with subsections) and tags."""
    world = CategoryFactory(name="Esteri", slug="esteri")
    sections = (
        [world]
        + [CategoryFactory(name=f"Sub {i}", parent=world) for i in range(3)]
        + CategoryFactory.create_batch(3)
    )
    tags = [TagFactory(name="clima", slug="clima")] + TagFactory.create_batch(4)
    author = UserFactory(username="giulia")
    AuthorProfileFactory(user=author, display_name="Giulia Rossi")
    image = ImageFactory(file__width=600, file__height=300)
    articles = [
        ArticleFactory(
            author=author,
            body="<p>La siccità colpisce il nord.</p>",
            featured_image=image,
            categories=sections[:4],
            tags=tags,
        )
        for _ in range(size)
    ]
    return articles[0]


def urls(article):
    when = timezone.localtime(article.published_at)
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": "/category/esteri/",
        "tag": "/tag/clima/",
        "author": "/author/giulia/",
        "archive": reverse(
            "articles:archive-month", kwargs={"year": when.year, "month": when.month}
        ),
        "search": "/search/?q=siccit%C3%A0",
        "feed": "/feed/",
        "category-feed": "/category/esteri/feed/",
        "tag-feed": "/tag/clima/feed/",
    }, when


def count_queries(client, url):
    # A first visit may create one-off rows (e.g. the moderation settings);
    # the budget is for every visit after it.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_queries_are_fixed_and_within_budget(client, page):
    """Same query count with 1 or 25 articles, and within the page's budget."""
    article = build(1)
    url = urls(article)[0][page]
    small = count_queries(client, url)

    for _ in range(24):
        ArticleFactory(
            author=article.author,
            body=article.body,
            featured_image=article.featured_image,
            categories=list(article.categories.all()),
            tags=list(article.tags.all()),
            published_at=article.published_at,
        )
    large = count_queries(client, url)

    assert small == large, f"{page}: {small} queries with 1 article, {large} with 25"
    assert large <= BUDGETS[page], f"{page}: {large} > {BUDGETS[page]}"


@pytest.mark.django_db
def test_empty_search_makes_almost_no_queries(client, django_assert_max_num_queries):
    """The bare search form only needs the section navigation."""
    build(3)
    # The footer's list of static pages is read once, then kept in the cache.
    client.get("/search/")

    with django_assert_max_num_queries(1):
        client.get("/search/")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 50, 500])
def test_article_page_with_threaded_comments_stays_within_budget(
    client, count, settings, django_assert_max_num_queries
):
    """0, 50 or 500 threaded comments, all on one page: at most 8 queries."""
    from .factories import CommentFactory

    settings.COMMENTS_PER_PAGE = 1000
    article = build(1)
    parents = []
    for i in range(count):
        parent = parents[i // 3] if i >= 3 and i % 2 else None
        parents.append(CommentFactory(article=article, approved=True, parent=parent))
    client.get(article.get_absolute_url())

    with django_assert_max_num_queries(BUDGETS["article"]):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
def test_article_page_makes_the_same_queries_with_readers_reports(client):
    """Reported comments (and their Report links) cost the article page nothing."""
    from comments import moderation

    from .factories import CommentFactory

    article = build(1)
    comments = CommentFactory.create_batch(5, article=article, approved=True)
    url = urls(article)[0]["article"]
    plain = count_queries(client, url)

    for n, comment in enumerate(comments):
        moderation.report(comment, reason="spam", reporter=f"reader-{n}")
    reported = count_queries(client, url)

    assert plain == reported
    assert reported <= BUDGETS["article"]
