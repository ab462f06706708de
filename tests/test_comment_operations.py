import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine

from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from comments.models import Comment

from .factories import CommentEventFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# purge_comments


def test_purge_deletes_spam_older_than_15_days_and_keeps_recent_spam():
    old = CommentFactory(spam=True, status_changed_at=days_ago(16))
    recent = CommentFactory(spam=True, status_changed_at=days_ago(14))

    output = run("purge_comments")

    assert not Comment.objects.filter(pk=old.pk).exists()
    assert Comment.objects.filter(pk=recent.pk).exists()
    assert "Deleted 1 spam comment(s) older than 15 days." in output


def test_purge_deletes_discarded_spam_once_its_delete_after_time_passes():
    due = CommentFactory(spam=True, delete_after=timezone.now() - timedelta(hours=1))
    not_yet = CommentFactory(
        spam=True, delete_after=timezone.now() + timedelta(hours=1)
    )

    output = run("purge_comments")

    assert not Comment.objects.filter(pk=due.pk).exists()
    assert Comment.objects.filter(pk=not_yet.pk).exists()
    assert "Deleted 1 blatant spam comment(s)" in output


def test_purge_empties_trash_older_than_30_days():
    old = CommentFactory(trashed=True, status_changed_at=days_ago(31))
    recent = CommentFactory(trashed=True, status_changed_at=days_ago(29))

    output = run("purge_comments")

    assert not Comment.objects.filter(pk=old.pk).exists()
    assert Comment.objects.filter(pk=recent.pk).exists()
    assert "Deleted 1 comment(s) in the trash for more than 30 days." in output


def test_purge_never_deletes_pending_or_approved_comments_however_old():
    pending = CommentFactory(created_at=days_ago(400), status_changed_at=days_ago(400))
    approved = CommentFactory(
        approved=True, created_at=days_ago(400), status_changed_at=days_ago(400)
    )
    # A delete-after time only matters for spam.
    held = CommentFactory(delete_after=days_ago(1))

    run("purge_comments")

    kept = Comment.objects.filter(pk__in=[pending.pk, approved.pk, held.pk])
    assert kept.count() == 3


def test_purge_keeps_an_approved_reply_to_a_purged_comment_in_its_thread():
    root = CommentFactory(approved=True)
    trashed = CommentFactory(
        article=root.article, parent=root, trashed=True, status_changed_at=days_ago(40)
    )
    reply = CommentFactory(article=root.article, parent=trashed, approved=True)

    run("purge_comments")

    reply.refresh_from_db()
    assert not Comment.objects.filter(pk=trashed.pk).exists()
    assert reply.parent_id == root.pk


def test_purge_deletes_the_events_of_deleted_comments():
    comment = CommentFactory(spam=True, status_changed_at=days_ago(20))
    event = CommentEventFactory(comment=comment)

    run("purge_comments")

    assert not type(event).objects.filter(pk=event.pk).exists()


def test_purge_blanks_browser_data_after_the_retention_period(settings):
    settings.COMMENTS_RETENTION_DAYS = 60
    old = CommentFactory(
        approved=True,
        created_at=days_ago(61),
        referrer="https://example.com/",
        akismet_data={"user_ip": "192.0.2.10"},
    )
    recent = CommentFactory(approved=True, created_at=days_ago(59))

    output = run("purge_comments")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert old.user_agent == old.referrer == ""
    assert old.akismet_data == {}
    assert old.body == "A thoughtful remark about the article."
    assert recent.ip_address == "192.0.2.10"
    assert recent.user_agent
    assert "of 1 comment(s) older than 60 days" in output


def test_purge_retention_period_follows_the_setting(settings):
    settings.COMMENTS_RETENTION_DAYS = 10
    comment = CommentFactory(created_at=days_ago(11))

    output = run("purge_comments")

    comment.refresh_from_db()
    assert comment.ip_address is None
    assert "older than 10 days" in output


def test_purge_is_idempotent():
    CommentFactory(spam=True, status_changed_at=days_ago(20))
    CommentFactory(trashed=True, status_changed_at=days_ago(40))
    CommentFactory(created_at=days_ago(90))
    run("purge_comments")

    output = run("purge_comments")

    assert output.count("Deleted 0 ") == 3
    assert "data of 0 comment(s)" in output
    assert Comment.objects.count() == 1


def test_purge_acts_when_time_has_passed():
    """A comment that was recent when marked spam is deleted 15 days later."""
    comment = CommentFactory(spam=True)
    run("purge_comments")
    assert Comment.objects.filter(pk=comment.pk).exists()

    with time_machine.travel(timezone.now() + timedelta(days=15, minutes=1)):
        run("purge_comments")

    assert not Comment.objects.filter(pk=comment.pk).exists()


# comment_data export


def test_export_prints_the_commenters_comments_and_their_history_as_json():
    comment = CommentFactory(
        author_email="Mario@Example.org",
        author_url="https://mario.example.org/",
        body="Mi piace.",
        akismet_data={"user_ip": "192.0.2.10"},
    )
    CommentEventFactory(comment=comment, message="held: 3 links")
    CommentFactory(author_email="someone.else@example.org")

    data = json.loads(run("comment_data", "export", "mario@example.org"))

    assert data["email"] == "mario@example.org"
    assert len(data["comments"]) == 1
    exported = data["comments"][0]
    assert exported["id"] == comment.pk
    assert exported["text"] == "Mi piace."
    assert exported["email"] == "Mario@Example.org"
    assert exported["website"] == "https://mario.example.org/"
    assert exported["ip_address"] == "192.0.2.10"
    assert exported["data_sent_to_akismet"] == {"user_ip": "192.0.2.10"}
    assert exported["article"]["title"] == comment.article.title
    assert exported["article"]["url"].endswith(comment.article.get_absolute_url())
    assert [e["what_happened"] for e in exported["history"]] == ["held: 3 links"]


def test_export_includes_comments_posted_from_an_account_with_that_email():
    user = UserFactory(email="giulia@example.org")
    comment = CommentFactory(user=user, author_email="old-address@example.org")

    data = json.loads(run("comment_data", "export", "giulia@example.org"))

    assert [c["id"] for c in data["comments"]] == [comment.pk]


def test_export_of_an_unknown_email_is_an_empty_list():
    CommentFactory()

    data = json.loads(run("comment_data", "export", "nobody@example.org"))

    assert data["comments"] == []


def test_export_runs_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(5):
        comment = CommentFactory(author_email="mario@example.org")
        CommentEventFactory(comment=comment)

    # The comments, their history, the address's confirmation, its subscriptions.
    with django_assert_num_queries(4):
        run("comment_data", "export", "mario@example.org")


def test_comment_data_rejects_an_invalid_email():
    with pytest.raises(CommandError, match="not a valid email address"):
        run("comment_data", "export", "not-an-email")


# comment_data erase


def test_erase_anonymises_the_comments_and_keeps_them_in_their_threads():
    user = UserFactory(email="mario@example.org")
    root = CommentFactory(approved=True)
    comment = CommentFactory(
        article=root.article,
        parent=root,
        approved=True,
        user=user,
        author_name="Mario Bianchi",
        author_email="mario@example.org",
        author_url="https://mario.example.org/",
        referrer="https://example.com/",
        akismet_data={"comment_author": "Mario Bianchi"},
        body="Mi piace.",
        language="it",
    )
    other = CommentFactory(approved=True, article=root.article)

    output = run("comment_data", "erase", "mario@example.org", interactive=False)

    comment.refresh_from_db()
    with translation.override("it"):
        anonymous = translation.gettext("Anonymous")
    assert comment.author_name == anonymous
    assert comment.author_email == comment.author_url == ""
    assert comment.user is None
    assert comment.ip_address is None
    assert comment.user_agent == comment.referrer == ""
    assert comment.akismet_data == {}
    assert comment.body == "Mi piace."
    assert comment.status == Comment.Status.APPROVED
    assert comment.parent_id == root.pk
    assert comment.events.get().message
    other.refresh_from_db()
    assert other.author_email != ""
    assert "Anonymised 1 comment(s)" in output


def test_erase_can_also_replace_the_text():
    comment = CommentFactory(author_email="mario@example.org", body="My secret.")

    run(
        "comment_data",
        "erase",
        "mario@example.org",
        remove_text=True,
        interactive=False,
    )

    comment.refresh_from_db()
    assert "My secret." not in comment.body
    assert comment.body


def test_erase_asks_for_confirmation(monkeypatch):
    comment = CommentFactory(author_email="mario@example.org")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        run("comment_data", "erase", "mario@example.org")

    comment.refresh_from_db()
    assert comment.author_email == "mario@example.org"


def test_erase_of_an_unknown_email_changes_nothing():
    comment = CommentFactory()

    output = run("comment_data", "erase", "nobody@example.org", interactive=False)

    comment.refresh_from_db()
    assert comment.author_email
    assert "No comments found" in output
