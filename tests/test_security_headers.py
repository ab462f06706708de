"""Content-Security-Policy, Permissions-Policy and the CSP report endpoint."""

import json
import logging
import re
from pathlib import Path

import pytest
from pytest_django.asserts import assertContains

from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import ArticleFactory

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part)
    }


@pytest.fixture
def article(db):
    return ArticleFactory(title="Policy test")


@pytest.mark.django_db
def test_reader_pages_get_a_strict_policy_without_a_nonce(client, article):
    response = client.get(article.get_absolute_url())

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["report-uri"] == [reverse("csp-report")]
    assert policy["report-to"] == ["csp"]
    assert response.headers["Reporting-Endpoints"] == f'csp="{reverse("csp-report")}"'
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "nonce" not in response.content.decode()


def test_report_path_setting_is_the_report_view():
    assert django_settings.CSP_REPORT_PATH == reverse("csp-report")


@pytest.mark.parametrize(
    "template", sorted(p for p in TEMPLATES.rglob("*.html") if "admin" not in p.parts)
)
def test_reader_templates_have_no_inline_script_or_style(template):
    """Scripts and styles come from static files: nothing inline needs a nonce."""
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
    assert "<style" not in text, template
    assert not re.search(r"\sstyle=", text), template
    assert not re.search(r"\son[a-z]+=", text), template


@pytest.mark.django_db
def test_the_comment_form_has_no_inline_style(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(response, 'name="homepage"')
    assert not re.search(rb"\sstyle=", response.content)


@pytest.mark.django_db
def test_admin_pages_carry_the_nonce_of_their_policy(admin_client):
    response = admin_client.get(reverse("admin:index"))

    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    assertContains(response, f'nonce="{nonce[1]}"')
    again = admin_client.get(reverse("admin:index"))
    assert nonce[1] not in again.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_article_editor_gets_the_nonce_for_its_import_map(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))

    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assertContains(response, f'<script type="importmap" nonce="{nonce[1]}">')
    assertContains(response, "articles/admin/editor_nonce.js")


@pytest.mark.django_db
def test_cached_pages_get_a_policy_of_their_own(client, article, page_cache):
    """A page from the cache is sent with the policy, never a stored copy of it."""
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())

    assert second.headers["X-Page-Cache"] == "hit"
    assert (
        second.headers["Content-Security-Policy"]
        == first.headers["Content-Security-Policy"]
    )
    assert "nonce" not in second.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_page_that_used_its_nonce_is_never_stored(
    client, article, page_cache, monkeypatch
):
    """Were a reader's page to use a nonce, a stored copy would carry a stale one."""
    from django.middleware.csp import get_nonce

    from articles.views import ArticleDateDetailView

    original = ArticleDateDetailView.get_context_data

    def with_nonce(view, **kwargs):
        return original(view, **kwargs) | {"nonce": str(get_nonce(view.request))}

    monkeypatch.setattr(ArticleDateDetailView, "get_context_data", with_nonce)
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        assert response.headers.get("X-Page-Cache") != "hit"
        assert "'nonce-" in response.headers["Content-Security-Policy"]
        assert "public" not in response.headers.get("Cache-Control", "")


@pytest.mark.django_db
def test_permissions_policy_denies_what_the_site_never_uses(client, article):
    response = client.get(article.get_absolute_url())

    policy = dict(
        part.strip().split("=", 1)
        for part in response.headers["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()"


@pytest.mark.django_db
def test_admin_and_error_pages_get_the_policies_too(client):
    for response in (
        client.get(reverse("admin:login")),
        client.get("/no-such-page/"),
    ):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]


# The report endpoint -------------------------------------------------------------


def post_report(client, body, content_type="application/csp-report"):
    return client.post(reverse("csp-report"), body, content_type=content_type)


@pytest.mark.django_db
def test_a_report_uri_report_is_logged_without_personal_data(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://news.example/2026/11/05/x/?email=a@b.example",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "blocked-uri": "https://evil.example/x.js?session=abc",
            "disposition": "enforce",
            "original-policy": "default-src 'self'",
        }
    }
    with caplog.at_level(logging.WARNING, logger="newsroom.csp"):
        response = post_report(client, json.dumps(report))

    assert response.status_code == 204
    assert "script-src-elem" in caplog.text
    assert "https://evil.example/x.js" in caplog.text
    assert "session=abc" not in caplog.text
    assert "a@b.example" not in caplog.text
    assert "127.0.0.1" not in caplog.text


@pytest.mark.django_db
def test_a_reporting_api_report_is_logged(client, caplog):
    reports = [
        {
            "type": "csp-violation",
            "url": "https://news.example/",
            "body": {
                "documentURL": "https://news.example/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "enforce",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    with caplog.at_level(logging.WARNING, logger="newsroom.csp"):
        response = post_report(client, json.dumps(reports), "application/reports+json")

    assert response.status_code == 204
    assert len(caplog.records) == 1
    assert "style-src-attr" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b"{}",
        b'{"csp-report": "text"}',
        b'{"csp-report": {"blocked-uri": {"nested": 1}}}',
        b"[1, 2, 3]",
        b'[{"type": "csp-violation", "body": null}]',
        b"null",
        b"1e999999",
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_garbage_gets_a_400_never_an_error(client, body):
    response = post_report(client, body)
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_huge_report_is_refused(client):
    body = json.dumps({"csp-report": {"blocked-uri": "x" * 100_000}})
    assert post_report(client, body).status_code == 413


@pytest.mark.django_db
def test_the_report_endpoint_needs_no_csrf_token_and_takes_only_posts(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    report = json.dumps({"csp-report": {"blocked-uri": "inline"}})
    assert post_report(strict, report).status_code == 204
    assert client.get(reverse("csp-report")).status_code == 405
