"""
The journalist → editor journey in a real Chromium: write a draft with an image,
submit it, get it sent back with a note, fix and resubmit it, have it scheduled,
see it appear by itself, and restore an earlier revision.

Uses the shared ``page`` and ``login`` fixtures of tests/browser/conftest.py.
"""

import os
from datetime import timedelta

import pytest
import time_machine
from reversion.models import Version

from django.utils import timezone

from articles.models import Article
from tests.browser.conftest import assert_no_csp_violation
from tests.factories import ImageFactory, UserFactory

# Playwright's sync API runs an event loop in this thread (conftest sets it too).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "correct-horse-battery"
ADD_URL = "/admin/articles/article/add/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def log_in_as(page, live_server, login, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def type_in_body(page, text, *, replace=False):
    editor = page.locator(".field-body [contenteditable=true]")
    editor.click()
    if replace:
        page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def save(page):
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/articles/article/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups")
def test_journalist_to_editor_journey(page, live_server, login):
    """The issue's journey, end to end, through the admin pages only."""
    journalist = UserFactory(
        username="journalist", is_staff=True, groups=["Journalist"], password=PASSWORD
    )
    UserFactory(username="editor", is_staff=True, groups=["Editor"], password=PASSWORD)
    ImageFactory(alt_text="Flooded river banks", uploaded_by=journalist)

    # The journalist writes a draft with a picture from the library and submits it.
    log_in_as(page, live_server, login, "journalist")
    page.goto(ADD_URL)
    page.fill("#id_title", "River bursts its banks")
    type_in_body(page, "The river rose overnight.")
    page.locator(".field-featured_image .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Flooded")
    page.locator(".select2-results__option", has_text="Flooded river banks").click()
    page.select_option("#id_status", "review")
    save(page)
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert article.featured_image.alt_text == "Flooded river banks"
    assert article.author == journalist
    first_body = article.body

    # The editor finds it first in the list and sends it back with a note.
    log_in_as(page, live_server, login, "editor")
    page.goto("/admin/articles/article/")
    first_row = page.locator("#result_list tbody tr").first
    assert "River bursts its banks" in first_row.inner_text()
    first_row.locator("th a").click()
    page.select_option("#id_status", "returned")
    page.fill("#id_note", "Add the water level.")
    save(page)
    article.refresh_from_db()
    assert article.status == Article.Status.RETURNED

    # The journalist reads the note, fixes the text and resubmits.
    log_in_as(page, live_server, login, "journalist")
    page.goto(change_url(article))
    assert (
        page.locator("#transitions-group")
        .get_by_text("Add the water level.")
        .is_visible()
    )
    type_in_body(page, " It reached 4.2 metres.")
    page.select_option("#id_status", "review")
    save(page)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert "4.2 metres" in article.body

    # The editor schedules it for two minutes later.
    log_in_as(page, live_server, login, "editor")
    page.goto(change_url(article))
    when = timezone.localtime(timezone.now() + timedelta(minutes=2))
    page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", when.strftime("%H:%M:%S"))
    page.select_option("#id_status", "scheduled")
    save(page)
    article.refresh_from_db()
    assert article.state() == Article.State.SCHEDULED

    page.goto("/")
    assert "River bursts its banks" not in page.content()
    with time_machine.travel(when + timedelta(seconds=5), tick=True):
        page.goto("/")
        assert page.get_by_text("River bursts its banks").first.is_visible()

    # The editor restores the first revision: the text goes back, still scheduled.
    page.goto(f"{change_url(article)}../history/")
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    page.locator(f"a[href$='/history/{oldest.pk}/']").click()
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/articles/article/**")
    article.refresh_from_db()
    assert article.body == first_body
    assert article.state() == Article.State.SCHEDULED

    assert_no_csp_violation(page)
