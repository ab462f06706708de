"""Two-factor sign-in in a real browser: set up an authenticator, sign in with it."""

from datetime import timedelta

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.utils import timezone

from tests.browser.conftest import assert_no_csp_violation
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def code(device):
    return f"{totp(device.bin_key, t0=device.t0, step=device.step):06d}"


@pytest.mark.django_db(transaction=True)
def test_staff_sets_up_an_authenticator_and_signs_in_with_it(page, live_server, login):
    staff = UserFactory(username="anna", is_staff=True, password=PASSWORD)

    # Signed in with the password, Anna opens the two-factor page from the admin.
    login(page, live_server, "anna", PASSWORD)
    page.get_by_role("link", name="Accesso in due passaggi").click()
    assert page.locator(".two-factor-qr svg").is_visible()
    secret = page.locator(".two-factor-secret").inner_text()
    device = TOTPDevice.objects.get(user=staff)
    assert secret.replace(" ", "") in device.config_url

    # The code her app shows turns it on.
    page.fill("#id_otp_token", code(device))
    page.locator(".two-factor input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "attivo" in page.locator(".messagelist").inner_text()

    # Next time the password alone is refused; with the app's code she is in.
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.locator("form#login-form [type=submit]").click()
    assert "codice attuale" in page.locator(".errornote").inner_text()
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True):
        page.fill("#id_password", PASSWORD)
        page.fill("#id_otp_token", code(device))
        page.locator("form#login-form [type=submit]").click()
        page.wait_for_url(f"{live_server.url}/admin/")

    assert_no_csp_violation(page)
