"""
No hostile address, query string or form yields a server error: every public
URL pattern, filled with hostile values, answers 2xx, 3xx or 4xx.
"""

import re
from urllib.parse import urlencode

import pytest

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .factories import ArticleFactory, CommentFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Raw (already percent-encoded) pieces of an address or a query string.
HOSTILE = [
    "%00",
    "a%00b",
    "%01%02%1f",
    "%ff%fe",
    "%c0%ae%c0%ae",
    "%0d%0aSet-Cookie:%20x=1",
    "..%2f..%2fetc%2fpasswd",
    "-1",
    "0",
    "99999999999999999999999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%27%20OR%201=1%20--",
    "x" * 3000,
    "%E2%80%AE%F0%9F%98%80",
]
QUERY_NAMES = ["q", "page", "cpage", "comment", "replyto", "p", "utm_source"]
CONVERTER = re.compile(r"<(?:\w+:)?\w+>")


def public_routes(resolver=None, prefix=""):
    """Every route outside the admin, as a pattern string such as 'tag/<slug:slug>/'."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from public_routes(entry, prefix + route.lstrip("^").rstrip("$"))
        elif isinstance(entry, URLPattern):
            yield prefix + route.lstrip("^").rstrip("$")


def addresses(route, value):
    """The route with each parameter replaced by ``value``, with and without /en/."""
    path = "/" + CONVERTER.sub(value, route).replace("\\Z", "")
    return [path, "/en" + path]


@pytest.fixture
def site():
    article = ArticleFactory(title="Ponte", slug="ponte", tags=[TagFactory(slug="t")])
    CommentFactory(article=article, approved=True)
    UserFactory(username="autore")
    return article


def test_every_public_pattern_survives_hostile_values(site):
    client = Client(raise_request_exception=False)
    routes = sorted(set(public_routes()))
    assert len(routes) > 10
    failures = []
    for route in routes:
        for value in HOSTILE:
            for path in addresses(route, value):
                response = client.get(path)
                if response.status_code >= 500:
                    failures.append((path[:80], response.status_code))
    assert failures == []


def test_hostile_query_strings_never_break_a_page(site):
    client = Client(raise_request_exception=False)
    pages = ["/", "/en/", "/search/", site.get_absolute_url(), "/tag/t/", "/feed/"]
    pages += ["/author/autore/", "/sitemap.xml", "/comments/feed/"]
    failures = []
    for page in pages:
        for name in QUERY_NAMES:
            for value in HOSTILE:
                response = client.get(f"{page}?{name}={value}")
                if response.status_code >= 500:
                    failures.append((page, name, value[:20], response.status_code))
    assert failures == []


def test_a_control_character_is_a_clear_400(client):
    """NUL in a query or an address: 400 with a message, in the page's language."""
    response = client.get("/en/search/?q=a%00b")
    assert response.status_code == 400
    assert b"control character" in response.content
    response = client.get("/author/abc%00def/")
    assert response.status_code == 400
    assert "carattere di controllo" in response.content.decode()


def test_hostile_comment_forms_are_refused_with_a_message(site, comment_data):
    """Control characters, invalid UTF-8, huge values: a 4xx, never a 500."""
    client = Client(raise_request_exception=False)
    url = f"/comments/post/{site.pk}/"
    for field in ["author_name", "author_email", "author_url", "body", "parent"]:
        for value in ["a\x00b", "\x01\x02"]:
            response = client.post(url, comment_data(site, **{field: value}))
            assert response.status_code == 400, (field, value)
        for value in ["9" * 40, "-5", "x" * 100_000, "<script>", "😀" * 50]:
            response = client.post(url, comment_data(site, **{field: value}))
            assert response.status_code < 500, (field, value[:10])
        # Bytes that are not UTF-8 at all.
        data = urlencode(comment_data(site, **{field: "x"})).replace(
            f"{field}=x", f"{field}=%ff%fe%c0"
        )
        response = client.generic(
            "POST", url, data, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, field


def test_a_parent_that_is_not_a_comment_is_explained(site, comment_data, client):
    """The reply target is a hidden field: its error shows at the top of the form."""
    response = client.post(
        f"/en/comments/post/{site.pk}/", comment_data(site, parent="abc")
    )
    assert response.status_code == 400
    assert b"The comment you are replying to is not available." in response.content
    assert b"A fair point, well made." in response.content
