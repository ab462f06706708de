from datetime import timedelta

import feedparser
import pytest

from django.urls import reverse
from django.utils import timezone, translation

from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

LATEST = reverse("comments:feed")


def article_feed_url(article):
    return reverse("comments:article-feed", kwargs={"article_id": article.pk})


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return feedparser.parse(response.content)


def test_latest_comments_feed_lists_approved_comments_newest_first(client):
    article = ArticleFactory(title="Harbour works")
    now = timezone.now()
    CommentFactory(
        article=article,
        approved=True,
        author_name="Older",
        created_at=now - timedelta(hours=2),
    )
    newer = CommentFactory(
        article=article,
        approved=True,
        author_name="Newer",
        body="First line.\n\nSecond paragraph.",
        created_at=now - timedelta(hours=1),
    )

    feed = fetch(client, LATEST)

    assert feed.bozo == 0
    assert [e.author for e in feed.entries] == ["Newer", "Older"]
    entry = feed.entries[0]
    assert "Harbour works" in entry.title
    assert entry.link.endswith(newer.get_absolute_url())
    assert entry.link.endswith(f"#comment-{newer.pk}")
    assert "<p>First line.</p>" in entry.summary
    assert "<p>Second paragraph.</p>" in entry.summary


def test_pending_spam_and_trashed_comments_never_appear(client):
    article = ArticleFactory()
    CommentFactory(article=article, approved=True, body="Visible remark")
    CommentFactory(article=article, body="Pending remark")
    CommentFactory(article=article, spam=True, body="Spam remark")
    CommentFactory(article=article, trashed=True, body="Trashed remark")

    for url in [LATEST, article_feed_url(article)]:
        content = client.get(url).content.decode()
        assert "Visible remark" in content
        for hidden in ["Pending remark", "Spam remark", "Trashed remark"]:
            assert hidden not in content, (url, hidden)


def test_comments_on_unpublished_articles_never_appear(client):
    CommentFactory(article=ArticleFactory(draft=True), approved=True, body="On draft")
    CommentFactory(
        article=ArticleFactory(scheduled=True), approved=True, body="On scheduled"
    )

    content = client.get(LATEST).content.decode()

    assert "On draft" not in content
    assert "On scheduled" not in content


def test_feed_never_shows_commenters_email_or_ip(client):
    CommentFactory(
        approved=True, author_email="secret@example.org", ip_address="198.51.100.9"
    )

    content = client.get(LATEST).content.decode()

    assert "secret@example.org" not in content
    assert "198.51.100.9" not in content


def test_markup_in_a_comment_is_shown_as_text(client):
    CommentFactory(approved=True, body='<script>alert("x")</script><b>bold</b>')

    entry = fetch(client, LATEST).entries[0]

    assert "<script>" not in entry.summary
    assert "<b>" not in entry.summary
    assert "&lt;b&gt;bold&lt;/b&gt;" in entry.summary


def test_latest_feed_holds_the_20_newest_comments(client):
    article = ArticleFactory()
    CommentFactory.create_batch(25, article=article, approved=True)

    assert len(fetch(client, LATEST).entries) == 20


def test_feeds_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    article = ArticleFactory()
    for other in ArticleFactory.create_batch(5):
        CommentFactory.create_batch(4, article=other, approved=True)
    CommentFactory.create_batch(20, article=article, approved=True)

    with django_assert_num_queries(1):
        client.get(LATEST)
    with django_assert_num_queries(2):
        client.get(article_feed_url(article))


def test_article_feed_lists_only_that_articles_comments(client):
    article = ArticleFactory(title="Budget vote")
    CommentFactory(article=article, approved=True, body="About the budget")
    CommentFactory(approved=True, body="About something else")

    feed = fetch(client, article_feed_url(article))

    assert "Budget vote" in feed.feed.title
    assert feed.feed.link.endswith(article.get_absolute_url())
    assert [e.summary for e in feed.entries] == ["<p>About the budget</p>"]


def test_article_feed_of_an_unpublished_or_missing_article_is_not_found(client):
    draft = ArticleFactory(draft=True)
    CommentFactory(article=draft, approved=True)

    assert client.get(article_feed_url(draft)).status_code == 404
    assert (
        client.get(reverse("comments:article-feed", args=[999999])).status_code == 404
    )


def test_english_feed_lives_under_the_english_prefix(client):
    CommentFactory(approved=True)

    with translation.override("en"):
        url = reverse("comments:feed")
        feed = fetch(client, url)

    assert url == "/en/comments/feed/"
    assert feed.feed.title.endswith(": latest comments")
    assert len(feed.entries) == 1
