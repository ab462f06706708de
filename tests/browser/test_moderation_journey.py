"""A moderator in a real browser: the queue, an approval, the published comment."""

import pytest

from django.contrib.auth.models import Group

from tests.browser.conftest import assert_no_csp_violation
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator(staff_groups):
    """A staff user in the Moderator group."""
    user = UserFactory(username="maria", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def test_moderator_approves_a_pending_comment_and_readers_see_it(
    page, live_server, login, moderator
):
    """Pending comment hidden → moderator approves it in the queue → it is published."""
    article = ArticleFactory(title="Riapre il museo civico")
    comment = CommentFactory(
        article=article,
        author_name="Lucia Bassi",
        body="Finalmente! Ci andrò domenica con i bambini.",
    )
    CommentFactory(article=article, spam=True, body="Compra orologi a poco prezzo")

    # A reader does not see the pending comment.
    page.goto(article.get_absolute_url())
    assert page.locator(f"#comment-{comment.pk}").count() == 0
    assert "Finalmente!" not in page.locator("#comments").inner_text()

    # The moderator logs in; the admin index counts one comment waiting.
    login(page, live_server, moderator.username, "password")
    queue_link = page.locator("#moderation-queue a")
    assert "1" in queue_link.inner_text()
    queue_link.click()

    # The queue shows pending comments only, with the comment's details.
    page.wait_for_url(f"{live_server.url}/admin/comments/comment/")
    results = page.locator("#result_list")
    assert "Finalmente!" in results.inner_text()
    assert "Lucia Bassi" in results.inner_text()
    assert "Compra orologi" not in results.inner_text()

    # Select it and approve it.
    page.locator(f"input.action-select[value='{comment.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1
    assert page.locator("#result_list").count() == 0 or (
        "Finalmente!" not in page.locator("#result_list").inner_text()
    )

    # The comment's history names the moderator.
    page.goto(f"/admin/comments/comment/{comment.pk}/change/")
    assert moderator.username in page.locator("#events-group").inner_text()

    # Readers now see the comment on the article, at its anchor.
    page.context.clear_cookies()
    page.goto(comment.get_absolute_url())
    published = page.locator(f"#comment-{comment.pk}")
    assert published.is_visible()
    assert "Ci andrò domenica con i bambini." in published.inner_text()
    assert "Lucia Bassi" in published.inner_text()

    assert_no_csp_violation(page)
