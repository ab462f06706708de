"""Many readers posting at once lose nothing (PostgreSQL only: SQLite locks)."""

import threading

import akismet
import pytest

from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from comments import checks, spam
from comments.models import Comment, CommentEvent
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
POSTS_EACH = 5


def run_in_threads(target, count):
    errors = []
    barrier = threading.Barrier(count)

    def wrapper(n):
        try:
            barrier.wait()
            target(n)
        except Exception as exc:  # reported below, with the thread's number
            errors.append((n, exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapper, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_concurrent_posts_are_all_kept(comment_data):
    """Readers posting at the same moment: every comment saved, with its history."""
    article = ArticleFactory()
    statuses = []

    def reader(n):
        client = Client()
        for i in range(POSTS_EACH):
            response = client.post(
                f"/comments/post/{article.pk}/",
                comment_data(
                    article,
                    author_email=f"reader{n}-{i}@example.org",
                    body=f"Comment {i} from reader {n}.",
                ),
                REMOTE_ADDR=f"198.51.100.{n * POSTS_EACH + i + 1}",
            )
            statuses.append(response.status_code)

    run_in_threads(reader, THREADS)
    total = THREADS * POSTS_EACH
    assert statuses == [302] * total
    assert Comment.objects.filter(article=article).count() == total
    assert CommentEvent.objects.filter(message="ricevuto").count() == total
    # No key: each was checked once and left to moderators.
    assert Comment.objects.filter(check_state=Comment.CheckState.OFF).count() == total


def test_concurrent_checks_decide_once(akismet_sync_class, monkeypatch, settings):
    """Several workers running the same check: one verdict, one event."""

    class Ham(akismet_sync_class):
        comment_check_response = akismet.CheckResponse.HAM

    monkeypatch.setattr(spam, "client_class", Ham)
    settings.AKISMET_API_KEY = "k"
    comment = CommentFactory(next_check_at=timezone.now())
    results = []

    def worker(n):
        results.append(checks.run_check(Comment.objects.get(pk=comment.pk)))

    run_in_threads(worker, 6)
    assert results.count(checks.Outcome.ANSWERED) == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.events.filter(message="Akismet: non è spam").count() == 1
