from datetime import timedelta

import feedparser
import pytest

from django.urls import reverse
from django.utils import timezone

from .factories import ArticleFactory, CategoryFactory, TagFactory


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    return feed


@pytest.mark.django_db
def test_latest_feed_is_valid_rss_with_only_published_articles(client):
    """/feed/ is RSS 2.0 with the published articles, newest first."""
    now = timezone.now()
    category = CategoryFactory(name="Politica")
    ArticleFactory(
        title="Older",
        standfirst="Il sommario.",
        byline="Redazione",
        published_at=now - timedelta(days=1),
        categories=[category],
    )
    ArticleFactory(title="Newer", published_at=now - timedelta(hours=1))
    ArticleFactory(title="Draft", draft=True)
    ArticleFactory(title="Embargoed", scheduled=True)

    feed = parse(client, reverse("articles:feed"))

    assert [e.title for e in feed.entries] == ["Newer", "Older"]
    older = feed.entries[1]
    assert older.summary == "Il sommario."
    assert older.author == "Redazione"
    assert older.link.startswith("http://testserver/")
    assert older.published_parsed is not None
    assert [t.term for t in older.tags] == ["Politica"]
    assert feed.feed.title == "Newsroom: ultimi articoli"
    assert feed.feed.language == "it"


@pytest.mark.django_db
def test_feed_holds_the_twenty_latest(client):
    """The feed is capped at twenty items."""
    ArticleFactory.create_batch(23)

    assert len(parse(client, reverse("articles:feed")).entries) == 20


@pytest.mark.django_db
def test_english_feed_has_english_language(client):
    """/en/feed/ announces English and links to English pages."""
    ArticleFactory(title="Story")

    feed = parse(client, "/en/feed/")

    assert feed.feed.language == "en"
    assert feed.entries[0].link.startswith("http://testserver/en/")


@pytest.mark.django_db
def test_category_feed_includes_subcategories(client):
    """A section's feed has its own and its subsections' published articles."""
    world = CategoryFactory(name="Esteri")
    europe = CategoryFactory(name="Europa", parent=world)
    ArticleFactory(title="World", categories=[world])
    ArticleFactory(title="Europe", categories=[europe])
    ArticleFactory(title="Elsewhere")
    ArticleFactory(title="Hidden", categories=[world], draft=True)

    feed = parse(client, reverse("articles:category-feed", kwargs={"slug": "esteri"}))

    assert sorted(e.title for e in feed.entries) == ["Europe", "World"]
    assert "Esteri" in feed.feed.title


@pytest.mark.django_db
def test_tag_feed_lists_published_articles_with_the_tag(client):
    """A tag's feed has only its published articles."""
    tag = TagFactory(name="clima")
    ArticleFactory(title="Tagged", tags=[tag])
    ArticleFactory(title="Untagged")
    ArticleFactory(title="Tagged draft", tags=[tag], draft=True)

    feed = parse(client, reverse("articles:tag-feed", kwargs={"slug": "clima"}))

    assert [e.title for e in feed.entries] == ["Tagged"]
    assert "clima" in feed.feed.title


@pytest.mark.django_db
def test_feed_of_unknown_category_or_tag_is_404(client):
    assert client.get("/category/nowhere/feed/").status_code == 404
    assert client.get("/tag/nowhere/feed/").status_code == 404


@pytest.mark.django_db
def test_feed_escapes_markup_in_titles(client):
    """A title with markup stays text in the feed."""
    ArticleFactory(title="<script>alert(1)</script>Titolo")

    feed = parse(client, reverse("articles:feed"))

    assert feed.entries[0].title == "<script>alert(1)</script>Titolo"
    assert b"<script>" not in client.get(reverse("articles:feed")).content
