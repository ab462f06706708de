import xml.etree.ElementTree as ET

import pytest
from pytest_django.asserts import assertContains

from .factories import ArticleFactory, CategoryFactory, TagFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


@pytest.mark.django_db
def test_sitemap_lists_only_published_articles_in_both_languages(client):
    """Published articles appear in Italian and English; the others do not."""
    published = ArticleFactory(title="Published")
    draft = ArticleFactory(title="Draft", draft=True)
    scheduled = ArticleFactory(title="Scheduled", scheduled=True)

    locations = sitemap_locations(client)

    url = published.get_absolute_url()
    assert f"http://testserver{url}" in locations
    assert f"http://testserver/en{url}" in locations
    assert not any(draft.slug in loc for loc in locations)
    assert not any(scheduled.slug in loc for loc in locations)


@pytest.mark.django_db
def test_sitemap_lists_categories_and_tags_of_published_articles(client):
    """Sections are listed; a tag only when a published article carries it."""
    CategoryFactory(name="Economia")
    used = TagFactory(name="borsa")
    unused = TagFactory(name="segreto")
    ArticleFactory(tags=[used])
    ArticleFactory(tags=[unused], draft=True)

    locations = sitemap_locations(client)

    assert "http://testserver/category/economia/" in locations
    assert "http://testserver/tag/borsa/" in locations
    assert "http://testserver/tag/segreto/" not in locations


@pytest.mark.django_db
def test_sitemap_has_hreflang_alternates(client):
    """Each URL names its other-language versions."""
    ArticleFactory()

    assertContains(client.get("/sitemap.xml"), 'hreflang="en"')


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    """robots.txt is plain text and names the absolute sitemap URL."""
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.django_db
def test_sitemap_query_count_does_not_grow(client, django_assert_max_num_queries):
    """The sitemap makes a fixed number of queries."""
    tags = TagFactory.create_batch(3)
    ArticleFactory.create_batch(
        30, tags=tags, categories=CategoryFactory.create_batch(2)
    )

    with django_assert_max_num_queries(3):
        client.get("/sitemap.xml")
