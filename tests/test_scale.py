"""
Growing large: bounded counts and offsets, estimated admin counts on PostgreSQL,
state shared by every app server (sessions, media on S3).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import views
from articles.admin import ArticleAdmin, EstimatedCountPaginator
from articles.models import Article
from articles.views import MAX_PAGES, CappedPaginator
from comments.admin import CommentAdmin

from .factories import ArticleFactory

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_reader_lists_stop_after_max_pages(client, monkeypatch):
    """Page MAX_PAGES is the last; deeper pages answer 404 (the archive has them)."""
    ArticleFactory.create_batch(5)  # five pages of one, of which three are shown
    monkeypatch.setattr(views, "MAX_PAGES", 3)
    monkeypatch.setattr(views.ArticleArchiveIndexView, "paginate_by", 1)

    assert client.get("/?page=3").status_code == 200
    assert client.get("/?page=4").status_code == 404


@pytest.mark.django_db
def test_capped_paginator_counts_no_further_than_the_cap():
    """One COUNT over a LIMITed subquery: the cap, not the table size, bounds it."""
    ArticleFactory.create_batch(5)
    paginator = CappedPaginator(Article.objects.order_by("pk"), 2)

    with CaptureQueriesContext(connection) as queries:
        count = paginator.count

    assert count == 5
    assert "LIMIT" in queries[0]["sql"].upper()
    assert MAX_PAGES * 2 >= count


@pytest.mark.django_db
def test_capped_paginator_caps_the_page_count():
    """With more rows than MAX_PAGES pages, num_pages is MAX_PAGES."""
    ArticleFactory.create_batch(4)
    paginator = CappedPaginator(Article.objects.order_by("pk"), 1)

    import articles.views

    original = articles.views.MAX_PAGES
    articles.views.MAX_PAGES = 2
    try:
        assert paginator.num_pages == 2
    finally:
        articles.views.MAX_PAGES = original


@pytest.mark.django_db
def test_admin_lists_do_not_count_the_whole_table():
    """Both big admin lists skip the full COUNT(*) and use the estimating paginator."""
    for model_admin in (ArticleAdmin, CommentAdmin):
        assert model_admin.show_full_result_count is False
        assert model_admin.paginator is EstimatedCountPaginator
        assert model_admin.list_per_page == 100


@pytest.mark.django_db
def test_estimated_paginator_is_exact_for_short_lists():
    """Short lists are counted exactly, on every database."""
    ArticleFactory.create_batch(3)

    assert EstimatedCountPaginator(Article.objects.all(), 100).count == 3


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the planner's estimate is PostgreSQL's",
)
def test_estimated_paginator_uses_the_planner_estimate_for_long_lists(
    django_assert_num_queries,
):
    """Above EXACT_UP_TO rows (as the planner sees them), no COUNT(*) runs."""
    ArticleFactory.create_batch(3)
    paginator = EstimatedCountPaginator(Article.objects.all(), 100)
    paginator.EXACT_UP_TO = 0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    with CaptureQueriesContext(connection) as queries:
        count = paginator.count

    assert count >= 1
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("EXPLAIN")


@pytest.mark.django_db
def test_admin_changelist_shows_the_estimate_link_not_a_full_count(client, editor):
    """The changelist renders with show_full_result_count off."""
    ArticleFactory.create_batch(2)
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_changelist") + "?q=Article")

    assert response.status_code == 200
    assert response.context["cl"].show_full_result_count is False


def settings_with(env):
    """Settings as a fresh process sees them with ``env``: no network involved."""
    code = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
media = storages["default"]
print(json.dumps({
    "storage": settings.STORAGES["default"],
    "session": settings.SESSION_ENGINE,
    "page_cache": settings.PAGE_CACHE_SECONDS,
    "class": type(media).__name__,
    "url": media.url("images/a.jpg"),
}))
"""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "REDIS_URL", "PAGE_CACHE"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_stays_on_disk_without_a_bucket():
    config = settings_with({})

    assert config["class"] == "FileSystemStorage"
    assert config["url"] == "/media/images/a.jpg"


def test_media_goes_to_s3_compatible_storage_when_a_bucket_is_named():
    """AWS_* variables configure django-storages' S3 backend (MinIO, R2, S3…)."""
    config = settings_with(
        {
            "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
            "AWS_S3_ENDPOINT_URL": "http://minio.internal:9000",
            "AWS_S3_REGION_NAME": "eu-south-1",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_S3_CUSTOM_DOMAIN": "media.news.example",
        }
    )

    assert config["class"] == "S3Storage"
    options = config["storage"]["OPTIONS"]
    assert options["bucket_name"] == "newsroom-media"
    assert options["endpoint_url"] == "http://minio.internal:9000"
    assert options["region_name"] == "eu-south-1"
    assert options["access_key"] == "key"
    assert options["file_overwrite"] is False
    assert config["url"] == "https://media.news.example/images/a.jpg"


def test_sessions_and_page_cache_are_shared_with_redis():
    """With Redis, sessions are cached_db and the page cache is on; without, off."""
    with_redis = settings_with({"REDIS_URL": "redis://127.0.0.1:6379/15"})
    without = settings_with({})

    assert with_redis["session"] == "django.contrib.sessions.backends.cached_db"
    assert with_redis["page_cache"] > 0
    assert without["session"] == "django.contrib.sessions.backends.db"
    assert without["page_cache"] == 0


def test_no_state_lives_only_in_one_process():
    """Sessions and messages are kept where every app server reads them."""
    assert "locmem" not in settings.SESSION_ENGINE
    assert settings.SESSION_ENGINE.endswith(("db", "cached_db", "signed_cookies"))
    storage = getattr(
        settings,
        "MESSAGE_STORAGE",
        "django.contrib.messages.storage.fallback.FallbackStorage",
    )
    assert storage.rsplit(".", 1)[-1] in (
        "FallbackStorage",
        "CookieStorage",
        "SessionStorage",
    )
