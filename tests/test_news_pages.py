"""What search engines and social networks read: structured data, the news
sitemap, corrections and updates, the year and day archives, related articles
and share links (issue 12)."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction

from .factories import ArticleFactory, CategoryFactory, TagFactory

pytestmark = pytest.mark.django_db

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(response):
    """Every JSON-LD block of a page, parsed, by @type."""
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return {data["@type"]: data for data in map(json.loads, blocks)}


@pytest.fixture
def article():
    section = CategoryFactory(name="Ambiente", slug="ambiente")
    tag = TagFactory(name="Siccità", slug="siccita")
    return ArticleFactory(
        title="Siccità al sud </script>",
        standfirst="I bacini sono al minimo.",
        categories=[section],
        tags=[tag],
    )


def test_an_article_carries_news_article_data_with_googles_properties(article):
    data = json_ld(Client().get(article.get_absolute_url()))

    news = data["NewsArticle"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == "Siccità al sud </script>"
    assert news["description"] == "I bacini sono al minimo."
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", news["datePublished"]
    )
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", news["dateModified"]
    )
    assert news["author"][0]["@type"] == "Person"
    assert news["author"][0]["url"].endswith(
        reverse("articles:author", args=[article.author.get_username()])
    )
    assert news["publisher"]["@type"] == "NewsMediaOrganization"
    assert news["publisher"]["name"]
    assert news["publisher"]["logo"]["url"].startswith("http")
    assert news["isAccessibleForFree"] is True
    assert news["inLanguage"] == "it"
    assert news["mainEntityOfPage"]["@id"].endswith(article.get_absolute_url())
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[1]["name"] == "Ambiente"
    assert crumbs[2]["item"].endswith(article.get_absolute_url())


def test_the_structured_data_cannot_close_its_script_element(article):
    page = Client().get(article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">.*?</script>', page, re.S)
    assert "Siccità al sud \\u003C/script\\u003E" in script.group()


def test_the_home_page_names_the_site_and_its_search(article):
    data = json_ld(Client().get("/"))
    website = data["WebSite"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert "{search_term_string}" in action["target"]["urlTemplate"]
    assert action["query-input"] == "required name=search_term_string"


def test_open_graph_and_twitter_cards_and_the_canonical_address(article):
    response = Client().get(article.get_absolute_url() + "?utm_source=x&fbclid=1")
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(
        response, '<meta property="og:title" content="Siccità al sud &lt;/script&gt;">'
    )
    assertContains(response, '<meta name="twitter:card" content="summary">')
    assertContains(
        response,
        f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">',
    )
    assertContains(response, 'rel="alternate" type="application/rss+xml"')
    assertContains(
        response, reverse("comments:article-feed", kwargs={"article_id": article.pk})
    )


def test_editors_may_keep_an_article_from_search_engines(article):
    article.noindex = True
    article.save()
    response = Client().get(article.get_absolute_url())
    assertContains(response, '<meta name="robots" content="noindex">')
    assertNotContains(Client().get("/sitemap.xml"), article.get_absolute_url())
    assertNotContains(Client().get("/news-sitemap.xml"), article.get_absolute_url())


def test_the_news_sitemap_lists_the_last_48_hours_only(article):
    old = ArticleFactory(published_at=timezone.now() - timedelta(hours=49))
    response = Client().get("/news-sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = root.findall(f"{SITEMAP}url")
    locs = [u.find(f"{SITEMAP}loc").text for u in urls]
    assert any(loc.endswith(article.get_absolute_url()) for loc in locs)
    assert not any(loc.endswith(old.get_absolute_url()) for loc in locs)
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication/{NEWS}name").text
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "it"
    assert news.find(f"{NEWS}title").text == "Siccità al sud </script>"
    assert re.match(r"\d{4}-\d\d-\d\dT", news.find(f"{NEWS}publication_date").text)
    robots = Client().get("/robots.txt").content.decode()
    assert "/news-sitemap.xml" in robots
    assert "/news-sitemap.xml" in Client().get("/sitemap-index.xml").content.decode()


def test_a_correction_is_shown_listed_and_in_the_data(article):
    Correction.objects.create(article=article, text="Il sindaco è Anna Bruni.")

    page = Client().get(article.get_absolute_url())
    assertContains(page, "Il sindaco è Anna Bruni.")
    assert json_ld(page)["NewsArticle"]["correction"][0]["text"] == (
        "Il sindaco è Anna Bruni."
    )
    listing = Client().get("/correzioni/")
    assertContains(listing, "Il sindaco è Anna Bruni.")
    assertContains(listing, article.get_absolute_url())
    assert Client().get("/en/corrections/").status_code == 200


def test_a_substantial_update_shows_and_moves_the_feed_but_not_its_guid(article):
    before = Client().get("/feed/atom/").content.decode()
    article.revised_at = timezone.now()
    article.save()

    page = Client().get(article.get_absolute_url())
    assertContains(page, "Aggiornato il")
    after = Client().get("/feed/atom/").content.decode()
    assert re.findall(r"<id>(.*?)</id>", before) == re.findall(r"<id>(.*?)</id>", after)
    assert re.findall(r"<updated>(.*?)</updated>", before) != re.findall(
        r"<updated>(.*?)</updated>", after
    )


def test_year_and_day_archives(article):
    day = timezone.localdate(article.published_at)
    year = Client().get(f"/{day.year}/")
    assertContains(year, article.title.split(" <")[0])
    on_day = Client().get(f"/{day:%Y}/{day:%m}/{day:%d}/")
    assertContains(on_day, article.title.split(" <")[0])
    assert Client().get(f"/{day.year - 5}/").status_code == 404
    assert Client().get(f"/{day.year - 5}/01/01/").status_code == 404


def test_related_articles_share_a_section_and_a_tag(article):
    section, tag = article.categories.get(), article.tags.get()
    related = ArticleFactory(title="Bacini vuoti", categories=[section], tags=[tag])
    ArticleFactory(title="Altro tema", categories=[section])

    page = Client().get(article.get_absolute_url()).content.decode()
    box = re.search(r'<section class="related".*?</section>', page, re.S).group()

    assert "Bacini vuoti" in box
    assert related.get_absolute_url() in box
    assert "Altro tema" not in box


def test_share_links_need_no_third_party_script(article):
    page = Client().get(article.get_absolute_url()).content.decode()
    share = re.search(r'<nav class="share".*?</nav>', page, re.S).group()
    for host in ("wa.me", "t.me", "facebook.com", "x.com", "linkedin.com"):
        assert host in share
    assert "mailto:" in share
    assert 'class="share__link share__copy" href="' in share
    assert re.findall(r'<script src="([^"]+)"', page) == ["/static/js/share.js"]


@pytest.mark.parametrize("many", [False, True])
def test_the_new_pages_make_a_fixed_number_of_queries(article, many, settings):
    """The same count with one article or many, with or without corrections."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    section, tag = article.categories.get(), article.tags.get()
    if many:
        for n in range(8):
            other = ArticleFactory(categories=[section], tags=[tag])
            Correction.objects.create(article=other, text=f"Correzione {n}")
        Correction.objects.create(article=article, text="Correzione dell'articolo")
    day = timezone.localdate(article.published_at)
    counts = {}
    for url in (
        article.get_absolute_url(),
        "/correzioni/",
        f"/{day.year}/",
        f"/{day:%Y}/{day:%m}/{day:%d}/",
        "/news-sitemap.xml",
    ):
        Client().get(url)  # the caches of navigation and rules filled once
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200, url
        counts[url] = len(queries)
    assert counts == EXPECTED_QUERIES[many](article, day)


def _expected(article_queries, corrections_queries):
    """An article with corrections reads them (one query more); an empty
    corrections page needs no list query after its count."""

    def counts(article, day):
        return {
            article.get_absolute_url(): article_queries,
            "/correzioni/": corrections_queries,
            f"/{day.year}/": 6,
            f"/{day:%Y}/{day:%m}/{day:%d}/": 5,
            "/news-sitemap.xml": 1,
        }

    return counts


EXPECTED_QUERIES = {False: _expected(8, 2), True: _expected(9, 3)}


def test_a_comment_permalink_opens_the_page_of_the_thread_that_holds_it(settings):
    """From a feed or a mail, a comment on page 2 opens page 2."""
    from .factories import CommentFactory

    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory()
    comments = [
        CommentFactory(article=article, status="approved", body=f"Commento {n}")
        for n in range(5)
    ]
    first, last = comments[0], comments[-1]
    assert first.get_absolute_url() != last.get_absolute_url()

    for comment in (first, last):
        page = Client().get(comment.get_absolute_url())
        assertContains(page, f'id="comment-{comment.pk}"')
    feed = Client().get(reverse("comments:feed")).content.decode()
    assert f"?comment={last.pk}#comment-{last.pk}" in feed


def test_an_editor_adds_a_correction_inline_without_rewriting_the_article(
    client, editor, admin_login, article_form_data
):
    """The Editor group may use the corrections inline of the article admin."""
    article = ArticleFactory(body="<p>Il sindaco Anna Bruno.</p>")
    assert admin_login(client, editor.username, "password")
    data = article_form_data(article)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "Il sindaco è Anna Bruni.",
            "corrections-0-date_0": timezone.localdate().isoformat(),
            "corrections-0-date_1": "00:00:00",
        }
    )

    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.corrections.get().text == "Il sindaco è Anna Bruni."
    assert "Anna Bruno" in article.body
    assertContains(Client().get(article.get_absolute_url()), "Anna Bruni")


def test_the_corrections_page_has_an_address_in_each_language(article):
    """/correzioni/ and /en/corrections/, newest first, 20 a page."""
    now = timezone.now()
    for n in range(21):
        Correction.objects.create(
            article=article, text=f"Correzione {n}.", date=now - timedelta(hours=n)
        )

    first = Client().get("/correzioni/").content.decode()
    assert first.index("Correzione 0.") < first.index("Correzione 1.")
    assert "Correzione 20." not in first
    assertContains(Client().get("/correzioni/?page=2"), "Correzione 20.")
    assertContains(Client().get("/en/corrections/"), "Correzione 0.")
    assert Client().get("/corrections/").status_code == 404


def test_the_featured_image_crops_are_1200_pixels_wide():
    """16:9, 4:3 and 1:1, whatever the original's size."""
    from PIL import Image

    from .factories import ImageFactory

    image = ImageFactory(file__width=800, file__height=600)
    for name, ratio in (("crop_16x9", 16 / 9), ("crop_4x3", 4 / 3), ("crop_1x1", 1)):
        crop = getattr(image, name)
        crop.generate()
        with Image.open(crop.file) as picture:
            assert picture.width == 1200
            assert abs(picture.width / picture.height - ratio) < 0.01


def test_the_news_sitemap_is_cached_until_articles_change(
    article, page_cache, django_capture_on_commit_callbacks
):
    from articles import cache

    assert Client().get("/news-sitemap.xml")["X-Page-Cache"] == "miss"
    assert Client().get("/news-sitemap.xml")["X-Page-Cache"] == "hit"
    ArticleFactory(title="Ultima ora")
    with django_capture_on_commit_callbacks(execute=True):
        cache.articles_changed()

    response = Client().get("/news-sitemap.xml")
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Ultima ora")


def test_pages_link_their_feeds(article):
    """The site's RSS and Atom feeds, and the article's comment feed."""
    page = Client().get(article.get_absolute_url())

    assertContains(page, 'type="application/atom+xml"')
    assertContains(page, 'href="/feed/atom/"')
    assertContains(page, f'href="/comments/feed/{article.pk}/"')
