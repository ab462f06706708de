"""
Akismet faults: a check is claimed before it is queued or run, so no call and
no attempt is ever made twice; a sweep asks Akismet about one comment, not all;
once Akismet answers again the comments still waiting are checked at once; after
AKISMET_RETRY_DAYS they are left to the moderators; moderators can ask for a
check now. The whole sequence (ok, down, slow, garbage, ok) runs with readers
posting throughout, against the local Akismet-compatible server.
"""

import socket
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from comments import checks, tasks
from comments.management.commands.recheck_comments import Command as RecheckCommand
from comments.models import Comment, CommentEvent
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUEUE = reverse("admin:comments_comment_changelist")


def loop_sweep():
    """One turn of ``recheck_comments --loop``: only the due checks."""
    return RecheckCommand().sweep(500)


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def calls_per_comment(server):
    return Counter(c["comment_content"] for c in server.calls("comment-check"))


def failed_once(server, count, **fields):
    """``count`` comments whose first check failed, waiting out their back-off."""
    server.mode = "error"
    comments = []
    for n in range(count):
        comment = CommentFactory(
            next_check_at=timezone.now(), body=f"Waiting comment {n}.", **fields
        )
        checks.run_check(comment)
        comments.append(comment)
    server.mode = "ok"
    server.requests.clear()
    return comments


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database and run by db_worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """Run the queued tasks as db_worker does, one by one, oldest first."""
    from django_tasks_db.models import DBTaskResult

    # db_worker itself closes the test's database connection on PostgreSQL.
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.delete()
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def test_a_duplicate_task_makes_no_second_call(akismet_server):
    """The same claimed check queued twice: one call, one attempt."""
    akismet_server.mode = "error"
    comment = CommentFactory(next_check_at=timezone.now())
    ids, token = checks.claim_checks(Comment.objects.check_due(), limit=10)
    assert ids == [comment.pk]
    for _ in range(2):
        tasks.check_comment.enqueue(comment_id=comment.pk, claim=token.isoformat())
    comment.refresh_from_db()
    assert len(akismet_server.calls("comment-check")) == 1
    assert comment.check_attempts == 1
    # Claimed once: a second claim of the same rows finds nothing.
    assert checks.claim_checks(Comment.objects.check_due(), limit=10)[0] == []


def test_sweeps_and_workers_never_duplicate_a_check(
    akismet_server, database_tasks, client, comment_data, settings
):
    """
    Comments queued in the database, sweeps running before and after the claim
    of their task lapses, then the queued tasks, twice: each comment is asked
    about once.
    """
    settings.COMMENTS_FLOOD_SECONDS = 0
    with time_machine.travel(START, tick=False) as clock:
        article = ArticleFactory()
        for n in range(3):
            client.post(
                reverse("comments:post", args=[article.pk]),
                comment_data(article, body=f"Queued {n}.", author_email=f"{n}@x.org"),
            )
        loop_sweep()
        clock.shift(timedelta(minutes=3))  # the tasks' claims have lapsed
        loop_sweep()
        loop_sweep()
        run_worker()
        run_worker()
    assert calls_per_comment(akismet_server) == {f"Queued {n}.": 1 for n in range(3)}
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}


def test_a_sweep_asks_about_one_comment_while_akismet_is_down(akismet_server):
    """A long outage costs one call per sweep, not one per waiting comment."""
    with time_machine.travel(START, tick=False) as clock:
        comments = failed_once(akismet_server, 20)
        akismet_server.mode = "error"
        for _ in range(3):
            clock.shift(timedelta(hours=5))  # every retry is due
            loop_sweep()
    assert len(akismet_server.calls("comment-check")) == 3
    attempts = Counter(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list(
            "check_attempts", flat=True
        )
    )
    assert attempts == {1: 17, 2: 3}


def test_when_akismet_answers_again_the_waiting_comments_are_checked_at_once(
    akismet_server, post_comment
):
    """One check that succeeds after failures brings the whole backlog in."""
    with time_machine.travel(START, tick=False):
        comments = failed_once(akismet_server, 10)
        assert all(
            c.next_check_at > timezone.now()
            for c in Comment.objects.filter(pk__in=[c.pk for c in comments])
        )
        post_comment(ArticleFactory(), body="Akismet is back.")
    assert Comment.objects.pending().count() == 0
    calls = calls_per_comment(akismet_server)
    assert calls == {"Akismet is back.": 1} | {
        f"Waiting comment {n}.": 1 for n in range(10)
    }


def test_the_sweep_queues_the_backlog_once_its_probe_is_answered(akismet_server):
    """The probe succeeds: the other waiting checks follow, even those not due."""
    with time_machine.travel(START, tick=False) as clock:
        failed_once(akismet_server, 5)
        clock.shift(timedelta(minutes=1))  # the first retries are due
        outcome, queued, _reports = loop_sweep()
    assert outcome is checks.Outcome.ANSWERED
    assert queued == 5
    assert len(akismet_server.calls("comment-check")) == 5
    assert Comment.objects.pending().count() == 0


def test_after_akismet_retry_days_the_sweep_leaves_comments_to_moderators(
    akismet_server, settings
):
    """Comments older than the limit are given up without asking Akismet again."""
    assert settings.AKISMET_RETRY_DAYS == 15
    with time_machine.travel(START, tick=False) as clock:
        old = failed_once(akismet_server, 3)
        clock.shift(timedelta(days=15))
        akismet_server.mode = "error"
        loop_sweep()
    assert akismet_server.calls("comment-check") == []
    for comment in old:
        comment.refresh_from_db()
        assert comment.check_state == Comment.CheckState.GAVE_UP
        assert comment.status == Comment.Status.PENDING


def test_moderators_can_ask_for_a_check_now(
    client, moderator, akismet_server, django_capture_on_commit_callbacks
):
    """
    "Check with Akismet now" checks waiting and given-up comments at once, and
    leaves alone those already decided or whose check is running.
    """
    waiting = failed_once(akismet_server, 2)
    given_up = CommentFactory(
        check_state=Comment.CheckState.GAVE_UP, next_check_at=None, body="Given up."
    )
    running = CommentFactory(
        next_check_at=timezone.now() + timedelta(minutes=1),
        check_claimed_at=timezone.now(),
        body="Running.",
    )
    approved = CommentFactory(approved=True)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE + "?status=all",
            {
                "action": "check_now",
                "_selected_action": [
                    c.pk for c in [*waiting, given_up, running, approved]
                ],
            },
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "3 commenti inviati ad Akismet per un controllo." in messages
    assert set(calls_per_comment(akismet_server)) == {
        "Waiting comment 0.",
        "Waiting comment 1.",
        "Given up.",
    }
    given_up.refresh_from_db()
    assert given_up.status == Comment.Status.APPROVED
    assert given_up.events.filter(message__contains="maria").exists()
    running.refresh_from_db()
    assert running.status == Comment.Status.PENDING


def test_only_moderators_see_the_check_now_action(client, akismet_server):
    """Staff without the moderate permission get no "Check with Akismet now"."""
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(clerk)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert b'value="check_now"' not in response.content


def test_ok_down_slow_garbage_ok_with_readers_posting_throughout(
    akismet_server, client, comment_data, settings, django_capture_on_commit_callbacks
):
    """
    Readers post through every phase; nothing is lost, nothing is published
    unchecked, each comment gets exactly one answer from Akismet, and the
    backlog is empty at the first check after Akismet returns.
    """
    settings.COMMENTS_FLOOD_SECONDS = 0
    akismet_server.slow_seconds = settings.AKISMET_TIMEOUT + 0.1
    up_url = akismet_server.url
    posted = []

    def post(phase, n):
        body = f"{phase} comment {n}."
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("comments:post", args=[article.pk]),
                comment_data(article, body=body, author_email=f"{phase}{n}@x.org"),
            )
        assert response.status_code == 302
        posted.append(body)

    with time_machine.travel(START, tick=False) as clock:
        article = ArticleFactory()
        phases = [
            ("ok", "ok"),
            ("down", "ok"),
            ("slow", "slow"),
            ("garbage", "garbage"),
        ]
        for phase, mode in phases:
            settings.AKISMET_API_URL = closed_port_url() if phase == "down" else up_url
            akismet_server.mode = mode
            for n in range(3 if phase == "slow" else 4):
                post(phase, n)
                clock.shift(timedelta(seconds=30))
                loop_sweep()
        waiting = Comment.objects.pending().count()
        assert waiting == 11  # every comment posted since the outage began
        settings.AKISMET_API_URL = up_url
        akismet_server.mode = "ok"
        clock.shift(timedelta(seconds=30))
        loop_sweep()
        assert Comment.objects.awaiting_check().count() == 0
        post("recovered", 0)

    stored = Comment.objects.filter(body__in=posted)
    assert stored.count() == len(posted) == 16
    assert stored.filter(status="approved", verdict="ham").count() == 16
    # Exactly one answer each, and a call only for an attempt counted.
    answers = (
        CommentEvent.objects.filter(message="Akismet: non è spam")
        .values_list("comment")
        .annotate(n=Count("pk"))
    )
    assert sorted(n for _pk, n in answers) == [1] * 16
    calls = calls_per_comment(akismet_server)
    for comment in stored:
        assert 1 <= calls[comment.body] <= comment.check_attempts + 1
    # While Akismet failed: one call per comment posted, one per sweep (11 each).
    assert sum(c.check_attempts for c in stored) <= 11 + 11
