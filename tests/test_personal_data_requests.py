"""
The reader's own data: asked for from the privacy page, by a signed link mailed
to the address; downloaded as JSON or erased after a confirmation; also from the
commenter's history in the admin. Every request is recorded and logged by the
address's keyed hash, never by the address.
"""

import json
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import personal_data, verification
from comments.models import (
    Comment,
    CommenterEmail,
    CommenterNote,
    DataRequest,
    Subscription,
)
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

EMAIL = "lucia@example.org"


@pytest.fixture
def lucia(db):
    article = ArticleFactory(title="Il porto")
    comment = CommentFactory(
        article=article,
        author_name="Lucia",
        author_email=EMAIL,
        body="Il molo va rifatto.",
        ip_address="198.51.100.7",
    )
    CommenterEmail.objects.create(email=EMAIL, confirmed_at=timezone.now())
    Subscription.objects.create(email=EMAIL, article=article)
    return comment


def ask(client, email=EMAIL, *, ip="198.51.100.20"):
    return client.post(
        reverse("comments:data-request"), {"email": email}, REMOTE_ADDR=ip
    )


@pytest.fixture
def asked(client, django_capture_on_commit_callbacks):
    """Ask for the link as a reader would, running what waits for the commit."""

    def post(email=EMAIL, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return ask(client, email, **kwargs)

    return post


def answer(response):
    return re.search(r'<p role="status">.*?</p>', response.content.decode(), re.S)[0]


def mailed_path(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


# Asking from the privacy page ------------------------------------------------------


def test_privacy_page_offers_the_request_and_sets_no_cookie(client):
    response = client.get(reverse("comments:privacy"))

    assertContains(response, 'action="' + reverse("comments:data-request") + '"')
    assertContains(response, 'name="email"')
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_asking_mails_a_link_to_the_address(asked, lucia):
    response = asked()

    assertContains(response, "Se conserviamo qualcosa su questo indirizzo")
    assert response["Cache-Control"] == "private, no-store"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert "/commenti/i-miei-dati/" in mail.outbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(asked, lucia):
    known = asked()
    unknown = asked("nobody@example.org")

    assert unknown.status_code == known.status_code == 200
    assert answer(unknown) == answer(known)
    assert len(mail.outbox) == 1


def test_one_link_an_hour_per_address(asked, lucia):
    asked()
    again = asked(ip="198.51.100.21")

    assertContains(again, "Se conserviamo qualcosa su questo indirizzo")
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        asked(ip="198.51.100.22")
    assert len(mail.outbox) == 2


def test_too_many_requests_from_one_reader_are_refused_with_the_text_kept(asked, lucia):
    for number in range(personal_data.REQUESTS_PER_HOUR):
        asked(f"reader{number}@example.org")

    response = asked("last@example.org")

    assert response.status_code == 429
    assertContains(response, "troppe richieste", status_code=429)
    assertContains(response, 'value="last@example.org"', status_code=429)


def test_an_invalid_address_is_shown_again_with_an_error(asked):
    response = asked("not an address")

    assert response.status_code == 400
    assertContains(response, 'value="not an address"', status_code=400)
    assert not mail.outbox


def test_a_forged_request_from_another_site_is_refused(lucia):
    reader = Client(enforce_csrf_checks=True)

    response = reader.post(
        reverse("comments:data-request"),
        {"email": EMAIL},
        headers={"origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert not mail.outbox


def test_the_link_is_mailed_in_the_readers_language(asked, lucia, english_site):
    asked()

    assert "/comments/my-data/" in mail.outbox[0].body
    assert "Your data" in mail.outbox[0].subject


def test_the_request_works_without_mail_and_logs_no_address(
    asked, lucia, settings, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with caplog.at_level(logging.INFO):
        response = asked()

    assertContains(response, "Se conserviamo qualcosa su questo indirizzo")
    assert EMAIL not in caplog.text
    assert verification.email_key(EMAIL) in caplog.text


# The link's page --------------------------------------------------------------------


def test_the_link_shows_what_is_kept_and_downloads_the_export(asked, lucia, client):
    asked()
    page = client.get(mailed_path(mail.outbox[0]))

    assert page["Cache-Control"] == "private, no-store"
    assertContains(page, "1 commento")
    assertContains(page, "1 iscrizione")

    download = client.get(mailed_path(mail.outbox[0]), {"download": ""})

    assert download["Content-Type"] == "application/json"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    data = json.loads(download.content)
    assert data["email"] == EMAIL
    assert [c["text"] for c in data["comments"]] == ["Il molo va rifatto."]
    assert data["comments"][0]["ip_address"] == "198.51.100.7"
    assert len(data["subscriptions"]) == 1
    assert DataRequest.objects.filter(action="export", source="reader").count() == 1


def test_erasure_needs_the_confirmation(asked, lucia, client):
    asked()
    link = mailed_path(mail.outbox[0])

    response = client.post(link, {"remove_text": "on"})

    assert response.status_code == 400
    assertContains(response, "Spunta la casella", status_code=400)
    lucia.refresh_from_db()
    assert lucia.author_email == EMAIL


def test_erasure_by_the_link_anonymises_and_forgets_the_address(asked, lucia, client):
    CommenterNote.objects.create(email=EMAIL, note="Scrive spesso del porto.")
    asked()
    link = mailed_path(mail.outbox[0])

    response = client.post(link, {"confirm": "on"})

    assertContains(response, "1 commento è reso anonimo")
    lucia.refresh_from_db()
    assert lucia.author_email == ""
    assert lucia.ip_address is None
    assert lucia.body == "Il molo va rifatto."
    assert not CommenterEmail.objects.filter(email=EMAIL).exists()
    assert not Subscription.objects.filter(email=EMAIL).exists()
    assert not CommenterNote.objects.filter(email=EMAIL).exists()
    assert DataRequest.objects.filter(action="erase", source="reader").count() == 1
    assertContains(client.get(link), "Non è conservato nulla")


def test_erasure_can_remove_the_text(asked, lucia, client):
    asked()

    client.post(mailed_path(mail.outbox[0]), {"confirm": "on", "remove_text": "on"})

    lucia.refresh_from_db()
    assert "rimosso" in lucia.body


def test_a_tampered_link_is_refused(asked, lucia, client):
    asked()
    link = mailed_path(mail.outbox[0])

    response = client.get(link[:-3] + "xyz/")

    assert response.status_code == 400
    assertContains(response, "pagina sulla privacy", status_code=400)
    assert client.post(link[:-3] + "xyz/", {"confirm": "on"}).status_code == 400
    lucia.refresh_from_db()
    assert lucia.author_email == EMAIL


def test_an_expired_link_is_refused(asked, lucia, client):
    asked()
    link = mailed_path(mail.outbox[0])

    with time_machine.travel(timezone.now() + personal_data.LINK_AGE + timedelta(1)):
        response = client.post(link, {"confirm": "on"})

    assert response.status_code == 400
    lucia.refresh_from_db()
    assert lucia.author_email == EMAIL


def test_a_status_link_token_does_not_open_the_data(lucia, client):
    """Tokens are salted per use: another signed link is not a key to the data."""
    token = verification.link_token(EMAIL)

    response = client.get(reverse("comments:my-data", args=[token]))

    assert response.status_code == 400


# From the admin ---------------------------------------------------------------------


def history_url(comment):
    return reverse("admin:comments_comment_commenter", args=[comment.pk])


def test_moderators_download_the_export_from_the_history(client, moderator, lucia):
    client.force_login(moderator)

    page = client.get(history_url(lucia))
    response = client.post(history_url(lucia), {"action": "export_data"})

    assertContains(page, 'value="export_data"')
    assert json.loads(response.content)["comments"][0]["name"] == "Lucia"
    record = DataRequest.objects.get()
    assert (record.action, record.source, record.by) == ("export", "admin", moderator)
    assert record.email_key == verification.email_key(EMAIL)


def test_moderators_erase_from_the_history_after_confirming(client, moderator, lucia):
    client.force_login(moderator)

    refused = client.post(history_url(lucia), {"action": "erase_data"})
    lucia.refresh_from_db()
    assert refused.status_code == 200
    assert lucia.author_email == EMAIL

    done = client.post(
        history_url(lucia), {"action": "erase_data", "erase-confirm": "on"}
    )

    assert done.status_code == 302
    lucia.refresh_from_db()
    assert lucia.author_email == ""
    assert DataRequest.objects.filter(action="erase", by=moderator).exists()


def test_erasure_in_the_admin_needs_the_delete_permission(client, moderator, lucia):
    moderator.groups.first().permissions.remove(
        Permission.objects.get(codename="delete_comment")
    )
    client.force_login(moderator)

    page = client.get(history_url(lucia))
    response = client.post(
        history_url(lucia), {"action": "erase_data", "erase-confirm": "on"}
    )

    assertNotContains(page, 'value="erase_data"')
    assert response.status_code == 403
    lucia.refresh_from_db()
    assert lucia.author_email == EMAIL


def test_requests_are_listed_for_administrators_by_hash(admin_client, asked, lucia):
    asked()

    response = admin_client.get(reverse("admin:comments_datarequest_changelist"))

    assertContains(response, verification.email_key(EMAIL))
    assertNotContains(response, EMAIL)


def test_export_of_the_link_page_runs_a_fixed_number_of_queries(
    asked, lucia, client, django_assert_num_queries
):
    asked()
    link = mailed_path(mail.outbox[0])
    for _ in range(5):
        CommentFactory(author_email=EMAIL)

    # The record, then the comments, their history, the confirmation, the subscriptions.
    with django_assert_num_queries(5):
        client.get(link, {"download": ""})
    assert Comment.objects.filter(author_email=EMAIL).count() == 6
