"""Staff sign in with a code from an authenticator app (TOTP, django-otp)."""

from datetime import timedelta

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(db):
    return UserFactory(username="anna", password=PASSWORD, is_staff=True)


def code(device):
    """The code the app shows for ``device`` now."""
    return f"{totp(device.bin_key, t0=device.t0, step=device.step):06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def sign_in(client, username, password, token=""):
    return client.post(
        reverse("admin:login"),
        {
            "username": username,
            "password": password,
            "otp_token": token,
            "next": "/admin/",
        },
    )


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_drawn_by_the_server(client, staff):
    client.force_login(staff)
    response = client.get(reverse("two-factor"))

    assertContains(response, "<svg")
    assertNotContains(response, "<img")
    assertNotContains(response, "style=")
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert "no-cache" in response.headers["Cache-Control"]
    # The same unconfirmed device until a code confirms it: the QR code stays valid.
    client.get(reverse("two-factor"))
    assert TOTPDevice.objects.get(user=staff) == device


@pytest.mark.django_db
def test_a_confirmed_code_turns_two_factor_sign_in_on(client, staff):
    client.force_login(staff)
    client.get(reverse("two-factor"))
    device = TOTPDevice.objects.get(user=staff)

    wrong = client.post(reverse("two-factor"), {"otp_token": "000000"})
    assertContains(wrong, "Questo codice non corrisponde")
    device.refresh_from_db()
    assert not device.confirmed

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post(reverse("two-factor"), {"otp_token": code(device)})
    assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id


@pytest.mark.django_db
def test_two_factor_page_is_for_staff_only(client):
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.get(reverse("two-factor"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_with_a_device_the_password_alone_is_not_enough(client, staff):
    device = enrolled(staff)

    response = sign_in(client, "anna", PASSWORD)
    assertContains(response, "codice attuale della tua app")
    assert "_auth_user_id" not in client.session

    response = sign_in(client, "anna", PASSWORD, code(device))
    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_code_works_once(client, staff):
    device = enrolled(staff)
    token = code(device)
    assert sign_in(client, "anna", PASSWORD, token).status_code == 302
    client.logout()

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        assert sign_in(client, "anna", PASSWORD, token).status_code == 200


@pytest.mark.django_db
def test_wrong_codes_count_as_failed_logins(client, staff, settings):
    """Knowing the password is not enough to try codes for ever."""
    device = enrolled(staff)
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        sign_in(client, "anna", PASSWORD, "123456")

    later = timezone.now() + timedelta(seconds=60)
    with time_machine.travel(later):
        response = sign_in(client, "anna", PASSWORD, code(device))
    assert response.status_code == 429


@pytest.mark.django_db
def test_staff_without_a_device_still_sign_in_with_a_password(client, staff):
    assert sign_in(client, "anna", PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_turning_it_off_needs_a_current_code(client, staff):
    device = enrolled(staff)
    sign_in(client, "anna", PASSWORD, code(device))

    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        refused = client.post(reverse("two-factor"), {"otp_token": "000000"})
        assert refused.status_code == 200
        assert TOTPDevice.objects.filter(user=staff).exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=80)):
        response = client.post(reverse("two-factor"), {"otp_token": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_admin_links_to_the_two_factor_page(client, staff):
    client.force_login(staff)
    assertContains(client.get(reverse("admin:index")), reverse("two-factor"))


# Mandatory for staff: ADMIN_REQUIRE_2FA -----------------------------------------


@pytest.fixture
def required(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.mark.django_db
def test_required_staff_without_a_device_may_only_enrol(client, staff, required):
    client.force_login(staff)

    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:password_change"),
    ):
        assertRedirects(client.get(url), reverse("two-factor"))
    response = client.get(reverse("two-factor"))
    assertContains(response, "lo staff deve accedere con un'app di autenticazione")
    assert client.post(reverse("admin:logout")).status_code == 200


@pytest.mark.django_db
def test_required_enrolling_opens_the_admin(client, staff, required):
    client.force_login(staff)
    client.get(reverse("two-factor"))
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("two-factor"), {"otp_token": code(device)})

    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_required_cannot_be_turned_off(client, staff, required):
    device = enrolled(staff)
    sign_in(client, "anna", PASSWORD, code(device))

    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        client.post(reverse("two-factor"), {"otp_token": code(device)})
    assert TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_required_a_session_without_the_code_must_sign_in_again(
    client, staff, required
):
    """A device set up in another session: this one never gave a code."""
    enrolled(staff)
    client.force_login(staff)

    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_required_unverified_staff_do_not_see_previews(client, required):
    editor = UserFactory(username="anna", is_staff=True, groups=["Editor"])
    draft = ArticleFactory(draft=True, title="Secret draft")
    client.force_login(editor)

    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assertNotContains(response, "Secret draft", status_code=response.status_code)
    assert response.status_code in (302, 403, 404)


@pytest.mark.django_db
def test_not_required_unverified_staff_use_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
