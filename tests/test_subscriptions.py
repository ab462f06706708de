"""
Readers' subscriptions: to replies to their comment or to every new comment on
an article, chosen on the comment form; mailed to confirmed addresses only, at
most once an hour per article, with a one-click unsubscribe (RFC 8058).
"""

import logging
from datetime import timedelta

import akismet
import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from comments import emails, moderation, spam, subscriptions, tasks
from comments.models import Comment, CommenterEmail, Subscription

from .factories import ArticleFactory, CommentFactory, UserFactory

READER = "anna@example.org"


@pytest.fixture
def approve(moderator, django_capture_on_commit_callbacks):
    """Publish comments as a moderator, running what waits for the commit."""

    def publish(*comments):
        for comment in comments:
            with django_capture_on_commit_callbacks(execute=True):
                moderation.approve(comment, by=moderator)

    return publish


def confirm(email=READER):
    CommenterEmail.objects.update_or_create(
        email=email, defaults={"confirmed_at": timezone.now()}
    )


def sweep():
    call_command("recheck_comments", "--due", verbosity=0)


def subscribed(what, *, email=READER, article=None, **comment_fields):
    """A published comment by the reader, subscribed to ``what``."""
    comment = CommentFactory(
        article=article or ArticleFactory(),
        author_email=email,
        approved=True,
        **comment_fields,
    )
    subscriptions.subscribe(comment, what)
    return comment


def reply_to(comment, **fields):
    """A pending reply to a comment (published with ``approve``)."""
    return CommentFactory(article=comment.article, parent=comment, **fields)


def unsubscribe_path(mail):
    return mail.extra_headers["List-Unsubscribe"].strip("<>").split("testserver")[-1]


# Subscribing on the comment form -----------------------------------------------


@pytest.mark.django_db
def test_the_comment_form_offers_the_subscriptions(client):
    """The form asks what to mail, "nothing" chosen unless the reader says so."""
    article = ArticleFactory()
    with translation.override("en"):
        response = client.get(article.get_absolute_url())
    assertContains(response, 'name="subscribe"')
    assertContains(response, '<option value="" selected>')
    assertContains(response, '<option value="replies">')
    assertContains(response, '<option value="article">')


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["replies", "article"])
def test_posting_with_a_choice_subscribes_the_author(post_comment, what):
    """The choice is stored with the reader's address in lower case, once."""
    article = ArticleFactory()
    response = post_comment(article, subscribe=what, author_email="Anna@Example.org")
    assert response.status_code == 302
    comment = Comment.objects.get()
    subscription = Subscription.objects.get()
    assert subscription.email == READER
    assert subscription.article == article
    assert subscription.comment == (comment if what == "replies" else None)
    # Idempotent: subscribing again keeps the one row.
    subscriptions.subscribe(comment, what)
    assert Subscription.objects.count() == 1


@pytest.mark.django_db
def test_posting_without_a_choice_subscribes_nobody(post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    assert post_comment(ArticleFactory()).status_code == 302
    assert post_comment(ArticleFactory(), subscribe="").status_code == 302
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_an_unknown_choice_is_an_error(post_comment):
    response = post_comment(ArticleFactory(), subscribe="everything")
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_signed_in_readers_subscribe_with_their_account_address(client, post_comment):
    user = UserFactory(username="paolo", email="Paolo@Example.org")
    client.force_login(user)
    article = ArticleFactory()
    assert post_comment(article, subscribe="article").status_code == 302
    assert Subscription.objects.get().email == "paolo@example.org"


# Mail ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_confirmed_subscriber_is_mailed_a_published_reply(mailoutbox, approve):
    """One mail, with the reply, its link and the one-click unsubscribe headers."""
    confirm()
    mine = subscribed("replies")
    reply = reply_to(mine, author_name="Bruno", body="I see it otherwise.")
    approve(reply)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [READER]
    assert mine.article.title in mail.subject
    assert "Bruno" in mail.body
    assert "I see it otherwise." in mail.body
    assert f"http://127.0.0.1:8000{reply.get_absolute_url()}" in mail.body
    url = mail.extra_headers["List-Unsubscribe"]
    assert url.startswith("<http") and url.endswith(">")
    assert url.strip("<>") in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    subscription = Subscription.objects.get()
    assert subscription.last_mailed_at is not None
    assert (
        subscription.notified_until
        == Comment.objects.get(pk=reply.pk).status_changed_at
    )


@pytest.mark.django_db
def test_an_unconfirmed_address_is_mailed_nothing_until_confirmed(mailoutbox, approve):
    """The subscription waits; once the address is confirmed the sweep mails it."""
    mine = subscribed("replies")
    approve(reply_to(mine))
    sweep()
    assert mailoutbox == []

    CommenterEmail.objects.create(email=READER)  # asked, not confirmed yet
    sweep()
    assert mailoutbox == []

    confirm()
    sweep()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_replies_within_the_hour_wait_for_the_next_mail(mailoutbox, approve):
    """At most one mail an hour per article; the next one gathers what came since."""
    confirm()
    mine = subscribed("replies")
    first, second, third = (reply_to(mine, body=f"Reply {n}.") for n in (1, 2, 3))
    approve(first)
    approve(second, third)
    sweep()
    assert len(mailoutbox) == 1
    assert "Reply 1." in mailoutbox[0].body
    assert "Reply 2." not in mailoutbox[0].body

    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        sweep()
    assert len(mailoutbox) == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        sweep()
        sweep()
    assert len(mailoutbox) == 2
    assert "Reply 1." not in mailoutbox[1].body
    assert "Reply 2." in mailoutbox[1].body
    assert "Reply 3." in mailoutbox[1].body
    assert "2 " in mailoutbox[1].subject


@pytest.mark.django_db
def test_the_hourly_limit_counts_every_subscription_on_the_article(mailoutbox, approve):
    """Subscribed to the article and to replies: one mail an hour, each comment once."""
    confirm()
    mine = subscribed("replies")
    subscriptions.subscribe(mine, "article")
    approve(reply_to(mine, body="A reply."))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].body.count("A reply.") == 1

    approve(CommentFactory(article=mine.article, body="Another comment."))
    sweep()
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        sweep()
    assert len(mailoutbox) == 2
    assert "Another comment." in mailoutbox[1].body
    assert "A reply." not in mailoutbox[1].body


@pytest.mark.django_db
def test_article_subscribers_get_every_comment_reply_subscribers_only_replies(
    mailoutbox, approve
):
    confirm()
    confirm("bruno@example.org")
    mine = subscribed("replies")
    subscribed("article", email="bruno@example.org", article=mine.article)
    approve(CommentFactory(article=mine.article, body="Not a reply."))
    assert [m.to for m in mailoutbox] == [["bruno@example.org"]]


@pytest.mark.django_db
def test_comments_published_before_subscribing_are_not_mailed(mailoutbox, approve):
    confirm()
    article = ArticleFactory()
    approve(CommentFactory(article=article))
    subscribed("article", article=article)
    sweep()
    assert mailoutbox == []


@pytest.mark.django_db
def test_authors_are_not_mailed_about_their_own_comments(mailoutbox, approve):
    confirm()
    mine = subscribed("article")
    approve(
        CommentFactory(article=mine.article, author_email="ANNA@example.org"),
        reply_to(mine, author_email=READER),
    )
    sweep()
    assert mailoutbox == []
    assert Subscription.objects.get().last_mailed_at is None


@pytest.mark.django_db
def test_held_spam_and_trashed_comments_are_not_mailed(mailoutbox, moderator):
    confirm()
    mine = subscribed("article")
    spammy = CommentFactory(article=mine.article)
    moderation.mark_spam(spammy, by=moderator)
    CommentFactory(article=mine.article)  # pending
    sweep()
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_mail_is_in_the_language_of_the_subscribing_comment(mailoutbox, approve):
    """English comment, English mail and addresses; Italian otherwise."""
    confirm()
    confirm("bruno@example.org")
    mine = subscribed("replies", language="en")
    subscribed("article", email="bruno@example.org", article=mine.article)
    approve(reply_to(mine, author_name="Carla"))

    mails = {m.to[0]: m for m in mailoutbox}
    english, italian = mails[READER], mails["bruno@example.org"]
    assert "Carla wrote:" in english.body
    assert "/en/comments/unsubscribe/" in english.extra_headers["List-Unsubscribe"]
    assert "Carla ha scritto:" in italian.body
    assert "/commenti/disiscrizione/" in italian.extra_headers["List-Unsubscribe"]
    assert "/en/" not in italian.body


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_a_reply_published_by_akismet_is_mailed(
    akismet_sync_class,
    monkeypatch,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Ham published by the spam check mails the subscribers too."""
    settings.AKISMET_API_KEY = "test-key"
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)
    confirm()
    mine = subscribed("replies")
    reply = reply_to(mine, next_check_at=timezone.now(), akismet_data={})
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_comment.enqueue(comment_id=reply.pk)
    reply.refresh_from_db()
    assert reply.status == Comment.Status.APPROVED
    assert [m.to for m in mailoutbox] == [[READER]]


@pytest.mark.django_db
def test_two_workers_never_send_the_same_mail(mailoutbox, approve, monkeypatch):
    """A worker sending the mail has claimed it: another one meanwhile finds nothing."""
    confirm()
    mine = subscribed("replies")
    reply = reply_to(mine)
    send = emails.email_subscriber
    others = []

    def send_while_another_worker_runs(*args, **kwargs):
        others.append(subscriptions.send_due())
        return send(*args, **kwargs)

    monkeypatch.setattr(emails, "email_subscriber", send_while_another_worker_runs)
    approve(reply)
    assert others == [0]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_failed_mail_is_logged_and_sent_by_the_next_sweep(
    settings, mailoutbox, approve, caplog
):
    """SMTP down: nothing is lost, the sweep sends the mail once the server is back."""
    confirm()
    mine = subscribed("replies")
    settings.MAILERS = {
        "default": {"BACKEND": "tests.test_subscriptions.BrokenBackend"}
    }
    with caplog.at_level(logging.INFO, logger="comments.subscriptions"):
        approve(reply_to(mine, body="Lost?"))
        sweep()
    subscription = Subscription.objects.get()
    assert subscription.last_mailed_at is None
    assert "failed" in caplog.text
    assert READER not in caplog.text
    assert f"subscription {subscription.pk}" in caplog.text.lower()

    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    sweep()
    assert len(mailoutbox) == 1
    assert "Lost?" in mailoutbox[0].body


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


# Unsubscribing ---------------------------------------------------------------------


@pytest.fixture
def mailed(mailoutbox, approve):
    """A confirmed subscriber's mail about a reply to their comment."""
    confirm()
    mine = subscribed("replies")
    approve(reply_to(mine))
    return mailoutbox[0]


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_no_origin_no_token(mailed):
    """RFC 8058: the mail program posts List-Unsubscribe=One-Click to the link."""
    browserless = Client(enforce_csrf_checks=True)
    response = browserless.post(
        unsubscribe_path(mailed),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_unsubscribe_page_asks_then_unsubscribes(client, mailed):
    path = unsubscribe_path(mailed)
    response = client.get(path)
    assertContains(response, '<form method="post">')
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert Subscription.objects.exists()

    response = client.post(path)
    assertContains(response, "Disiscrizione fatta")
    assert "no-store" in response["Cache-Control"]
    assert not Subscription.objects.exists()

    # The link again, later: already done.
    response = client.get(path)
    assertContains(response, "Già disiscritto")
    assertNotContains(response, '<form method="post">')
    assert client.post(path).status_code == 200


@pytest.mark.django_db
def test_the_unsubscribe_page_in_english(client):
    mine = subscribed("replies")
    token = subscriptions.unsubscribe_token(Subscription.objects.get())
    with translation.override("en"):
        path = reverse("comments:unsubscribe", args=[token])
    assert path.startswith("/en/comments/unsubscribe/")
    response = client.get(path)
    assertContains(response, mine.article.title)
    assertContains(response, "Unsubscribe")


@pytest.mark.django_db
def test_unsubscribing_stops_the_mail(client, mailed, approve, mailoutbox):
    client.post(unsubscribe_path(mailed))
    comment = Comment.objects.filter(author_email=READER).get()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        approve(reply_to(comment))
        sweep()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_refused_kindly(client, mailed, method):
    path = unsubscribe_path(mailed)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    pk, signature = token.split(":", 1)
    for bad in (f"{int(pk) + 1}:{signature}", f"{pk}:{signature[:-1]}x", "nonsense"):
        bad_path = path.replace(token, bad)
        response = getattr(client, method)(bad_path)
        assert response.status_code == 400
        assertContains(response, "non funziona", status_code=400)
    assert Subscription.objects.exists()


# The article page ------------------------------------------------------------------


@pytest.mark.django_db
def test_subscriptions_add_no_query_to_the_article_page(client):
    article = ArticleFactory()
    comments = CommentFactory.create_batch(3, article=article, approved=True)
    url = article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n, comment in enumerate(comments * 10):
        email = f"reader{n}@example.org"
        confirm(email)
        Subscription.objects.create(email=email, article=article, comment=comment)
        Subscription.objects.create(email=email, article=article)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
