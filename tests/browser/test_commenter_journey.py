"""
A commenter in a real browser: posting, the status link in another browser, a
rejection with its reason, the request for review, confirming the address, and
the reader's own data from the privacy page.
"""

import re

import pytest

from django.core import mail

from comments import moderation
from comments.models import Comment
from tests.browser.conftest import assert_no_csp_violation
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def quick_form(settings):
    """The form may be sent at once (no minimum time), and mail stays in memory."""
    settings.COMMENTS_MIN_FORM_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0


def test_commenter_follows_a_comment_asks_for_review_and_confirms_the_address(
    page, browser, live_server, quick_form, staff_groups
):
    article = ArticleFactory(title="Il nuovo piano del traffico")
    page.goto(article.get_absolute_url())
    page.fill("#id_author_name", "Carla Neri")
    page.fill("#id_author_email", "carla@example.org")
    page.fill("#id_body", "Le piste ciclabili in centro sono una buona idea.")
    page.locator("form.comment-form [type=submit]").click()
    page.wait_for_load_state()

    # The confirmation carries the private status link.
    status = page.locator(".messages a")
    assert "Conserva questo link" in status.inner_text()
    status_url = status.get_attribute("href")
    assert re.fullmatch(r"/commenti/stato/[^/]+/", status_url)

    # Any browser may open it: the comment waits, and the page says why.
    other = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it"},
    )
    elsewhere = other.new_page()
    elsewhere.goto(status_url)
    text = elsewhere.locator("main").inner_text()
    assert "Il tuo commento è in attesa di moderazione." in text
    assert "Le piste ciclabili" in text

    # A moderator rejects it as off topic, with a note.
    comment = Comment.objects.get()
    maria = UserFactory(username="maria", is_staff=True)
    moderation.trash(
        comment,
        by=maria,
        reason=Comment.Reason.OFF_TOPIC,
        note="Qui si parla del piano, non delle piste.",
    )
    elsewhere.reload()
    text = elsewhere.locator("main").inner_text()
    assert "Il tuo commento non è stato pubblicato." in text
    assert "Motivo: fuori tema." in text
    assert "Qui si parla del piano" in text

    # The author asks, once, for a review.
    elsewhere.fill("#id_message", "Le piste fanno parte del piano.")
    elsewhere.locator("form:has(#id_message) [type=submit]").click()
    elsewhere.wait_for_load_state()
    assert "Hai chiesto una revisione" in elsewhere.locator("main").inner_text()
    assert elsewhere.locator("#id_message").count() == 0
    comment.refresh_from_db()
    assert comment.appeal == Comment.Appeal.OPEN

    # Confirming the address: the mailed link, opened in the first browser.
    page.goto(status_url)
    page.get_by_role("button", name="Inviami un link di conferma").click()
    page.wait_for_load_state()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Conferma il mio indirizzo").click()
    page.wait_for_load_state()
    assert "il tuo indirizzo è confermato" in page.locator("main").inner_text()
    cookies = {c["name"] for c in page.context.cookies()}
    assert "comments_verified" in cookies

    # Later, from the privacy page: her own data, by a link mailed to her.
    page.goto("/comments/privacy/")
    page.fill("#id_email", "carla@example.org")
    page.get_by_role("button", name="Inviami il link").click()
    page.wait_for_load_state()
    assert "Se conserviamo qualcosa" in page.locator("main").inner_text()
    assert len(mail.outbox) == 2
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[1].body).group(1)
    page.goto(link)
    assert "1 commento" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica i miei dati").click()
    assert download.value.suggested_filename == "comments-data.json"
    page.get_by_label("Ho capito che non si può tornare indietro.").check()
    page.get_by_role("button", name="Cancella i miei dati").click()
    page.wait_for_load_state()
    assert "1 commento è reso anonimo" in page.locator("main").inner_text()
    comment.refresh_from_db()
    assert comment.author_email == ""
    assert_no_csp_violation(page)
    other.close()
