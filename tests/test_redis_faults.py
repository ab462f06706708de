"""
Redis is an accelerator, never a single point of failure: with Redis stopped,
paused or gone and back, every page answers from the database, comments are
accepted, staff can log in, the log says once that the cache is down, no request
waits longer than the short Redis timeout, and caching resumes when it returns.

Each test starts its own redis-server on a free port and stops it.
"""

import logging
import shutil
import signal
import socket
import subprocess
import time

import pytest
from pytest_django.asserts import assertContains

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from newsroom import redis_cache

from .factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("page_cache"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server"),
]

TIMEOUT = 0.25


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server, keeping nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


@pytest.fixture
def redis_server(settings, monkeypatch):
    """The site's cache and sessions in a Redis of the test's own."""
    server = RedisServer().start()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.COMMENTS_FLOOD_SECONDS = 0
    # Tried again sooner than in production, to keep the tests short.
    monkeypatch.setattr(redis_cache, "DOWN_SECONDS", 0.5)
    redis_cache._health.clear()
    yield server
    server.stop()
    cache.close()
    redis_cache._health.clear()


def wait_for_retry():
    time.sleep(redis_cache.DOWN_SECONDS + 0.05)


@pytest.fixture
def article():
    article = ArticleFactory(title="Siccità al nord")
    CommentFactory(article=article, approved=True, body="First!")
    return article


def reader_urls(article):
    return [
        "/",
        article.get_absolute_url(),
        "/search/?q=siccità",
        "/feed/",
        "/comments/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/en/",
    ]


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_pages_comments_and_caching_through_a_redis_outage(
    client, redis_server, article, post_comment
):
    """Cached while Redis runs, uncached and 200 while it is down, cached again."""
    urls = reader_urls(article)
    page = article.get_absolute_url()
    for url in urls:
        client.get(url)
    assert client.get(page)["X-Page-Cache"] == "hit"

    redis_server.stop()
    for url in urls:
        response, seconds = timed_get(client, url)
        assert response.status_code == 200, url
        assert response.get("X-Page-Cache", "miss") == "miss", url
        assert seconds < 1, url
    response = post_comment(article, body="Written while the cache is down.")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert Comment.objects.filter(body="Written while the cache is down.").exists()

    redis_server.start()
    wait_for_retry()
    reader = Client()  # the poster's own pending comment keeps them uncached
    assert reader.get(page)["X-Page-Cache"] == "miss"
    assert reader.get(page)["X-Page-Cache"] == "hit"


def test_admin_login_and_sessions_while_redis_is_down(client, redis_server):
    """Staff log in with Redis down; a session made before the outage still works."""
    client.force_login(UserFactory(username="anna", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200

    redis_server.stop()
    assert client.get(reverse("admin:index")).status_code == 200
    other = Client()
    response = other.post(
        reverse("admin:login"),
        {"username": "anna", "password": "password", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert other.get(reverse("admin:index")).status_code == 200
    assert other.get(reverse("admin:logout")).status_code in (200, 302, 405)


def test_the_log_says_once_that_the_cache_is_down(client, redis_server, caplog):
    """Many requests with Redis down: one warning, and one when it is back."""
    redis_server.stop()
    with caplog.at_level(logging.INFO, logger="newsroom.redis_cache"):
        for _ in range(5):
            client.get("/")
            wait_for_retry()
        redis_server.start()
        client.get("/")
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Cache unreachable" in m for m in messages) == 1
    assert sum("Cache reachable again" in m for m in messages) == 1


def test_a_redis_that_does_not_answer_costs_one_short_wait(client, settings, article):
    """A server that accepts and never answers: one timeout, then Redis is skipped."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(100)
    port = silent.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }
    redis_cache._health.clear()
    try:
        first, first_seconds = timed_get(client, article.get_absolute_url())
        then, then_seconds = timed_get(client, article.get_absolute_url())
    finally:
        silent.close()
        cache.close()
        redis_cache._health.clear()
    assert first.status_code == then.status_code == 200
    assert first_seconds < 1
    assert then_seconds < TIMEOUT


def test_a_change_made_while_redis_was_unreachable_shows_when_it_returns(
    client, redis_server, article, moderator, django_capture_on_commit_callbacks
):
    """
    Redis paused, not restarted: it still holds the old page when it answers
    again, but the invalidation it missed empties the cache, so the page is fresh.
    """
    from comments import moderation

    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    waiting = CommentFactory(article=article, body="Approved during the outage.")

    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moderation.approve(waiting, by=moderator)
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    wait_for_retry()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Approved during the outage.")
