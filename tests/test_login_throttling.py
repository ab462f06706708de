"""The admin login refuses further attempts after repeated failures (django-axes)."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(db):
    return UserFactory(username="anna", password=PASSWORD, is_staff=True)


def attempt(client, username, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


@pytest.mark.django_db
def test_fifth_failure_locks_the_account_from_that_address(client, staff, settings):
    """Five wrong passwords for one account from one address: even the right one
    is refused with a translated 429 page, and the form is not shown."""
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT - 1):
        response = attempt(client, "anna", "wrong")
        assert response.status_code == 200
    response = attempt(client, "anna", "wrong")
    assert response.status_code == 429

    response = attempt(client, "anna", PASSWORD)
    assertContains(response, "Troppi tentativi di accesso falliti", status_code=429)
    assertNotContains(response, 'name="password"', status_code=429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_page_speaks_the_admins_language(client, staff, settings):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(client, "anna", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    response = attempt(client, "anna", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assertContains(response, "Too many failed sign-in attempts", status_code=429)
    assertContains(response, reverse("admin_password_reset"), status_code=429)


@pytest.mark.django_db
def test_the_lock_holds_for_that_pair_only(client, staff, settings):
    """The same account from another address, and another account from the
    locked address, can still sign in."""
    UserFactory(username="luca", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(client, "anna", "wrong", REMOTE_ADDR="192.0.2.1")

    assert attempt(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 302
    client.logout()
    assert attempt(client, "luca", PASSWORD, REMOTE_ADDR="192.0.2.1").status_code == 302


@pytest.mark.django_db
def test_many_user_names_from_one_address_lock_that_address(client, staff, settings):
    """Guessing across user names: the address limit locks the address."""
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"guess{n}", "wrong", REMOTE_ADDR="192.0.2.9")

    response = attempt(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert attempt(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.8").status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, staff, settings):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(client, "anna", "wrong")
    assert attempt(client, "anna", PASSWORD).status_code == 429

    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    with time_machine.travel(later):
        assert attempt(client, "anna", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_success_before_the_limit_clears_the_failures(client, staff, settings):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT - 1):
        attempt(client, "anna", "wrong")
    assert attempt(client, "anna", PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT - 1):
        attempt(client, "anna", "wrong")
    assert attempt(client, "anna", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_each_failure_is_logged_with_name_and_address_never_the_password(
    client, staff, caplog
):
    with caplog.at_level(logging.INFO, logger="axes"):
        attempt(client, "anna", "s3cret-guess", REMOTE_ADDR="192.0.2.7")
        attempt(client, "anna", "s3cret-guess", REMOTE_ADDR="192.0.2.7")

    failures = [r for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) == 2
    for record in failures:
        message = record.getMessage()
        assert 'username: "anna"' in message
        assert 'ip_address: "192.0.2.7"' in message
    assert "s3cret-guess" not in caplog.text
    stored = AccessAttempt.objects.get()
    assert stored.failures_since_start == 2
    assert "s3cret-guess" not in stored.post_data


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_readers_address_is_counted(client, staff, settings):
    """Behind the proxy every client shares its address: the lock falls on the
    address the proxy forwards, as for the comment flood limit."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(
            client,
            "anna",
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    locked = attempt(
        client,
        "anna",
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429
    other = attempt(
        client,
        "anna",
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_escape_the_lock(client, staff, settings):
    """Without a trusted proxy, X-Forwarded-For is the client's own invention."""
    for n in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(
            client,
            "anna",
            "wrong",
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = attempt(
        client,
        "anna",
        PASSWORD,
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_administrators_see_and_lift_locks_in_the_admin(client, admin_client, staff):
    for _ in range(5):
        attempt(client, "anna", "wrong", REMOTE_ADDR="192.0.2.3")
    assert attempt(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.3").status_code == 429

    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assertContains(changelist, "anna")
    assertContains(changelist, "192.0.2.3")
    lock = AccessAttempt.objects.get()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[lock.pk]), {"post": "yes"}
    )
    assert response.status_code == 302

    assert attempt(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.3").status_code == 302


@pytest.mark.django_db
def test_lockout_message_is_translated(client, staff, settings):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        attempt(client, "anna", "wrong")
    with translation.override("it"):
        response = attempt(client, "anna", "wrong")
    assertContains(response, "Accesso bloccato", status_code=429)
    assertContains(response, "15 minuti", status_code=429)
