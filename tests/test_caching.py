"""
HTTP caching and the server-side page cache (newsroom/pagecache.py).

Readers' pages are revalidated by browsers every time and kept a few seconds
by shared caches, validated with ETag and Last-Modified; a hit from the page
cache renders nothing and queries nothing; the CSRF token, the comment form's
"shown at" time, the remembered name and the reader's own pending comment stay
theirs alone.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.cookies import AUTHOR_COOKIE, AUTHOR_COOKIE_SALT
from comments.forms import ISSUED_SALT
from newsroom.pagecache import CSRF_PLACEHOLDER, MAX_AGE, S_MAXAGE

from .factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PAGES = [
    "home",
    "article",
    "category",
    "tag",
    "author",
    "archive",
    "feed",
    "category-feed",
    "tag-feed",
    "sitemap",
    "comments-feed",
    "article-comments-feed",
    "english-article",
]


@pytest.fixture
def article():
    author = UserFactory(username="giulia")
    article = ArticleFactory(
        title="Siccità al nord",
        author=author,
        categories=[CategoryFactory(slug="cronaca")],
        tags=[TagFactory(slug="clima")],
    )
    CommentFactory(article=article, approved=True, body="First!")
    return article


def page_url(page, article):
    when = timezone.localtime(article.published_at)
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": "/category/cronaca/",
        "tag": "/tag/clima/",
        "author": "/author/giulia/",
        "archive": reverse(
            "articles:archive-month", kwargs={"year": when.year, "month": when.month}
        ),
        "feed": "/feed/",
        "category-feed": "/category/cronaca/feed/",
        "tag-feed": "/tag/clima/feed/",
        "sitemap": "/sitemap.xml",
        "comments-feed": "/comments/feed/",
        "article-comments-feed": f"/comments/feed/{article.pk}/",
        "english-article": "/en" + article.get_absolute_url(),
    }[page]


def cache_control(response):
    return {
        part.strip().split("=")[0]: part.strip().partition("=")[2]
        for part in response["Cache-Control"].split(",")
    }


def page_hash(etag):
    """The part of an ETag that names the page's content, not the reader."""
    return etag.strip('W/"').split("-")[0]


def csrf_field(response):
    return hidden_field(response, "csrfmiddlewaretoken")


def csrf_field_or_empty(response):
    match = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]*)"', response.content.decode()
    )
    return match.group(1) if match else ""


def hidden_field(response, name):
    match = re.search(rf'name="{name}" value="([^"]+)"', response.content.decode())
    return match.group(1)


@pytest.mark.parametrize("page", PAGES)
def test_readers_pages_are_public_for_a_short_time(client, article, page):
    """
    public; browsers revalidate every time (max-age=0, must-revalidate), so a
    change shows at once; shared caches keep it s-maxage seconds; a validator and
    a modification date make the revalidation a 304.
    """
    response = client.get(page_url(page, article))

    assert response.status_code == 200
    control = cache_control(response)
    assert "public" in control
    assert MAX_AGE == 0
    assert control["max-age"] == "0"
    assert "must-revalidate" in control
    assert 0 < S_MAXAGE <= 30
    assert control["s-maxage"] == str(S_MAXAGE)
    assert response["ETag"].startswith('W/"')
    assert response.has_header("Last-Modified")


@pytest.mark.parametrize("page", PAGES)
def test_a_cache_hit_renders_nothing_and_queries_nothing(
    client, article, page, django_assert_num_queries
):
    """The second request is served from the cache: no query, no template."""
    url = page_url(page, article)
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = Client().get(url)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.templates == []
    # The same page; pages with a form name each reader's own token as well.
    assert page_hash(second["ETag"]) == page_hash(first["ETag"])
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("page", PAGES)
def test_a_cache_hit_is_one_round_trip_to_the_cache(client, article, page, monkeypatch):
    """The page and the generations it was stored with come in one read."""
    url = page_url(page, article)
    client.get(url)
    backend = caches["default"]
    reads = []
    depth = [0]

    def spy(name, original):
        def read(*args, **kwargs):
            if not depth[0]:
                reads.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(backend, name, spy(name, getattr(backend, name)))

    response = Client().get(url)

    assert response["X-Page-Cache"] == "hit"
    assert reads == ["get_many"]


@pytest.mark.parametrize("page", ["home", "article", "feed", "sitemap"])
def test_conditional_requests_get_304(client, article, page):
    """If-None-Match and If-Modified-Since from a cached copy: 304, no body."""
    url = page_url(page, article)
    first = client.get(url)

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = Client().get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304


def test_a_conditional_request_on_a_miss_also_gets_304(client, article, settings):
    """Without the server-side cache, a matching ETag still saves the body."""
    settings.PAGE_CACHE_SECONDS = 0
    url = "/feed/"
    etag = client.get(url)["ETag"]

    response = Client().get(url, headers={"if-none-match": etag})

    assert response.status_code == 304


def test_a_changed_page_does_not_match_the_old_etag(
    client, article, django_capture_on_commit_callbacks
):
    """After a change the ETag differs, so a revalidating cache gets the new page."""
    from articles import cache

    url = article.get_absolute_url()
    old = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Siccità al sud"
        article.save()
        cache.articles_changed()

    response = client.get(url, headers={"if-none-match": old})

    assert response.status_code == 200
    assertContains(response, "Siccità al sud")


def test_only_the_home_page_varies_by_browser_language(client, article):
    """Other Italian pages vary on nothing a shared cache must key on."""
    home = Client().get("/")
    page = Client().get(article.get_absolute_url())
    feed = Client().get("/feed/")

    assert "Accept-Language" in home["Vary"]
    assert "Cookie" in home["Vary"]
    assert "Accept-Language" not in page.get("Vary", "")
    assert "Cookie" not in page.get("Vary", "")
    assert not feed.has_header("Vary") or "Accept-Language" not in feed["Vary"]


def test_home_page_is_cached_per_browser_language(client, article):
    """An English browser is redirected even after an Italian one cached /."""
    Client().get("/", headers={"accept-language": "it"})

    response = Client().get("/", headers={"accept-language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_staff_get_private_pages_never_stored(client, article, editor):
    """A logged-in reader's page is private and no-store, and not kept for others."""
    client.force_login(editor)
    url = article.get_absolute_url()

    response = client.get(url)

    control = cache_control(response)
    assert "private" in control
    assert "no-store" in control
    assert "X-Page-Cache" not in response
    assert Client().get(url)["X-Page-Cache"] == "miss"


def test_a_flash_message_makes_the_page_private(client, article):
    """A reader with a message waiting gets it, on a page kept from the cache."""
    url = article.get_absolute_url()
    Client().get(url)  # cached for everyone else
    client.cookies["messages"] = "pending-message-cookie"

    response = client.get(url)

    assert "private" in cache_control(response)
    assert "X-Page-Cache" not in response


OWN_ORIGIN = {"origin": "http://testserver"}


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_cookie(article):
    """Any shared cache (a CDN, nginx) may keep them as they are."""
    urls = [
        article.get_absolute_url(),
        "/en" + article.get_absolute_url(),
        "/en/",
        "/category/cronaca/",
        reverse("articles:search") + "?q=sud",
        "/feed/",
        reverse("comments:feed"),
    ]
    for url in urls:
        for expected in ("miss", "hit"):
            response = Client().get(url)
            assert response.status_code == 200, url
            assert response["X-Page-Cache"] == expected, url
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url
            assert "public" in cache_control(response), url
            assert CSRF_PLACEHOLDER not in response.content.decode(), url


def test_a_comment_from_a_cached_page_is_accepted_by_its_origin(article, comment_data):
    """No CSRF cookie for anonymous readers: the browser's Origin vouches."""
    url = article.get_absolute_url()
    Client().get(url)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(url)
    assert page["X-Page-Cache"] == "hit"
    assert not reader.cookies

    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        comment_data(article, csrfmiddlewaretoken=csrf_field_or_empty(page)),
        headers=OWN_ORIGIN,
    )

    assert response.status_code == 302
    assert article.comments.filter(author_name="Anna Bianchi").exists()


def test_an_old_browser_without_origin_is_accepted_by_its_referer(
    article, comment_data
):
    reader = Client(enforce_csrf_checks=True)
    response = reader.post(
        reverse("comments:post", args=[article.pk]),
        comment_data(article),
        headers={"referer": "http://testserver" + article.get_absolute_url()},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"referer": "https://evil.example/page"},
        {"referer": "not a url"},
        {},
    ],
)
def test_a_comment_forged_from_elsewhere_is_refused_and_its_text_given_back(
    article, comment_data, headers
):
    reader = Client(enforce_csrf_checks=True)
    data = comment_data(article, body="Testo scritto con cura, da non perdere.")
    response = reader.post(
        reverse("comments:post", args=[article.pk]), data, headers=headers
    )

    assert response.status_code == 403
    assertContains(response, "Modulo non accettato", status_code=403)
    assertContains(response, "Testo scritto con cura, da non perdere.", status_code=403)
    assert not article.comments.filter(body__startswith="Testo scritto").exists()


def test_signed_in_readers_keep_djangos_csrf_check(article, comment_data, journalist):
    """A session could be ridden: the token and its cookie are required."""
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(journalist)
    page = reader.get(article.get_absolute_url())
    token = csrf_field(page)
    assert settings.CSRF_COOKIE_NAME in reader.cookies
    post_url = reverse("comments:post", args=[article.pk])

    refused = reader.post(post_url, comment_data(article), headers=OWN_ORIGIN)
    accepted = reader.post(
        post_url, comment_data(article, csrfmiddlewaretoken=token), headers=OWN_ORIGIN
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302


def test_the_language_switcher_posts_from_a_cached_page(article):
    """The switcher's form needs no token from an anonymous reader, only our origin."""
    url = article.get_absolute_url()
    Client().get(url)
    reader = Client(enforce_csrf_checks=True)
    reader.get(url)

    forged = reader.post(
        reverse("set_language"),
        {"language": "en", "next": "/en" + url},
        headers={"origin": "https://evil.example"},
    )
    response = reader.post(
        reverse("set_language"),
        {"language": "en", "next": "/en" + url},
        headers=OWN_ORIGIN,
    )

    assert forged.status_code == 403
    assert response.status_code == 302
    assert response["Location"] == "/en" + url


def remembered(name, email="ada@example.org", url=""):
    """The "remember me" cookie's value, signed as the comment view signs it."""
    response = HttpResponse()
    value = json.dumps({"name": name, "email": email, "url": url})
    response.set_signed_cookie(AUTHOR_COOKIE, value, salt=AUTHOR_COOKIE_SALT)
    return response.cookies[AUTHOR_COOKIE].value


def test_remembered_name_shows_only_to_its_reader(client, article):
    """
    A reader who asked to be remembered finds their name in the form, on a page
    served privately; the cached page that others get never has it.
    """
    url = article.get_absolute_url()
    Client().get(url)  # cached
    client.cookies[AUTHOR_COOKIE] = remembered('Ada "<b>" Lovelace')

    mine = client.get(url)
    theirs = Client().get(url)

    assertContains(mine, 'value="Ada &quot;&lt;b&gt;&quot; Lovelace"')
    assert "private" in cache_control(mine)
    assert "X-Page-Cache" not in mine
    assertNotContains(theirs, "Lovelace")
    assert theirs["X-Page-Cache"] == "hit"


def test_remembered_name_does_not_keep_lists_from_the_cache(client, article):
    """The cookie matters on article pages only: lists stay cached for that reader."""
    Client().get("/")
    client.cookies[AUTHOR_COOKIE] = remembered("Ada")

    response = client.get("/")

    assert response["X-Page-Cache"] == "hit"


def test_own_pending_comment_bypasses_the_cache(client, article, post_comment):
    """After posting, the author sees their pending comment; others do not."""
    url = article.get_absolute_url()
    Client().get(url)  # cached before the comment

    response = post_comment(article, body="My pending words")
    page = client.get(response["Location"])
    later = client.get(url)
    stranger = Client().get(url)

    assertContains(page, "My pending words")
    assertContains(later, "My pending words")
    assert "private" in cache_control(later)
    assert "no-store" in cache_control(later)
    assertNotContains(stranger, "My pending words")
    assert stranger["X-Page-Cache"] == "hit"


def test_error_pages_are_not_cached(client, article):
    """A 404 under a reader's page address is not kept."""
    client.get("/category/nowhere/")

    response = Client().get("/category/nowhere/")

    assert response.status_code == 404
    assert response.get("X-Page-Cache") != "hit"


def test_posts_are_not_cached(client, article, comment_data):
    """A POST never comes from, nor goes into, the page cache."""
    url = reverse("comments:post", args=[article.pk])
    response = client.post(url, comment_data(article))

    assert response.status_code == 302
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_query_string_pages_are_cached_apart(client, article):
    """?cpage= and ?replyto= are different pages."""
    url = article.get_absolute_url()
    Client().get(url)
    reply_to = article.comments.get()

    response = Client().get(f"{url}?replyto={reply_to.pk}")

    assert response["X-Page-Cache"] == "miss"
    assertContains(response, 'class="comment-respond__cancel"')


def test_a_signed_in_reader_whose_cookie_changed_gets_a_matching_token(
    article, journalist
):
    """Rotated at login or cleared: the page carries a token for the new cookie."""
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(journalist)
    url = article.get_absolute_url()
    first = reader.get(url)
    old = reader.cookies[settings.CSRF_COOKIE_NAME].value
    del reader.cookies[settings.CSRF_COOKIE_NAME]

    again = reader.get(url)

    new = reader.cookies[settings.CSRF_COOKIE_NAME].value
    assert new != old
    assert csrf_field(again) != csrf_field(first)


def issued_at(response, article):
    """When the page's comment form says it was shown (its signed timestamp)."""
    token = signing.loads(hidden_field(response, "issued"), salt=ISSUED_SALT)
    assert token["a"] == article.pk
    return token["t"]


def test_each_reader_of_a_cached_page_gets_a_form_shown_now(article):
    """
    The comment form's signed "shown at" time is not frozen in the cached page:
    readers served the same cached copy later get their own, valid time.
    """
    url = article.get_absolute_url()
    start = datetime.now(UTC) + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        first = Client().get(url)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        second = Client().get(url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert hidden_field(first, "issued") != hidden_field(second, "issued")
    assert issued_at(first, article) == pytest.approx(start.timestamp(), abs=1)
    assert issued_at(second, article) == pytest.approx(
        (start + timedelta(minutes=5)).timestamp(), abs=1
    )
    assert "per-request-placeholder" not in second.content.decode()


def test_posting_too_fast_from_a_cached_page_is_refused(article, comment_data):
    """
    A page cached five minutes ago does not let a bot post at once: the form's
    time is the moment this reader got the page.
    """
    url = article.get_absolute_url()
    post_url = reverse("comments:post", args=[article.pk])
    start = datetime.now(UTC) + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        Client().get(url)  # cached
    reader = Client()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        page = reader.get(url)
    data = comment_data(
        article, author_name="Quick Reader", issued=hidden_field(page, "issued")
    )

    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        too_fast = reader.post(post_url, data)
    refused = not article.comments.filter(author_name="Quick Reader").exists()
    with time_machine.travel(start + timedelta(minutes=5, seconds=30), tick=False):
        later = reader.post(post_url, data)

    assert page["X-Page-Cache"] == "hit"
    assert too_fast.status_code == 400
    assertContains(too_fast, "A fair point, well made.", status_code=400)  # kept
    assert hidden_field(too_fast, "issued") != data["issued"]  # its clock restarts
    assert refused
    assert later.status_code == 302
    assert article.comments.filter(author_name="Quick Reader").exists()


@pytest.mark.django_db
def test_search_results_are_cached_per_query_and_refreshed_on_publish(
    client, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A repeated search is a hit; publishing a matching article shows at once."""
    from articles import workflow

    ArticleFactory(title="Ponte sul fiume riaperto")
    url = reverse("articles:search") + "?q=fiume"
    client.get(url)

    with django_assert_num_queries(0):
        hit = Client().get(url)
    assert hit["X-Page-Cache"] == "hit"

    draft = ArticleFactory(title="Argine del fiume rinforzato", draft=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(draft, by=UserFactory(is_superuser=True))

    assertContains(Client().get(url), "Argine del fiume rinforzato")


def test_tracking_parameters_neither_make_entries_nor_force_renders(
    client, article, django_assert_num_queries
):
    """utm_*, fbclid and unknown parameters share the plain page's cache entry."""
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        for n in range(20):
            response = client.get(f"{url}?utm_source=x{n}&fbclid={n}&x={n}")
            assert response["X-Page-Cache"] == "hit"
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', response.text)
    assert canonical.group(1) == f"http://testserver{url}"
    assert "utm_source" not in response.text


def test_parameters_a_page_reads_still_count(client, article):
    """The search words and the page number make pages of their own."""
    first = client.get("/search/?q=siccit%C3%A0&utm_medium=feed")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=siccit%C3%A0")["X-Page-Cache"] == "hit"
    assert client.get("/search/?q=altro")["X-Page-Cache"] == "miss"
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', first.text)
    assert canonical.group(1) == "http://testserver/search/?q=siccit%C3%A0"
