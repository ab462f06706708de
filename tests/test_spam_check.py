"""
The Akismet check: its verdicts, its failures (never losing or publishing a
comment), retries with back-off, the sweep, and reports of moderators' corrections.

Akismet is played by the package's own test client and by a local HTTP server
speaking its API (tests/akismet_server.py); nothing touches the internet.
"""

import logging
from datetime import UTC, datetime, timedelta

import akismet
import pytest
import time_machine

from django.core.management import call_command
from django.utils import timezone

from comments import checks, moderation, spam, tasks
from comments.management.commands.recheck_comments import Command as RecheckCommand
from comments.models import Comment
from tests.akismet_server import SPAM_AUTHOR
from tests.factories import CommentFactory, UserFactory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def received(**fields):
    """A comment just received: pending and due for its check."""
    return CommentFactory(
        created_at=timezone.now(),
        next_check_at=timezone.now(),
        akismet_data={},
        **fields,
    )


def check(comment):
    tasks.check_comment.enqueue(comment_id=comment.pk)
    comment.refresh_from_db()
    return comment


@pytest.fixture
def test_client(akismet_sync_class, monkeypatch, settings):
    """Akismet played by the package's TestSyncClient (answer set by the marker)."""
    settings.AKISMET_API_KEY = "test-key"
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)
    return akismet_sync_class


# The package's test client ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_ham_is_published(test_client):
    """A comment Akismet calls ham is approved, and the history says why."""
    comment = check(received())
    assert comment.status == Comment.Status.APPROVED
    assert comment.verdict == Comment.Verdict.HAM
    assert comment.check_state == Comment.CheckState.CHECKED
    assert comment.events.last().message == "Akismet: non è spam"


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.SPAM)
def test_spam_goes_to_spam(test_client):
    """A comment Akismet calls spam is never shown."""
    comment = check(received())
    assert comment.status == Comment.Status.SPAM
    assert comment.verdict == Comment.Verdict.SPAM
    assert comment.delete_after is None
    assert comment.events.last().message == "Akismet: spam"


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.DISCARD)
def test_discard_is_spam_marked_for_early_deletion(test_client):
    """Blatant spam ("discard") goes to spam with a near delete-after time."""
    comment = check(received())
    assert comment.status == Comment.Status.SPAM
    assert comment.verdict == Comment.Verdict.DISCARD
    assert timezone.now() < comment.delete_after <= timezone.now() + timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_check_stores_the_data_it_sent(test_client):
    """The data sent to comment-check is kept on the comment, the key left out."""
    comment = received(ip_address="192.0.2.55")
    checks.run_check(comment)
    comment.refresh_from_db()
    assert comment.akismet_data["user_ip"] == "192.0.2.55"
    assert comment.akismet_data["comment_content"] == comment.body
    assert "api_key" not in comment.akismet_data


@pytest.mark.django_db
def test_no_key_leaves_every_comment_to_moderators(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Without AKISMET_API_KEY the comment waits, marked "spam checking off"."""
    settings.AKISMET_API_KEY = ""
    UserFactory(username="boss", is_superuser=True, email="boss@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        comment = check(received())
    assert comment.status == Comment.Status.PENDING
    assert comment.check_state == Comment.CheckState.OFF
    assert comment.next_check_at is None
    assert (
        comment.events.last().message
        == "controllo antispam disattivato: in attesa di un moderatore"
    )
    assert [m.to for m in mailoutbox] == [["boss@example.org"]]


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.SPAM)
def test_running_the_check_twice_is_harmless(test_client):
    """A second run, or a late task, on a decided comment changes nothing."""
    comment = check(received())
    events = comment.events.count()
    assert checks.run_check(comment) is checks.Outcome.SKIPPED
    assert tasks.check_comment.enqueue(comment_id=comment.pk).return_value is False
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.events.count() == events


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_stale_copy_cannot_overrule_a_moderator(test_client):
    """A check holding an old copy of the row loses to a moderator's decision."""
    comment = received()
    stale = Comment.objects.get(pk=comment.pk)
    moderation.mark_spam(comment, by=None)
    assert checks.apply_verdict(stale, spam.Verdict.HAM) is False
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


@pytest.mark.django_db
def test_check_task_for_a_deleted_comment_does_nothing():
    """A task whose comment was deleted meanwhile ends quietly."""
    assert tasks.check_comment.enqueue(comment_id=999999).return_value is False


# The local Akismet-compatible server ----------------------------------------------


@pytest.mark.django_db
def test_server_ham_and_spam(akismet_server):
    """Through real HTTP: a normal comment is ham, akismet-guaranteed-spam is spam."""
    ham = check(received(author_name="Anna"))
    spammy = check(received(author_name=SPAM_AUTHOR))
    assert ham.status == Comment.Status.APPROVED
    assert spammy.status == Comment.Status.SPAM
    sent = akismet_server.calls("comment-check")
    assert [c["comment_author"] for c in sent] == ["Anna", SPAM_AUTHOR]
    assert sent[0]["api_key"] == "local-test-key"
    assert sent[0]["comment_type"] == "comment"


@pytest.mark.django_db
def test_server_discard(akismet_server):
    """The X-akismet-pro-tip: discard header makes the comment blatant spam."""
    comment = check(received(author_name=SPAM_AUTHOR, body="Buy now [blatant]"))
    assert comment.verdict == Comment.Verdict.DISCARD
    assert comment.delete_after is not None


@pytest.mark.django_db
def test_requests_carry_our_user_agent_and_test_flag(akismet_server, settings):
    """The client names the site and the package, and sends is_test when asked."""
    settings.SITE_NAME = "Gazzetta"
    settings.AKISMET_IS_TEST = True
    check(received())
    sent = akismet_server.calls("comment-check")[0]
    assert sent["_user_agent"].startswith("Gazzetta (")
    assert "akismet.py/" in sent["_user_agent"]
    assert sent["is_test"] in ("true", "True", "1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("error", "Akismet responded with error status: 500"),
        ("slow", "Akismet timed out."),
        ("garbage", "unexpected or non-standard response"),
    ],
)
def test_failures_keep_the_comment_pending_and_retry(
    akismet_server, settings, mode, error
):
    """500s, timeouts and odd answers never publish or lose a comment."""
    akismet_server.mode = mode
    akismet_server.slow_seconds = 1.0
    settings.AKISMET_TIMEOUT = 0.2
    comment = check(received())
    assert comment.status == Comment.Status.PENDING
    assert comment.check_state == Comment.CheckState.UNCHECKED
    assert comment.check_attempts == 1
    assert comment.last_check_error.startswith(spam.RETRY)
    assert error in comment.last_check_error
    assert (
        timezone.now() < comment.next_check_at <= timezone.now() + timedelta(minutes=1)
    )
    assert comment.events.last().message.startswith(
        "Akismet irraggiungibile, nuovo tentativo n. 2 alle "
    )


@pytest.mark.django_db
def test_unreachable_server_is_a_retry(settings):
    """Nobody listening at AKISMET_API_URL is one more reason to try again later."""
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_API_URL = "http://127.0.0.1:9"
    comment = check(received())
    assert comment.check_state == Comment.CheckState.UNCHECKED
    assert comment.last_check_error.startswith(spam.RETRY)


@pytest.mark.django_db
def test_invalid_key_stays_pending_and_is_logged(akismet_server, caplog):
    """A rejected key keeps the comment pending, logs an error and is retried."""
    akismet_server.mode = "invalid"
    with caplog.at_level(logging.ERROR, logger="comments.spam"):
        comment = check(received())
    assert comment.status == Comment.Status.PENDING
    assert comment.last_check_error.startswith(spam.MISCONFIGURED)
    assert comment.next_check_at is not None
    assert "Akismet is misconfigured" in caplog.text
    assert comment.events.last().message.startswith(
        "Akismet non configurato correttamente, nuovo tentativo n. 2"
    )


@pytest.mark.django_db
def test_retries_back_off_for_15_days_then_give_up(
    akismet_server, mailoutbox, django_capture_on_commit_callbacks
):
    """Failed checks retry with growing waits for 15 days, then moderators decide."""
    UserFactory(username="mod", is_superuser=True, email="mod@example.org")
    akismet_server.mode = "error"
    with time_machine.travel(START, tick=False) as clock:
        comment = received()
        waits = []
        while True:
            with django_capture_on_commit_callbacks(execute=True):
                call_command("recheck_comments", verbosity=0)
            comment.refresh_from_db()
            if comment.check_state != Comment.CheckState.UNCHECKED:
                break
            waits.append(comment.next_check_at - timezone.now())
            clock.move_to(comment.next_check_at)
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=4)
    assert comment.check_state == Comment.CheckState.GAVE_UP
    assert comment.status == Comment.Status.PENDING
    assert comment.checked_at is None
    assert timezone.now() - comment.created_at >= timedelta(days=15)
    assert comment.events.last().message.startswith(
        "Akismet irraggiungibile, abbandonato dopo"
    )
    assert comment.held_reason == "non controllato: Akismet irraggiungibile"
    assert len(mailoutbox) == 1
    # Once given up, the sweep leaves it alone.
    calls = len(akismet_server.calls("comment-check"))
    call_command("recheck_comments", verbosity=0)
    assert len(akismet_server.calls("comment-check")) == calls


@pytest.mark.django_db
def test_gives_up_only_after_akismet_retry_days(akismet_server, settings):
    """The last retry happens AKISMET_RETRY_DAYS after the comment arrived."""
    settings.AKISMET_RETRY_DAYS = 2
    akismet_server.mode = "error"
    with time_machine.travel(START, tick=False) as clock:
        comment = received()
        attempts_at = []
        while comment.check_state == Comment.CheckState.UNCHECKED:
            attempts_at.append(timezone.now())
            checks.run_check(comment)
            comment.refresh_from_db()
            if comment.next_check_at:
                clock.move_to(comment.next_check_at)
    assert attempts_at[-1] - START >= timedelta(days=2)
    assert attempts_at[-2] - START < timedelta(days=2)


def loop_sweep():
    """One turn of ``recheck_comments --loop``: only the due checks."""
    return RecheckCommand().sweep(500)


@pytest.mark.django_db
def test_comment_is_checked_when_the_server_returns(akismet_server):
    """After an outage the loop checks the waiting comment once due; published."""
    akismet_server.mode = "error"
    with time_machine.travel(START, tick=False) as clock:
        comment = check(received())
        assert comment.status == Comment.Status.PENDING
        akismet_server.mode = "ok"
        loop_sweep()
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING  # not due yet
        clock.move_to(comment.next_check_at)
        loop_sweep()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.check_attempts == 1
    assert comment.last_check_error == ""


@pytest.mark.django_db
def test_recheck_by_hand_checks_every_waiting_comment_now(akismet_server):
    """Run by hand, recheck_comments does not wait for the back-off to end."""
    akismet_server.mode = "error"
    comment = check(received())
    assert comment.next_check_at > timezone.now()
    akismet_server.mode = "ok"
    call_command("recheck_comments", verbosity=0)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert len(akismet_server.calls("comment-check")) == 2


@pytest.mark.django_db
def test_sweep_picks_up_a_lost_task(akismet_server):
    """A comment whose check task never ran is checked by the sweep once due."""
    comment = CommentFactory(
        next_check_at=timezone.now() - timedelta(minutes=1), akismet_data={}
    )
    out = []
    call_command("recheck_comments", stdout=type("W", (), {"write": out.append})())
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert "Re-queued 1 spam check(s) and 0 report(s)" in "".join(out)


@pytest.mark.django_db
def test_sweep_skips_comments_not_due_or_decided(akismet_server):
    """
    Comments not yet due, decided by a moderator, or already checked are left;
    by hand too, and a claimed check (its task queued or running) is left to it.
    """
    later = CommentFactory(next_check_at=timezone.now() + timedelta(minutes=5))
    claimed = CommentFactory(
        next_check_at=timezone.now() + timedelta(minutes=5),
        check_claimed_at=timezone.now(),
    )
    decided = CommentFactory(next_check_at=None)
    approved = CommentFactory(approved=True, next_check_at=timezone.now())
    loop_sweep()
    assert akismet_server.calls("comment-check") == []
    call_command("recheck_comments", verbosity=0)
    assert [c["comment_author"] for c in akismet_server.calls("comment-check")] == [
        later.author_name
    ]
    later.status = Comment.Status.APPROVED
    claimed.refresh_from_db()
    assert claimed.status == Comment.Status.PENDING
    for comment in (later, decided, approved):
        old = comment.status
        comment.refresh_from_db()
        assert comment.status == old


# Reports of moderators' corrections ------------------------------------------------


@pytest.mark.django_db
def test_mark_spam_sends_submit_spam_with_the_stored_data(
    akismet_server, django_capture_on_commit_callbacks
):
    """submit-spam repeats exactly what comment-check was sent."""
    moderator = UserFactory(username="maria")
    comment = check(received(author_name="Sneaky"))
    assert comment.status == Comment.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.mark_spam(comment, by=moderator)
    checked = akismet_server.calls("comment-check")[0]
    submitted = akismet_server.calls("submit-spam")[0]
    assert submitted == checked
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.report == ""
    messages = [e.message for e in comment.events.all()]
    assert "segnalato come spam da maria (spam o pubblicità)" in messages
    assert messages[-1] == "segnalato ad Akismet come spam"


@pytest.mark.django_db
def test_not_spam_sends_submit_ham_and_publishes(
    akismet_server, django_capture_on_commit_callbacks
):
    """ "Not spam" approves the comment and sends submit-ham with the stored data."""
    moderator = UserFactory(username="maria")
    comment = check(received(author_name=SPAM_AUTHOR))
    assert comment.status == Comment.Status.SPAM
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.mark_not_spam(comment, by=moderator)
    assert akismet_server.calls("submit-ham") == akismet_server.calls("comment-check")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert "segnalato come non spam da maria" in [
        e.message for e in comment.events.all()
    ]


@pytest.mark.django_db
def test_failed_report_is_retried_by_the_sweep(
    akismet_server, django_capture_on_commit_callbacks
):
    """A report that fails waits on the comment and goes out once Akismet is back."""
    comment = check(received())
    akismet_server.mode = "error"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            moderation.mark_spam(comment, by=None)
        comment.refresh_from_db()
        assert comment.report == "spam"
        assert comment.report_attempts == 1
        assert comment.events.last().message.startswith(
            "segnalazione ad Akismet non riuscita, nuovo tentativo n. 2 alle"
        )
        akismet_server.mode = "ok"
        clock.move_to(comment.next_report_at)
        call_command("recheck_comments", verbosity=0)
    comment.refresh_from_db()
    assert comment.report == ""
    assert len(akismet_server.calls("submit-spam")) == 2
    assert comment.events.last().message == "segnalato ad Akismet come spam"


@pytest.mark.django_db
def test_report_is_abandoned_after_akismet_retry_days(
    akismet_server, django_capture_on_commit_callbacks
):
    """Reports are not retried forever: after 15 days the history says so."""
    comment = check(received())
    akismet_server.mode = "error"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            moderation.mark_spam(comment, by=None)
        comment.refresh_from_db()
        while comment.report:
            clock.move_to(comment.next_report_at)
            call_command("recheck_comments", verbosity=0)
            comment.refresh_from_db()
    assert comment.events.last().message.startswith(
        "segnalazione ad Akismet abbandonata"
    )
    assert comment.status == Comment.Status.SPAM


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_report_with_the_package_test_client(
    test_client, django_capture_on_commit_callbacks
):
    """submit-spam through the package's test client clears the waiting report."""
    comment = check(received())
    with django_capture_on_commit_callbacks(execute=True):
        moderation.mark_spam(comment, by=None)
    comment.refresh_from_db()
    assert comment.report == ""
    assert comment.events.last().message == "segnalato ad Akismet come spam"


@pytest.mark.django_db
def test_report_without_a_key_is_dropped(django_capture_on_commit_callbacks, settings):
    """With spam checking off there is nobody to report to: noted, not retried."""
    settings.AKISMET_API_KEY = ""
    comment = CommentFactory(approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.mark_spam(comment, by=None)
    comment.refresh_from_db()
    assert comment.report == ""
    assert (
        comment.events.last().message
        == "non segnalato ad Akismet: controllo antispam disattivato"
    )


@pytest.mark.django_db
def test_api_url_keeps_its_path(akismet_server, settings):
    """AKISMET_API_URL may carry a path prefix; requests go below it."""
    settings.AKISMET_API_URL = akismet_server.url + "/proxy"
    comment = check(received())
    # The local server only knows /1.1/...: a prefixed path is a 404, so a retry.
    assert comment.last_check_error.startswith(spam.RETRY)
    assert "404" in comment.last_check_error
