"""/healthz tells a load balancer whether the site can serve, and how it fares."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import time_machine

from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory


def health(client):
    response = client.get(reverse("healthz"))
    return response, response.json()


def test_address_is_outside_the_language_prefix():
    assert reverse("healthz") == "/healthz"


@pytest.mark.django_db
def test_healthy_site_answers_200_ok(client):
    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["unchecked_comments_oldest_seconds"] is None
    assert "tasks_queued" not in body  # tasks run in-process here
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_never_served_from_the_page_cache(client, page_cache):
    first, _ = health(client)
    second, _ = health(client)
    assert "X-Page-Cache" not in second.headers
    assert "public" not in second.headers["Cache-Control"]
    assert first.headers.get("ETag") is None


@pytest.mark.django_db
def test_reports_the_age_of_the_oldest_comment_waiting_for_its_check(client):
    article = ArticleFactory()
    now = timezone.now()
    with time_machine.travel(now - timedelta(minutes=10)):
        CommentFactory(article=article, status=Comment.Status.PENDING)
    with time_machine.travel(now - timedelta(hours=2)):
        CommentFactory(
            article=article,
            status=Comment.Status.PENDING,
            check_state=Comment.CheckState.CHECKED,
        )
        CommentFactory(article=article, status=Comment.Status.APPROVED)

    with time_machine.travel(now):
        _, body = health(client)
    assert 600 <= body["unchecked_comments_oldest_seconds"] < 610


@pytest.mark.django_db
def test_reports_queued_tasks_with_the_database_queue(client, settings):
    from django_tasks_db import DatabaseBackend

    from comments.tasks import check_comment

    settings.TASKS_BACKEND = "database"
    queue = DatabaseBackend("default", {})
    for pk in (1, 2):
        queue.enqueue(check_comment, (), {"comment_id": pk})

    _, body = health(client)
    assert body["tasks_queued"] == 2


@pytest.mark.django_db
def test_database_down_answers_503(client, monkeypatch):
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    response, body = health(client)

    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["database"] == "down"
    assert "refused" not in response.content.decode()


@pytest.mark.django_db
def test_nothing_secret_in_the_answer(client, settings):
    response, body = health(client)
    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert set(body) <= {
        "status",
        "database",
        "cache",
        "tasks_queued",
        "unchecked_comments_oldest_seconds",
    }


# With a real Redis, stopped under the site --------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server():
    """A redis-server of this test's own on a free port; stop it with .stop()."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    process.url = f"redis://127.0.0.1:{port}/0"
    process.stop = lambda: (process.terminate(), process.wait(timeout=10))
    yield process
    if process.poll() is None:
        process.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield redis_server
    caches["default"].close()


@pytest.mark.django_db
def test_redis_down_is_degraded_but_200(client, redis_cache):
    response, body = health(client)
    assert (response.status_code, body["cache"]) == (200, "ok")

    redis_cache.stop()
    started = time.monotonic()
    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["cache"] == "down"
    assert body["database"] == "ok"
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_redis_down_with_the_page_cache_on_is_degraded_but_200(
    client, redis_cache, page_cache
):
    """The page cache leaves addresses that are no reader's page alone."""
    redis_cache.stop()
    response, body = health(client)
    assert (response.status_code, body["status"]) == (200, "degraded")


@pytest.mark.django_db
def test_answers_head_and_refuses_posts(client):
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405
