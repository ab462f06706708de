"""
The moderation desk in the queue: one-click decisions on each row and their
undo, the pending badge of the admin's header, the staff's replies and the
editors' selection, as moderators, staff without the permission and readers
meet them.
"""

from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from comments import cache, moderation
from comments.models import Comment
from tests.test_query_counts import count_queries

from .factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

QUEUE = reverse("admin:comments_comment_changelist")
UNDO = reverse("admin:comments_comment_undo")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def viewer_client(client):
    """Staff who may read the queue but not moderate it."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(user)
    return client


def decide_url(comment, query=""):
    url = reverse("admin:comments_comment_decide", args=[comment.pk])
    return f"{url}?{query}" if query else url


def reply_url(comment):
    return reverse("admin:comments_comment_reply", args=[comment.pk])


def decide(client, comment, decision, query=""):
    return client.post(decide_url(comment, query), {"decision": decision})


# Row actions


def test_each_row_of_the_queue_has_its_decisions_as_plain_forms(moderator_client):
    comment = CommentFactory(body="Waiting for a moderator")

    response = moderator_client.get(QUEUE, {"q": "moderator"})

    # One form outside the changelist's own, with its CSRF token; the buttons
    # post to the row's URL, keeping the queue's query string.
    assertContains(response, '<form method="post" id="comment-row-form">')
    action = decide_url(comment, "q=moderator")
    for decision, key in [("approve", "a"), ("mark_spam", "s"), ("trash", "d")]:
        assertContains(
            response,
            f'<button type="submit" form="comment-row-form" class="button" '
            f'formaction="{action}" name="decision" value="{decision}" '
            f'data-key="{key}">',
        )
    assertContains(response, reply_url(comment) + "?q=moderator")
    content = response.content.decode()
    form = content[content.index('id="comment-row-form"') :]
    assert "csrfmiddlewaretoken" in form.split("</form>")[0]


def test_staff_without_the_permission_get_no_row_actions(viewer_client):
    CommentFactory(body="Waiting for a moderator")

    response = viewer_client.get(QUEUE)

    assertContains(response, "Waiting for a moderator")
    assertNotContains(response, "comment-row-form")
    assertNotContains(response, 'name="decision"')


@pytest.mark.parametrize(
    ("decision", "start", "end", "message"),
    [
        ("approve", {}, "approved", "approved by maria"),
        ("approve", {"spam": True}, "approved", "reported as not spam by maria"),
        ("mark_spam", {}, "spam", "reported as spam by maria (spam or advertising)"),
        (
            "trash",
            {},
            "trash",
            "moved to trash by maria (against the comment guidelines)",
        ),
    ],
)
def test_row_decision_goes_through_the_moderation_verb(
    moderator_client, decision, start, end, message
):
    comment = CommentFactory(**start)

    response = decide(moderator_client, comment, decision, "status=all&p=1")

    assertRedirects(response, f"{QUEUE}?status=all&p=1", fetch_redirect_response=False)
    comment.refresh_from_db()
    assert comment.status == end
    event = comment.events.last()
    assert event.message == message
    assert event.actor.username == "maria"


def test_row_decision_says_what_was_done_and_offers_the_undo(moderator_client):
    comment = CommentFactory(author_name="Lucia Bassi")

    response = decide(moderator_client, comment, "approve")
    response = moderator_client.get(response["Location"])

    assertContains(response, "1 comment approved.")
    assertContains(response, "You approved the comment by Lucia Bassi.")
    assertContains(response, f'action="{UNDO}"')
    assertContains(response, 'data-key="u"')


def test_row_decision_that_changes_nothing_says_so(moderator_client):
    comment = CommentFactory(approved=True)

    response = decide(moderator_client, comment, "approve")
    response = moderator_client.get(response["Location"])

    assertContains(response, "The comment was left as it was")
    assertNotContains(response, 'id="comment-undo-form"')


def test_row_decision_changes_the_published_thread(moderator_client):
    comment = CommentFactory(body="Now on the site")

    with translation.override("en"):
        assertNotContains(
            moderator_client.get(comment.article.get_absolute_url()), "Now on the site"
        )
        decide(moderator_client, comment, "approve")
        assertContains(
            moderator_client.get(comment.article.get_absolute_url()), "Now on the site"
        )


def test_unknown_decision_is_refused(moderator_client):
    comment = CommentFactory()

    response = decide(moderator_client, comment, "publish_everything")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_row_decision_is_a_post(moderator_client):
    comment = CommentFactory()

    assert moderator_client.get(decide_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_row_decision_needs_the_csrf_token(moderator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    comment = CommentFactory()

    response = client.post(decide_url(comment), {"decision": "approve"})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize(
    "url",
    [
        lambda c: decide_url(c),
        lambda c: reply_url(c),
        lambda c: UNDO,
    ],
    ids=["decide", "reply", "undo"],
)
def test_staff_without_the_moderate_permission_are_refused(viewer_client, url):
    comment = CommentFactory()

    response = viewer_client.post(url(comment), {"decision": "approve", "body": "x"})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert not Comment.objects.filter(by_staff=True).exists()


def test_anonymous_users_go_to_the_login_page(client):
    comment = CommentFactory()

    response = client.post(decide_url(comment), {"decision": "approve"})

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# Undo


@pytest.mark.parametrize(
    ("start", "decision"),
    [
        ({}, "approve"),
        ({}, "trash"),
        ({"approved": True}, "trash"),
        ({"spam": True}, "approve"),
    ],
)
def test_undo_restores_the_status_before_the_decision(
    moderator_client, start, decision
):
    comment = CommentFactory(**start)
    before = comment.status
    decide(moderator_client, comment, decision, "status=all")

    response = moderator_client.post(f"{UNDO}?status=all")

    assertRedirects(response, f"{QUEUE}?status=all", fetch_redirect_response=False)
    comment.refresh_from_db()
    assert comment.status == before
    event = comment.events.filter(message="decision undone by maria").get()
    assert event.actor.username == "maria"
    assertContains(moderator_client.get(response["Location"]), "Undone: the comment")


def test_undo_of_spam_cancels_the_report_still_waiting(
    moderator_client, akismet_server, django_capture_on_commit_callbacks
):
    """Akismet never hears of a spam decision taken back before it was sent."""
    comment = CommentFactory()
    # The decision's report is queued after the commit: here it never runs,
    # as when the worker has not reached it yet.
    decide(moderator_client, comment, "mark_spam")
    comment.refresh_from_db()
    assert comment.report == "spam"

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(UNDO)

    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.report == ""
    assert comment.next_report_at is None
    assert akismet_server.calls("submit-spam") == []
    assert akismet_server.calls("submit-ham") == []


def test_undo_of_spam_already_reported_sends_not_spam(
    moderator_client, akismet_server, django_capture_on_commit_callbacks
):
    """Once Akismet was told "spam", the undo tells it "not spam"."""
    comment = CommentFactory(
        akismet_data={"user_ip": "192.0.2.10", "comment_content": "Hello"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, comment, "mark_spam")
    assert len(akismet_server.calls("submit-spam")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(UNDO)

    comment.refresh_from_db()
    assert comment.status == "pending"
    [ham] = akismet_server.calls("submit-ham")
    assert ham["comment_content"] == "Hello"
    assert comment.report == ""
    assert comment.events.last().message == "reported to Akismet as not spam"


def test_undo_of_spam_being_reported_by_a_worker_takes_it_back(moderator_client):
    """A report a worker has claimed may reach Akismet: "not spam" follows it."""
    comment = CommentFactory()
    decide(moderator_client, comment, "mark_spam")
    # A worker's running claim: it ends within seconds.
    Comment.objects.filter(pk=comment.pk).update(
        next_report_at=timezone.now() + timedelta(seconds=30)
    )

    moderator_client.post(UNDO)

    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.report == "ham"
    assert comment.next_report_at is not None


def test_undo_leaves_a_comment_decided_again_since(moderator_client, editor):
    comment = CommentFactory()
    decide(moderator_client, comment, "approve")
    comment.refresh_from_db()
    moderation.trash(comment, by=editor)

    response = moderator_client.post(UNDO)

    comment.refresh_from_db()
    assert comment.status == "trash"
    assertContains(
        moderator_client.get(response["Location"]), "There is nothing to undo"
    )


def test_undo_is_for_the_last_decision_only_and_only_once(moderator_client):
    first, second = CommentFactory(), CommentFactory()
    decide(moderator_client, first, "approve")
    decide(moderator_client, second, "trash")

    moderator_client.post(UNDO)
    moderator_client.post(UNDO)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "approved"
    assert second.status == "pending"
    assert second.events.filter(message="decision undone by maria").count() == 1


def test_undo_of_a_deleted_comment_does_nothing(moderator_client):
    comment = CommentFactory()
    decide(moderator_client, comment, "trash")
    comment.delete()

    response = moderator_client.post(UNDO)

    assert response.status_code == 302


def test_undo_is_a_post(moderator_client):
    assert moderator_client.get(UNDO).status_code == 403


# The pending badge


def badge_html():
    return Template("{% load comment_moderation %}{% pending_comments %}").render(
        Context()
    )


def test_badge_shows_the_pending_count_on_every_admin_page(moderator_client):
    CommentFactory.create_batch(3)
    CommentFactory(approved=True)

    for url in [
        reverse("admin:index"),
        QUEUE,
        reverse("admin:comments_ban_changelist"),
    ]:
        response = moderator_client.get(url)
        assertContains(response, 'id="pending-comments"')
        assertContains(
            response, '<span class="pending-badge">3</span> comments waiting'
        )


def test_badge_is_only_for_moderators(viewer_client):
    CommentFactory()

    assertNotContains(viewer_client.get(QUEUE), "pending-badge")


def test_badge_costs_one_query_on_a_miss_and_none_on_a_hit(
    django_assert_num_queries,
):
    CommentFactory.create_batch(2)
    caches["default"].delete(cache.PENDING_COUNT)

    with django_assert_num_queries(1):
        assert badge_html() == "2"
    with django_assert_num_queries(0):
        assert badge_html() == "2"


def test_badge_adds_one_query_to_an_admin_page_on_a_miss_only(moderator_client):
    CommentFactory()
    url = reverse("admin:comments_ban_changelist")
    moderator_client.get(url)

    with CaptureQueriesContext(connection) as hit:
        moderator_client.get(url)
    caches["default"].delete(cache.PENDING_COUNT)
    with CaptureQueriesContext(connection) as miss:
        moderator_client.get(url)

    assert len(miss) == len(hit) + 1


def test_badge_count_is_forgotten_at_intake(post_comment):
    article = ArticleFactory()
    assert badge_html() == "0"

    post_comment(article)

    assert Comment.objects.pending().count() == 1
    assert badge_html() == "1"


@pytest.mark.parametrize(
    "verb",
    [
        moderation.approve,
        moderation.mark_spam,
        moderation.trash,
        moderation.delete,
    ],
)
def test_badge_count_is_forgotten_by_the_verbs(moderator, verb):
    comment = CommentFactory()
    assert badge_html() == "1"

    verb(comment, by=moderator)

    assert badge_html() == "0"


def test_badge_count_is_forgotten_by_the_undo(moderator_client):
    comment = CommentFactory()
    decide(moderator_client, comment, "approve")
    assert badge_html() == "0"

    moderator_client.post(UNDO)

    assert badge_html() == "1"


def test_badge_count_is_forgotten_again_after_the_commit(
    moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.approve(comment, by=moderator)
        # A page rendered before the commit counted the old rows.
        caches["default"].set(cache.PENDING_COUNT, 1)

    for callback in callbacks:
        callback()
    assert caches["default"].get(cache.PENDING_COUNT) is None


# Staff replies


def test_reply_form_quotes_the_comment(moderator_client):
    comment = CommentFactory(body="Which bus goes there?", author_name="Lucia Bassi")

    response = moderator_client.get(reply_url(comment))

    assertContains(response, "Reply to Lucia Bassi")
    assertContains(response, "Which bus goes there?")
    assertContains(response, '<textarea name="body"')
    assertContains(response, "csrfmiddlewaretoken")


def test_staff_reply_is_published_at_once_under_the_users_name(moderator_client):
    moderator = UserFactory(
        username="giulia",
        first_name="Giulia",
        last_name="Neri",
        is_staff=True,
        groups=["Moderator"],
    )
    moderator_client.force_login(moderator)
    comment = CommentFactory(approved=True)

    response = moderator_client.post(
        f"{reply_url(comment)}?status=approved",
        {"body": "Line 64, every ten minutes."},
    )

    assertRedirects(response, f"{QUEUE}?status=approved", fetch_redirect_response=False)
    reply = Comment.objects.get(by_staff=True)
    assert reply.parent == comment
    assert reply.article == comment.article
    assert reply.user == moderator
    assert reply.author_name == "Giulia Neri"
    assert reply.status == "approved"
    assert reply.events.get().message == "reply by the staff, giulia"
    parent_event = comment.events.last()
    assert parent_event.actor == moderator
    assert parent_event.message == f"answered by the staff, giulia (comment {reply.pk})"


def test_staff_reply_can_approve_the_comment_it_answers(moderator_client):
    comment = CommentFactory()

    moderator_client.post(
        reply_url(comment), {"body": "Thank you.", "approve_parent": "on"}
    )

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert Comment.objects.get(by_staff=True).parent == comment


def test_staff_reply_needs_a_text(moderator_client):
    comment = CommentFactory()

    response = moderator_client.post(reply_url(comment), {"body": ""})

    assert response.status_code == 200
    assert not Comment.objects.filter(by_staff=True).exists()


def test_staff_reply_carries_the_staff_badge_on_the_article(moderator, client):
    comment = CommentFactory(approved=True, author_name="Lucia Bassi")
    moderation.reply_as_staff(comment, "We checked: it opens at nine.", by=moderator)

    with translation.override("en"):
        response = client.get(comment.article.get_absolute_url())
    assertContains(response, "We checked: it opens at nine.")
    assertContains(
        response,
        '<span class="comment__badge comment__badge--staff">Newsroom staff</span>',
        count=1,
    )

    with translation.override("it"):
        response = client.get(comment.article.get_absolute_url())
    assertContains(response, "Redazione", count=1)


def test_staff_name_is_escaped_on_the_article(client):
    staff = UserFactory(first_name="<b>Eve</b>", last_name="", is_staff=True)
    comment = CommentFactory(approved=True)
    moderation.reply_as_staff(comment, "Hello", by=staff)

    response = client.get(comment.article.get_absolute_url())

    assertContains(response, "&lt;b&gt;Eve&lt;/b&gt;")
    assertNotContains(response, "<b>Eve</b>")


# The editors' selection


def test_row_action_features_a_published_comment(moderator_client):
    comment = CommentFactory(approved=True)

    response = moderator_client.get(QUEUE, {"status": "approved"})
    assertContains(response, 'value="feature"')

    decide(moderator_client, comment, "feature")

    comment.refresh_from_db()
    assert comment.featured
    assert comment.events.last().message == "featured by maria"


def test_undo_of_featuring_unfeatures(moderator_client):
    comment = CommentFactory(approved=True)
    decide(moderator_client, comment, "feature")

    moderator_client.post(UNDO)

    comment.refresh_from_db()
    assert not comment.featured


def test_pending_comments_cannot_be_featured(moderator_client):
    comment = CommentFactory()

    decide(moderator_client, comment, "feature")

    comment.refresh_from_db()
    assert not comment.featured


def test_admin_actions_feature_and_unfeature(moderator_client):
    comments = CommentFactory.create_batch(2, approved=True)
    ids = [c.pk for c in comments]

    moderator_client.post(
        f"{QUEUE}?status=approved",
        {"action": "feature", "_selected_action": ids},
    )
    assert Comment.objects.filter(featured=True).count() == 2

    moderator_client.post(
        f"{QUEUE}?status=approved",
        {"action": "unfeature", "_selected_action": ids},
    )
    assert Comment.objects.filter(featured=True).count() == 0


def test_featured_comments_come_first_with_their_label(moderator, client):
    article = ArticleFactory()
    first = CommentFactory(article=article, approved=True, body="The oldest one")
    CommentFactory(article=article, approved=True, body="The middle one")
    chosen = CommentFactory(article=article, approved=True, body="The chosen one")
    moderation.feature(chosen, by=moderator)

    with translation.override("en"):
        response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert html.index("The chosen one") < html.index("The oldest one")
    assert html.index("The oldest one") < html.index("The middle one")
    assertContains(response, "Selected by the editors", count=1)
    assertContains(response, f'id="comment-{chosen.pk}" class="comment')
    assert f'id="comment-{first.pk}"' in html


def test_featuring_refreshes_the_cached_article_page(
    page_cache, moderator_client, django_capture_on_commit_callbacks
):
    client = Client()
    comment = CommentFactory(approved=True)
    url = comment.article.get_absolute_url()
    assertNotContains(client.get(url), "comment--featured")

    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, comment, "feature")

    assertContains(client.get(url), "comment--featured")


def test_featured_and_staff_comments_cost_no_query_on_the_article_page(
    client, moderator
):
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article, approved=True)
    plain = count_queries(client, article.get_absolute_url())

    comment = Comment.objects.filter(article=article).first()
    moderation.feature(comment, by=moderator)
    moderation.reply_as_staff(comment, "A reply from the desk.", by=moderator)

    assert count_queries(client, article.get_absolute_url()) == plain
