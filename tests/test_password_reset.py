"""Staff reset a forgotten password by email, from the admin login page."""

import re

import pytest
from axes.models import AccessAttempt
from pytest_django.asserts import assertContains

from django.urls import reverse

from tests.factories import UserFactory

NEW_PASSWORD = "a new and long passphrase"


@pytest.fixture
def staff(db):
    return UserFactory(
        username="anna", email="anna@newsroom.example", password="old", is_staff=True
    )


def request_reset(client, email):
    return client.post(reverse("admin_password_reset"), {"email": email})


def reset_link(message):
    return re.search(r"https?://[^/\s]+(/admin/password-reset/\S+/)", message.body)[1]


@pytest.mark.django_db
def test_login_page_links_to_the_password_reset(client):
    response = client.get(reverse("admin:login"))
    assertContains(response, reverse("admin_password_reset"))
    assertContains(response, "Password dimenticata?")


@pytest.mark.django_db
def test_request_follow_the_link_set_a_password_and_log_in(
    client, staff, mailoutbox, admin_login
):
    response = request_reset(client, "anna@newsroom.example")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["anna@newsroom.example"]
    assert "anna" in message.body

    form = client.get(reset_link(message), follow=True)
    assertContains(form, 'name="new_password1"')
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_reset_complete")

    assert not admin_login(client, "anna", "old")
    assert admin_login(client, "anna", NEW_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_mail_is_in_the_admins_language(client, staff, mailoutbox):
    client.post(
        reverse("admin_password_reset"),
        {"email": "anna@newsroom.example"},
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert mailoutbox[0].subject == "Password reset su Newsroom"
    assert "Ricevi questa mail perché hai richiesto" in mailoutbox[0].body
    assert "Il team di Newsroom" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_link_works_once(client, staff, mailoutbox):
    request_reset(client, "anna@newsroom.example")
    link = reset_link(mailoutbox[0])
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(link, follow=True)
    assertContains(again, "Password non reimpostata")


@pytest.mark.django_db
def test_unknown_addresses_and_readers_get_no_mail_and_the_same_answer(
    client, staff, mailoutbox
):
    UserFactory(username="reader", email="reader@example.org", is_staff=False)

    for email in ("nobody@example.org", "reader@example.org"):
        response = request_reset(client, email)
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_new_password_lifts_the_login_lock(
    client, staff, mailoutbox, settings, admin_login
):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        admin_login(client, "anna", "wrong")
    assert AccessAttempt.objects.filter(username="anna").exists()

    request_reset(client, "anna@newsroom.example")
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not AccessAttempt.objects.filter(username="anna").exists()
    assert admin_login(client, "anna", NEW_PASSWORD)
