"""The moderation rules: what holds a comment Akismet passed, what trashes it."""

import akismet
import pytest

from comments import checks, moderation, spam, tasks
from comments.models import Comment, ModerationSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory


@pytest.fixture
def rules(db):
    return ModerationSettings.load()


@pytest.fixture
def ham(akismet_sync_class, monkeypatch, settings):
    """Akismet says ham to everything: only the rules decide."""
    settings.AKISMET_API_KEY = "test-key"
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)


def checked(django_capture_on_commit_callbacks, **fields):
    from django.utils import timezone

    comment = CommentFactory(next_check_at=timezone.now(), **fields)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_comment.enqueue(comment_id=comment.pk)
    comment.refresh_from_db()
    return comment


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM),
]


def test_plain_comment_passes(rules, ham, django_capture_on_commit_callbacks):
    """With default rules, a ham comment with one link is published."""
    comment = checked(
        django_capture_on_commit_callbacks, body="See https://example.org for more."
    )
    assert comment.status == Comment.Status.APPROVED
    assert checks.held_by_rules(comment, rules) == ""


def test_links_at_the_limit_are_held(rules, ham, django_capture_on_commit_callbacks):
    """N or more links (default 2) hold the comment, with the count given."""
    body = "http://a.example https://b.example and www.c.example"
    comment = checked(django_capture_on_commit_callbacks, body=body)
    assert comment.status == Comment.Status.PENDING
    assert comment.check_state == Comment.CheckState.CHECKED
    assert comment.held_reason == "3 link"
    assert comment.events.last().message == "Akismet: non è spam; trattenuto: 3 link"


def test_link_limit_is_a_setting(rules, ham, django_capture_on_commit_callbacks):
    """Raising the limit lets the same comment through; 0 turns the rule off."""
    rules.link_limit = 0
    rules.save()
    comment = checked(
        django_capture_on_commit_callbacks, body="http://a.example http://b.example"
    )
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    "field",
    [
        {"author_name": "Casino Pete"},
        {"author_email": "pete@casino.example"},
        {"author_url": "https://casino.example"},
        {"body": "Visit our CASINO today"},
    ],
)
def test_moderation_words_hold(rules, ham, django_capture_on_commit_callbacks, field):
    """A moderation-list word in name, email, website or text holds the comment."""
    rules.moderation_words = "viagra\n  casino  \n"
    rules.save()
    comment = checked(django_capture_on_commit_callbacks, **field)
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "contiene “casino” (elenco di moderazione)"


def test_moderation_words_match_the_ip(rules, ham, django_capture_on_commit_callbacks):
    """An IP address (or its start) on the moderation list holds the comment."""
    rules.moderation_words = "203.0.113."
    rules.save()
    comment = checked(django_capture_on_commit_callbacks, ip_address="203.0.113.9")
    assert comment.status == Comment.Status.PENDING


def test_disallowed_words_trash(rules, ham, django_capture_on_commit_callbacks):
    """A disallowed-list word sends the comment to the trash, before Akismet."""
    rules.disallowed_words = "slur"
    rules.save()
    comment = checked(django_capture_on_commit_callbacks, body="What a SLUR.")
    assert comment.status == Comment.Status.TRASH
    assert comment.verdict == ""
    assert comment.events.last().message == (
        "spostato nel cestino: contiene “slur” (elenco dei termini vietati)"
    )


def test_prior_approval_required(rules, ham, django_capture_on_commit_callbacks):
    """
    With the rule on, a first-time author waits; one with an approved comment
    not, provided both were made with the address confirmed from the browser
    (verified): someone typing a regular's address is held.
    """
    rules.require_prior_approval = True
    rules.save()
    newcomer = checked(
        django_capture_on_commit_callbacks,
        author_email="new@example.org",
        verified=True,
    )
    assert newcomer.held_reason == "primo commento di questo autore"
    assert newcomer.held_rule == Comment.HeldRule.FIRST
    CommentFactory(approved=True, verified=True, author_email="known@example.org")
    regular = checked(
        django_capture_on_commit_callbacks,
        author_email="KNOWN@example.org",
        verified=True,
    )
    assert regular.status == Comment.Status.APPROVED
    impostor = checked(
        django_capture_on_commit_callbacks, author_email="known@example.org"
    )
    assert impostor.status == Comment.Status.PENDING
    assert impostor.held_reason == "indirizzo email non confermato dall'autore"


def test_prior_approval_follows_the_account(
    rules, ham, django_capture_on_commit_callbacks
):
    """A logged-in author is known by their account, whatever the email."""
    rules.require_prior_approval = True
    rules.save()
    user = UserFactory()
    CommentFactory(approved=True, user=user, author_email="old@example.org")
    comment = checked(django_capture_on_commit_callbacks, user=user)
    assert comment.status == Comment.Status.APPROVED


def test_hold_all(rules, ham, django_capture_on_commit_callbacks):
    """With manual approval on, every comment waits."""
    rules.hold_all = True
    rules.save()
    comment = checked(django_capture_on_commit_callbacks)
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "ogni commento viene approvato a mano"


def test_held_comment_emails_moderators(
    rules, ham, django_capture_on_commit_callbacks, mailoutbox
):
    """Moderators (permission or superuser, active, with email) hear of it."""
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename="moderate_comment")
    mod = UserFactory(username="mod", email="mod@example.org")
    mod.user_permissions.add(perm)
    UserFactory(username="boss", is_superuser=True, email="boss@example.org")
    UserFactory(
        username="gone", is_superuser=True, email="gone@example.org", is_active=False
    )
    UserFactory(username="reader", email="reader@example.org")
    rules.hold_all = True
    rules.save()
    comment = checked(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["boss@example.org", "mod@example.org"]
    assert "in attesa di moderazione" in message.subject
    assert comment.body in message.body
    assert "ogni commento viene approvato a mano" in message.body


def test_moderator_email_can_be_turned_off(
    rules, ham, django_capture_on_commit_callbacks, mailoutbox
):
    """notify_moderators off: no email."""
    UserFactory(username="boss", is_superuser=True, email="boss@example.org")
    rules.hold_all = True
    rules.notify_moderators = False
    rules.save()
    checked(django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_article_author_is_emailed_when_asked(
    rules, ham, django_capture_on_commit_callbacks, mailoutbox
):
    """notify_article_author (off by default) emails the author of a published one."""
    article = ArticleFactory(
        author=UserFactory(username="writer", email="w@example.org")
    )
    checked(django_capture_on_commit_callbacks, article=article)
    assert mailoutbox == []
    rules.notify_article_author = True
    rules.save()
    comment = checked(django_capture_on_commit_callbacks, article=article, body="Other")
    assert [m.to for m in mailoutbox] == [["w@example.org"]]
    assert f"#comment-{comment.pk}" in mailoutbox[0].body


def test_moderator_verbs_record_who_did_what(db, django_capture_on_commit_callbacks):
    """Each action changes the status once, records the actor, and says so."""
    maria = UserFactory(username="maria")
    comment = CommentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.approve(comment, by=maria)
        assert not moderation.approve(comment, by=maria)
        assert moderation.unapprove(comment, by=maria)
        assert moderation.trash(comment, by=maria)
        assert moderation.restore(comment, by=maria)
        assert comment.status == Comment.Status.PENDING
        assert moderation.mark_spam(comment, by=maria)
        assert moderation.mark_not_spam(comment, by=maria)
        assert moderation.edit_body(comment, "Edited.", by=maria)
        assert not moderation.edit_body(comment, "Edited.", by=maria)
    comment.refresh_from_db()
    assert comment.body == "Edited."
    events = list(comment.events.values_list("message", "actor__username"))
    assert [m for m, _ in events if "maria" in m] == [
        "approvato da maria",
        "non approvato da maria",
        "spostato nel cestino da maria (contrario alle regole dei commenti)",
        "ripristinato da maria",
        "segnalato come spam da maria (spam o pubblicità)",
        "segnalato come non spam da maria",
        "testo modificato da maria",
    ]
    assert {a for m, a in events if "maria" in m} == {"maria"}


def test_restore_returns_to_the_previous_status(db):
    """A comment trashed while approved comes back approved."""
    comment = CommentFactory(approved=True)
    moderation.trash(comment, by=None)
    moderation.restore(comment, by=None)
    assert comment.status == Comment.Status.APPROVED


def test_delete_removes_the_comment(db):
    """Deleting is permanent."""
    comment = CommentFactory()
    assert moderation.delete(comment, by=None)
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_moderator_decision_stops_automatic_checks(db):
    """Once a moderator acts, the sweep will not run the check on the comment."""
    from django.utils import timezone

    comment = CommentFactory(next_check_at=timezone.now())
    moderation.approve(comment, by=None)
    moderation.unapprove(comment, by=None)
    assert not Comment.objects.check_due().filter(pk=comment.pk).exists()
