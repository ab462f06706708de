import re

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from django.conf import settings
from django.urls import reverse

from .factories import ArticleFactory


@pytest.mark.django_db
def test_italian_is_served_without_prefix_and_english_under_en(client):
    """/ is Italian, /en/ is English."""
    assertContains(client.get("/"), '<html lang="it">')
    assertContains(client.get("/en/"), '<html lang="en">')


@pytest.mark.django_db
def test_english_pages_use_english_urls(client):
    """Links on an English page keep the /en/ prefix."""
    url = ArticleFactory(title="Story").get_absolute_url()

    response = client.get("/en/")

    assertContains(response, f'href="/en{url}"')


@pytest.mark.django_db
def test_switcher_is_a_post_form_to_the_page_in_the_other_language(client):
    """The header's switcher posts to set_language with next = the other version."""
    article = ArticleFactory()
    url = article.get_absolute_url()

    italian = client.get(url).content.decode()
    english = client.get("/en" + url).content.decode()

    form = re.search(
        r'<form action="/i18n/setlang/" method="post">.*?</form>', italian, re.S
    )
    assert form, "no switcher form"
    assert 'name="csrfmiddlewaretoken"' in form.group()
    assert 'name="language" value="en"' in form.group()
    assert f'name="next" value="/en{url}"' in form.group()
    assert 'name="language" value="it"' in english
    assert f'name="next" value="{url}"' in english


@pytest.mark.django_db
def test_switching_to_english_sets_the_cookie_and_redirects(client):
    """Posting the switcher stores the choice and opens the English page."""
    article = ArticleFactory()
    url = article.get_absolute_url()

    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/en" + url}
    )

    assertRedirects(response, "/en" + url)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_switcher_keeps_the_query_string(client):
    """On the search page the switcher keeps the query."""
    content = client.get(reverse("articles:search"), {"q": "voto"}).content.decode()

    assert 'name="next" value="/en/search/?q=voto"' in content


@pytest.mark.django_db
def test_browser_preferring_english_is_sent_to_the_english_home_page(client):
    """No cookie and Accept-Language preferring English: / answers 302 to /en/."""
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9,it;q=0.5"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_other_italian_pages_answer_the_same_to_every_browser(client):
    """
    Only the home page, where readers arrive, follows the browser: an article's
    Italian address serves the Italian article whatever the browser prefers, and
    varies on nothing user-specific, so shared caches keep one copy. Its English
    version is one click away in the switcher.
    """
    article = ArticleFactory()
    url = article.get_absolute_url()

    response = client.get(url, headers={"accept-language": "en-GB,en;q=0.9"})

    assert response.status_code == 200
    assertContains(response, '<html lang="it">')
    assertContains(response, f'name="next" value="/en{url}"')
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_redirect_keeps_the_query_string(client):
    """/?page=2 goes to /en/?page=2."""
    response = client.get("/?page=2", headers={"accept-language": "en"})

    assert response["Location"] == "/en/?page=2"


@pytest.mark.django_db
def test_browser_preferring_italian_stays(client):
    """Italian or unknown languages get the unprefixed Italian page."""
    for header in ("it-IT,it;q=0.9,en;q=0.5", "de-DE,de", ""):
        response = client.get("/", headers={"accept-language": header})
        assert response.status_code == 200
        assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_italian_chosen_with_the_switcher_beats_the_browser(client):
    """A reader who chose Italian is not redirected, whatever the browser says."""
    client.post(reverse("set_language"), {"language": "it", "next": "/"})

    response = client.get("/", headers={"accept-language": "en"})

    assert response.status_code == 200
    assertContains(response, '<html lang="it">')


@pytest.mark.django_db
def test_english_chosen_with_the_switcher_follows_to_unprefixed_links(client):
    """With the English cookie, an Italian address opens its English version."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_pages_outside_the_translated_site_are_not_redirected(client):
    """robots.txt, the sitemap and unknown addresses stay where they are."""
    for url in ("/robots.txt", "/sitemap.xml", "/nowhere/"):
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code in (200, 404), url


@pytest.mark.django_db
def test_posts_are_never_redirected(client):
    """Only GET and HEAD follow the browser's language."""
    response = client.post("/search/", headers={"accept-language": "en"})

    assert response.status_code == 405


@pytest.mark.django_db
def test_pages_list_hreflang_alternates(client):
    """Each page names its Italian and English versions for search engines."""
    article = ArticleFactory()
    url = article.get_absolute_url()

    response = client.get(url)

    assertContains(response, f'hreflang="it" href="http://testserver{url}"')
    assertContains(response, f'hreflang="en" href="http://testserver/en{url}"')
    assertContains(response, f'hreflang="x-default" href="http://testserver{url}"')


@pytest.mark.django_db
def test_italian_page_localises_dates_and_interface(client):
    """On the Italian site dates and Django's own words are Italian."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ArticleFactory(
        published_at=datetime(2025, 7, 14, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
    )

    assertContains(client.get("/"), "14 luglio 2025")
    assertContains(client.get("/en/"), "July 14, 2025")
