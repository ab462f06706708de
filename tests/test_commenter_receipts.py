"""
The commenter's side: the status link after posting, the statement of reasons,
the request for review, confirmed addresses and the trust they earn, the verdict
by mail, and the author's own edits and deletion.
"""

import re
from datetime import timedelta

import akismet
import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import moderation, receipts, spam, verification
from comments.models import Comment, CommenterEmail, ModerationSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM),
]

QUEUE = "/admin/comments/comment/?status=all"


@pytest.fixture
def ham(akismet_sync_class, monkeypatch, settings):
    """Akismet answers ham to everything: only the rules decide."""
    settings.AKISMET_API_KEY = "test-key"
    settings.COMMENTS_FLOOD_SECONDS = 0
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)


@pytest.fixture
def rules(db):
    return ModerationSettings.load()


def status_link(response):
    """The status page's path, from the confirmation shown after posting."""
    page = response.content.decode()
    found = re.search(
        r'href="(/(?:en/)?(?:commenti/stato|comments/status)/[^"]+)"', page
    )
    assert found, "no status link on the page"
    return found.group(1)


def mailed_link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def posted(client, post_comment, article, **fields):
    response = post_comment(article, **fields)
    assert response.status_code == 302, response.content
    return client.get(response["Location"]), Comment.objects.latest("pk")


# The status link -------------------------------------------------------------


def test_status_link_after_posting_works_in_another_browser(
    client, post_comment, ham, rules
):
    """Held by the link rule: the other browser is told it waits, and why."""
    article = ArticleFactory()
    page, comment = posted(
        client,
        post_comment,
        article,
        body="See https://example.org and https://example.net.",
    )
    assert comment.status == Comment.Status.PENDING
    assert comment.held_rule == Comment.HeldRule.LINKS
    link = status_link(page)

    response = Client().get(link)
    assertContains(response, "Il tuo commento è in attesa di moderazione.")
    assertContains(response, "Contiene 2 link, perciò un moderatore lo legge prima.")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert "og:title" not in response.content.decode()

    english = Client().get(
        "/en"
        + reverse("comments:status", args=[receipts.token(comment)]).replace(
            "/commenti/stato/", "/comments/status/"
        )
    )
    assertContains(english, "It contains 2 links, so a moderator reads it first.")


def test_published_comment_links_to_itself(client, post_comment, ham, rules):
    article = ArticleFactory()
    page, comment = posted(client, post_comment, article)
    assert comment.status == Comment.Status.APPROVED
    response = Client().get(status_link(page))
    assertContains(response, "Il tuo commento è pubblicato.")
    assertContains(response, comment.get_absolute_url())


def test_tampered_and_stale_links(client):
    comment = CommentFactory()
    token = receipts.token(comment)
    response = client.get(reverse("comments:status", args=[token + "x"]))
    assert response.status_code == 400
    assertContains(response, "Questo link non funziona", status_code=400)
    other = token.replace(str(comment.pk), str(comment.pk + 1), 1)
    assert client.get(reverse("comments:status", args=[other])).status_code == 400
    comment.delete()
    response = client.get(reverse("comments:status", args=[token]))
    assertContains(response, "Questo commento non esiste più.", status_code=404)


def test_unknown_action_and_hostile_input_are_refused_with_a_message(client):
    comment = CommentFactory(spam=True)
    url = receipts.status_url(comment)
    assert client.post(url, {"action": "explode"}).status_code == 400
    response = client.post(url, {"action": "appeal", "message": "x" * 5000})
    assertContains(response, "x" * 100, status_code=400)
    comment.refresh_from_db()
    assert comment.appeal == ""


def test_forged_post_from_another_site_is_refused(client):
    comment = CommentFactory(spam=True)
    forged = Client(enforce_csrf_checks=True)
    response = forged.post(
        receipts.status_url(comment),
        {"action": "appeal", "message": "Please"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.appeal == ""


# Reasons, and the request for review ------------------------------------------


def test_rejected_with_a_reason_appealed_and_approved(admin_client):
    """The reason and note reach the author; their appeal the Appeals view."""
    comment = CommentFactory(body="Something about football.")
    response = admin_client.post(
        QUEUE,
        {
            "action": "trash",
            "_selected_action": [comment.pk],
            "reason": Comment.Reason.OFF_TOPIC,
            "note": "This piece is about the budget.",
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert comment.rejection_reason == Comment.Reason.OFF_TOPIC
    event = comment.events.latest("pk")
    assert "fuori tema" in event.message
    assert "This piece is about the budget." in event.message

    author = Client()
    url = receipts.status_url(comment)
    page = author.get(url)
    assertContains(page, "Il tuo commento non è stato pubblicato.")
    assertContains(page, "Motivo: fuori tema.")
    assertContains(page, "This piece is about the budget.")
    assertContains(page, "Deciso il")

    response = author.post(url, {"action": "appeal", "message": "It is on topic."})
    assert response.status_code == 302
    assertContains(author.get(url), "Hai chiesto una revisione")
    # Once only.
    assert author.post(url, {"action": "appeal", "message": "Again"}).status_code == 400

    appeals = admin_client.get(QUEUE.replace("all", "appeals"))
    assertContains(appeals, "Richieste di revisione (1)")
    assertContains(appeals, "It is on topic.")
    assert list(appeals.context["cl"].result_list) == [comment]

    admin_client.post(QUEUE, {"action": "restore", "_selected_action": [comment.pk]})
    admin_client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.appeal == Comment.Appeal.DECIDED
    assert comment.rejection_reason == ""
    assertContains(author.get(url), "Il tuo commento è pubblicato.")
    assertContains(
        admin_client.get(QUEUE.replace("all", "appeals")),
        "Richieste di revisione (0)",
    )


def test_default_reasons_and_keeping_a_rejection(admin_client):
    spammy, rude = CommentFactory(), CommentFactory()
    admin_client.post(QUEUE, {"action": "mark_spam", "_selected_action": [spammy.pk]})
    admin_client.post(QUEUE, {"action": "trash", "_selected_action": [rude.pk]})
    spammy.refresh_from_db()
    rude.refresh_from_db()
    assert spammy.rejection_reason == Comment.Reason.SPAM
    assert rude.rejection_reason == Comment.Reason.GUIDELINES

    assert moderation.appeal(rude, "Please look again")
    admin_client.post(QUEUE, {"action": "keep_rejected", "_selected_action": [rude.pk]})
    rude.refresh_from_db()
    assert rude.status == Comment.Status.TRASH
    assert rude.appeal == Comment.Appeal.DECIDED
    assertContains(
        Client().get(receipts.status_url(rude)), "Un moderatore ha riesaminato"
    )


def test_automatic_spam_is_explained_without_akismet(client):
    comment = CommentFactory(spam=True, verdict=Comment.Verdict.SPAM)
    page = client.get(receipts.status_url(comment))
    assertContains(page, "Il nostro filtro antispam automatico lo ha giudicato spam.")
    assertNotContains(page, "Akismet")
    assert receipts.may_appeal(comment)
    blatant = CommentFactory(spam=True, verdict=Comment.Verdict.DISCARD)
    assert not receipts.may_appeal(blatant)


# Confirmed addresses and trust ------------------------------------------------


def confirm_from(browser, comment):
    """Ask for the confirmation mail from the status page and follow its link."""
    mail.outbox.clear()
    browser.post(receipts.status_url(comment), {"action": "confirm"})
    assert len(mail.outbox) == 1
    link = mailed_link(mail.outbox[0])
    page = browser.get(link)
    assertContains(page, "Conferma il mio indirizzo")
    assert browser.post(link).status_code == 200
    return link


def test_confirming_an_address_by_mail(client):
    comment = CommentFactory(author_email="Anna@Example.org")
    link = confirm_from(client, comment)
    message = mail.outbox[0]
    assert message.to == ["Anna@Example.org"]
    assert "/commenti/conferma-email/" in message.body
    assert CommenterEmail.objects.get().confirmed_at is not None
    assert client.cookies[verification.COOKIE].value

    # The link works once.
    elsewhere = Client()
    assert elsewhere.post(link).status_code == 400
    assert verification.COOKIE not in elsewhere.cookies


def test_confirmation_mail_at_most_once_an_hour(client, caplog):
    comment = CommentFactory(author_email="anna@example.org")
    url = receipts.status_url(comment)
    client.post(url, {"action": "confirm"})
    client.post(url, {"action": "confirm"})
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client.post(url, {"action": "confirm"})
    assert len(mail.outbox) == 2
    assert "anna@example.org" not in caplog.text


def test_tampered_and_expired_confirmation_links(client):
    token = verification.link_token("anna@example.org")
    url = reverse("comments:confirm-email", args=[token[:-2] + "xx"])
    assert client.get(url).status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.get(reverse("comments:confirm-email", args=[token]))
    assertContains(response, "scaduto", status_code=400)


def test_prior_approval_counts_only_confirmed_addresses(
    client, post_comment, ham, rules
):
    """The impostor typing a regular's address is held; the regular is not."""
    rules.require_prior_approval = True
    rules.save()
    article = ArticleFactory()
    regular = Client()
    _page, first = posted(regular, post_comment, article, using=regular)
    assert first.status == Comment.Status.PENDING
    assert first.held_rule == Comment.HeldRule.FIRST
    confirm_from(regular, first)
    moderation.approve(first, by=None)
    first.refresh_from_db()
    assert not first.verified  # made before the address was confirmed

    _page, second = posted(
        regular, post_comment, article, using=regular, body="Second thought."
    )
    assert second.verified
    assert second.status == Comment.Status.PENDING  # no verified approval yet
    moderation.approve(second, by=None)

    _page, third = posted(
        regular, post_comment, article, using=regular, body="Third thought."
    )
    assert third.status == Comment.Status.APPROVED

    impostor = Client()
    _page, forged = posted(
        impostor,
        post_comment,
        article,
        using=impostor,
        author_name="Impostore",
        body="Pretending.",
    )
    assert not forged.verified
    assert forged.status == Comment.Status.PENDING
    assert forged.held_reason == "indirizzo email non confermato dall'autore"


def test_trusted_commenter_skips_the_hold_rules(
    client, post_comment, ham, rules, settings, admin_client, admin_user
):
    settings.COMMENTS_TRUST_APPROVED = 2
    rules.hold_all = True
    rules.save()
    article = ArticleFactory()
    CommentFactory.create_batch(
        2, approved=True, verified=True, author_email="anna@example.org"
    )
    reader = Client()
    CommenterEmail.objects.create(email="anna@example.org", confirmed_at=timezone.now())
    response = reader.get("/")
    verification.remember(response, response.wsgi_request, "anna@example.org")
    reader.cookies.update(response.cookies)

    _page, comment = posted(reader, post_comment, article, using=reader)
    assert comment.status == Comment.Status.APPROVED
    assert comment.events.filter(message__contains="di fiducia").exists()

    history = reverse("admin:comments_comment_commenter", args=[comment.pk])
    assertContains(admin_client.get(history), "Di fiducia")
    admin_client.post(history, {"action": "revoke_trust"})
    assertContains(admin_client.get(history), "Fiducia ritirata")
    _page, held = posted(reader, post_comment, article, using=reader, body="Another.")
    assert held.status == Comment.Status.PENDING

    admin_client.post(history, {"action": "restore_trust"})
    _page, back = posted(reader, post_comment, article, using=reader, body="Third.")
    assert back.status == Comment.Status.APPROVED


def test_a_spam_verdict_lately_costs_the_trust(settings):
    settings.COMMENTS_TRUST_APPROVED = 1
    CommenterEmail.objects.create(email="anna@example.org", confirmed_at=timezone.now())
    CommentFactory(approved=True, verified=True, author_email="anna@example.org")
    assert verification.trust("anna@example.org")["trusted"]
    CommentFactory(spam=True, author_email="ANNA@example.org")
    assert not verification.trust("anna@example.org")["trusted"]


# The verdict by mail ------------------------------------------------------------


def test_verified_author_is_mailed_the_verdict(
    client, moderator, django_capture_on_commit_callbacks
):
    CommenterEmail.objects.create(email="anna@example.org", confirmed_at=timezone.now())
    comment = CommentFactory(author_email="anna@example.org", verified=True)
    url = receipts.status_url(comment)
    assertContains(client.get(url), "Scrivimi quando si sarà deciso")
    assert client.post(url, {"action": "notify"}).status_code == 302

    comment.refresh_from_db()
    assert comment.notify_verdict
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.trash(
            comment, by=moderator, reason=Comment.Reason.ABUSIVE, note="Insults."
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "non è stato pubblicato" in message.subject
    assert "offensivo o insultante" in message.body
    assert "Insults." in message.body
    assert receipts.token(comment) in message.body


def test_unverified_author_cannot_ask_for_the_verdict(client):
    comment = CommentFactory(author_email="anna@example.org")
    url = receipts.status_url(comment)
    assertNotContains(client.get(url), "Scrivimi quando si sarà deciso")
    assert client.post(url, {"action": "notify"}).status_code == 400


# Edits and deletion by the author ------------------------------------------------


def test_author_edits_a_published_comment_which_is_checked_again(
    client, post_comment, ham, rules, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    page, comment = posted(client, post_comment, article)
    assert comment.status == Comment.Status.APPROVED
    url = status_link(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "edit", "body": "A better point."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "A better point."
    assert comment.edited_at is not None
    assert comment.status == Comment.Status.APPROVED  # checked again: ham
    messages = list(comment.events.values_list("message", flat=True))
    assert "testo modificato dall'autore" in messages
    assert messages.count("Akismet: non è spam") == 2
    assertContains(client.get(article.get_absolute_url()), "A better point.")

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = client.post(url, {"action": "edit", "body": "Too late."})
    assertContains(late, "non può più essere modificato", status_code=400)
    assertContains(late, "Too late.", status_code=400)


def test_edit_with_links_is_held_again(
    client, post_comment, ham, rules, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    page, comment = posted(client, post_comment, article)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            status_link(page),
            {
                "action": "edit",
                "body": "Buy at https://a.example and https://b.example",
            },
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_rule == Comment.HeldRule.LINKS
    assertNotContains(Client().get(article.get_absolute_url()), "Buy at")


def test_empty_edit_is_refused_with_the_text_kept(client):
    comment = CommentFactory()
    response = client.post(
        receipts.status_url(comment), {"action": "edit", "body": "   "}
    )
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.body != ""


def test_author_deletes_a_comment_without_replies(client):
    comment = CommentFactory(approved=True)
    article = comment.article
    response = client.post(receipts.status_url(comment), {"action": "delete"})
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert client.get(receipts.status_url(comment)).status_code == 404
    assert response["Location"] == article.get_absolute_url()


def test_deleted_comment_with_replies_leaves_a_placeholder(client):
    comment = CommentFactory(approved=True, body="Original words.", author_name="Bruno")
    reply = CommentFactory(
        approved=True, article=comment.article, parent=comment, body="A reply."
    )
    client.post(receipts.status_url(comment), {"action": "delete"})
    comment.refresh_from_db()
    assert comment.author_deleted
    assert comment.body == comment.author_email == comment.author_name == ""
    page = client.get(comment.article.get_absolute_url())
    assertContains(page, "Commento eliminato dal suo autore.")
    assertContains(page, reply.body)
    assertNotContains(page, "Original words.")
    assertNotContains(page, f"replyto={comment.pk}")
    assertContains(page, "1 commento")
    feed = client.get(reverse("comments:feed"))
    assertNotContains(feed, "Original words.")


def test_article_page_queries_do_not_grow_with_the_commenters_side(
    client, django_assert_num_queries
):
    article = ArticleFactory()
    CommentFactory.create_batch(3, approved=True, article=article)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        client.get(article.get_absolute_url())
    for i in range(5):
        comment = CommentFactory(
            approved=True,
            article=article,
            verified=True,
            author_email=f"reader{i}@example.org",
        )
        CommenterEmail.objects.create(email=comment.author_email)
        moderation.appeal(CommentFactory(spam=True, article=article), "Please")
    CommentFactory(approved=True, article=article, author_deleted=True, body="")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(article.get_absolute_url())


def test_the_posting_browser_gets_the_edit_link_while_it_may_edit(
    client, post_comment, ham, rules
):
    article = ArticleFactory()
    page, comment = posted(client, post_comment, article)
    assert comment.status == Comment.Status.APPROVED
    assertContains(page, "Modifica o elimina")
    assertContains(page, receipts.status_url(comment))
    assertNotContains(Client().get(article.get_absolute_url()), "Modifica o elimina")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = client.get(article.get_absolute_url())
    assertNotContains(later, "Modifica o elimina")
