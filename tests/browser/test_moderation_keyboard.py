"""A moderator clears the queue with the keyboard alone, undoes a decision, and
opens a commenter's history."""

import re

import pytest

from django.contrib.auth.models import Group

from comments.models import Comment
from tests.browser.conftest import assert_no_csp_violation
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.browser

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def moderator(staff_groups):
    user = UserFactory(username="maria", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def current_pk(page):
    """The comment of the row the keys act on."""
    return int(
        page.locator("#result_list tr.queue-current input.action-select").get_attribute(
            "value"
        )
    )


def press_and_reload(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_selector("#result_list tr.queue-current, #changelist-form")


def test_moderator_clears_ten_comments_with_the_keyboard(
    page, live_server, login, moderator
):
    article = ArticleFactory(title="Il nuovo piano del traffico")
    comments = [
        CommentFactory(
            article=article,
            author_name=f"Lettore {n}",
            author_email=f"lettore{n}@example.org",
            body=f"Commento numero {n} sul piano del traffico.",
        )
        for n in range(12)
    ]
    login(page, live_server, moderator.username, "password")

    page.goto(QUEUE)
    # The header's badge counts the queue.
    assert "12" in page.locator("#pending-comments .pending-badge").inner_text()
    # The help lists the keys, and goes away with Esc.
    help_box = page.locator("#queue-keys")
    assert help_box.is_hidden()
    page.keyboard.press("?")
    assert help_box.is_visible()
    assert "j" in help_box.inner_text()
    page.keyboard.press("Escape")
    assert help_box.is_hidden()

    # Keys typed into the search box stay there.
    page.locator("#searchbar").click()
    page.keyboard.type("ads")
    assert page.locator("#searchbar").input_value() == "ads"
    assert Comment.objects.pending().count() == 12
    page.locator("#searchbar").fill("")
    page.locator("#searchbar").blur()

    # Ten decisions; between some of them j/k (and the arrows) move the row.
    expected = {"a": "approved", "s": "spam", "d": "trash"}
    moves = [[], ["j"], ["k"], [], ["j", "j"], ["ArrowUp"], [], ["ArrowDown"], [], []]
    decided = []
    for step, (keys, decision) in enumerate(
        zip(moves, "asdasdasda", strict=True), start=1
    ):
        before = current_pk(page)
        for key in keys:
            page.keyboard.press(key)
        pk = current_pk(page)
        if keys == ["j"] or keys == ["ArrowDown"]:
            assert pk != before
        press_and_reload(page, decision)
        assert Comment.objects.get(pk=pk).status == expected[decision], step
        decided.append(pk)
    assert Comment.objects.pending().count() == 2
    assert len(set(decided)) == 10

    # u takes back the last decision: the comment is pending again.
    last = decided[-1]
    assert page.locator("#queue-undo").is_visible()
    press_and_reload(page, "u")
    assert Comment.objects.get(pk=last).status == "pending"
    assert Comment.objects.pending().count() == 3
    assert "3" in page.locator("#pending-comments .pending-badge").inner_text()

    # x selects the row for the bulk actions.
    page.keyboard.press("x")
    assert page.locator(
        "#result_list tr.queue-current input.action-select"
    ).is_checked()

    # o opens the history of the current row's commenter.
    pk = current_pk(page)
    with page.expect_navigation():
        page.keyboard.press("o")
    assert re.search(rf"/admin/comments/comment/{pk}/author/$", page.url)
    author = Comment.objects.get(pk=pk).author_name
    assert author in page.locator("#content").inner_text()
    assert {c.pk for c in comments} >= set(decided)

    assert_no_csp_violation(page)
