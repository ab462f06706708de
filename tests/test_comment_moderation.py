import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.admin import helpers
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comments.models import Comment, CommentEvent

from .factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

QUEUE = reverse("admin:comments_comment_changelist")
ACTIONS = [
    "approve",
    "unapprove",
    "mark_spam",
    "mark_not_spam",
    "trash",
    "restore",
    "keep_rejected",
    "feature",
    "unfeature",
    "check_now",
    "keep",
    "delete_selected",
]


def act(client, action, *comments, **extra):
    """Run an admin action on comments from the queue showing every status."""
    data = {
        "action": action,
        helpers.ACTION_CHECKBOX_NAME: [c.pk for c in comments],
        **extra,
    }
    return client.post(QUEUE + "?status=all", data, follow=True)


def statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


# Who may moderate


def test_anonymous_users_cannot_run_actions(client):
    comment = CommentFactory()

    response = act(client, "approve", comment)

    assert reverse("admin:login") in response.redirect_chain[0][0]
    assert statuses(comment) == ["pending"]


def test_staff_without_permission_cannot_run_actions(client):
    client.force_login(UserFactory(is_staff=True))
    comment = CommentFactory()

    response = act(client, "approve", comment)

    assert response.status_code == 403
    assert statuses(comment) == ["pending"]


def test_staff_who_may_only_view_comments_see_no_actions(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_comment", content_type__app_label="comments"
        )
    )
    client.force_login(user)
    comment = CommentFactory(body="Visible but not actionable")

    queue = client.get(QUEUE)
    response = act(client, "approve", comment)

    assertContains(queue, "Visible but not actionable")
    assert queue.context["action_form"] is None
    assert response.status_code == 200
    assert statuses(comment) == ["pending"]
    assert not CommentEvent.objects.exists()


@pytest.mark.parametrize("who", ["moderator", "admin_user"])
def test_moderators_and_superusers_see_every_moderation_action(client, who, request):
    client.force_login(request.getfixturevalue(who))
    CommentFactory()

    response = client.get(QUEUE)

    choices = [
        value
        for value, _label in response.context["action_form"].fields["action"].choices
        if value
    ]
    assert choices == ACTIONS


# What each action does


@pytest.mark.parametrize(
    ("action", "start", "end", "message"),
    [
        ("approve", {}, "approved", "approved by maria"),
        ("unapprove", {"approved": True}, "pending", "unapproved by maria"),
        ("mark_spam", {}, "spam", "reported as spam by maria (spam or advertising)"),
        ("mark_not_spam", {"spam": True}, "approved", "reported as not spam by maria"),
        (
            "trash",
            {"approved": True},
            "trash",
            "moved to trash by maria (against the comment guidelines)",
        ),
    ],
)
def test_action_changes_the_status_and_records_who_did_it(
    client, moderator, action, start, end, message
):
    client.force_login(moderator)
    comment = CommentFactory(**start)
    before = comment.status

    response = act(client, action, comment)

    assert response.status_code == 200
    assert statuses(comment) == [end]
    event = comment.events.get(to_status=end)
    assert event.actor == moderator
    assert event.from_status == before
    assert event.message == message


def test_restore_brings_a_comment_back_to_its_status_before_the_trash(
    client, moderator
):
    client.force_login(moderator)
    comment = CommentFactory(approved=True)
    act(client, "trash", comment)

    act(client, "restore", comment)

    assert statuses(comment) == ["approved"]
    assert comment.events.last().message == "restored by maria"


def test_actions_report_how_many_comments_changed(client, moderator):
    client.force_login(moderator)
    pending = CommentFactory.create_batch(3)
    already = CommentFactory(approved=True)

    response = act(client, "approve", *pending, already)

    assertContains(response, "3 comments approved.")
    assertContains(response, "1 comment was left as it was")
    assert statuses(*pending, already) == ["approved"] * 4


def test_an_action_that_does_not_apply_changes_nothing(client, moderator):
    client.force_login(moderator)
    comment = CommentFactory()

    response = act(client, "mark_not_spam", comment)

    assertContains(response, "1 comment was left as it was")
    assertNotContains(response, "marked as not spam")
    assert statuses(comment) == ["pending"]
    assert not comment.events.exists()


def test_delete_permanently_asks_for_confirmation_first(client, moderator):
    client.force_login(moderator)
    comment = CommentFactory()

    response = act(client, "delete_selected", comment)

    assertContains(response, "Are you sure")
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_delete_permanently_deletes_once_confirmed(client, moderator):
    client.force_login(moderator)
    comments = CommentFactory.create_batch(2, spam=True)
    kept = CommentFactory(spam=True)

    response = act(client, "delete_selected", *comments, post="yes")

    assertContains(response, "2 comments deleted permanently.")
    assert list(Comment.objects.all()) == [kept]


def test_delete_from_the_change_page(client, moderator):
    client.force_login(moderator)
    comment = CommentFactory(trashed=True)
    url = reverse("admin:comments_comment_delete", args=[comment.pk])

    assertContains(client.get(url), "Are you sure")
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()


# Reports to Akismet


def test_mark_spam_enqueues_a_spam_report_after_commit(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    comment = CommentFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        act(client, "mark_spam", comment)

    enqueued = [c for c in callbacks if hasattr(c, "func")]
    assert [c.func.__self__.name for c in enqueued] == ["report_spam"]
    comment.refresh_from_db()
    assert enqueued[0].keywords == {
        "comment_id": comment.pk,
        "claim": comment.next_report_at.isoformat(),
    }


def test_mark_spam_sends_submit_spam_with_the_data_sent_at_check_time(
    client, moderator, akismet_server, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    comment = CommentFactory(
        approved=True,
        akismet_data={
            "user_ip": "192.0.2.10",
            "user_agent": "Firefox",
            "comment_content": "Buy now",
            "comment_author": "Seller",
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(client, "mark_spam", comment)

    [sent] = akismet_server.calls("submit-spam")
    assert sent["user_ip"] == "192.0.2.10"
    assert sent["comment_content"] == "Buy now"
    comment.refresh_from_db()
    assert comment.status == "spam"
    assert comment.report == ""
    assert comment.events.last().message == "reported to Akismet as spam"


def test_not_spam_publishes_and_sends_submit_ham(
    client, moderator, akismet_server, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    comment = CommentFactory(
        spam=True, akismet_data={"user_ip": "192.0.2.10", "comment_content": "Hi"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(client, "mark_not_spam", comment)

    [sent] = akismet_server.calls("submit-ham")
    assert sent["comment_content"] == "Hi"
    assert not akismet_server.calls("submit-spam")
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert comment.events.last().message == "reported to Akismet as not spam"


def test_a_failed_report_is_kept_for_a_retry(
    client, moderator, akismet_server, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    akismet_server.mode = "error"
    comment = CommentFactory(akismet_data={"user_ip": "192.0.2.10"})

    with django_capture_on_commit_callbacks(execute=True):
        act(client, "mark_spam", comment)

    comment.refresh_from_db()
    assert comment.status == "spam"
    assert comment.report == "spam"
    assert comment.next_report_at is not None


def test_other_actions_report_nothing_to_akismet(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    comment = CommentFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        act(client, "trash", comment)
        act(client, "restore", comment)
        act(client, "approve", comment)

    # Task enqueues are partials of Task.enqueue; other callbacks (the page
    # cache's refresh) are not tasks.
    tasks = [c.func.__self__ for c in callbacks if hasattr(c, "func")]
    names = [getattr(t, "name", "") for t in tasks]
    assert "report_spam" not in names
    assert "report_ham" not in names


# The Moderator group


def test_moderator_group_has_exactly_the_moderation_permissions():
    group = Group.objects.get(name="Moderator")

    codenames = set(
        group.permissions.values_list("content_type__app_label", "codename")
    )

    assert codenames == {
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "delete_comment"),
        ("comments", "moderate_comment"),
        ("comments", "view_commentevent"),
    }


def test_moderator_cannot_touch_articles_users_or_moderation_settings(
    client, moderator
):
    client.force_login(moderator)

    for perm in [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.change_category",
        "auth.change_user",
        "auth.view_user",
        "comments.change_moderationsettings",
        "comments.view_moderationsettings",
        "comments.add_comment",
    ]:
        assert not moderator.has_perm(perm), perm
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:comments_moderationsettings_changelist"),
    ]:
        assert client.get(url).status_code == 403, url


def test_moderator_can_open_edit_and_delete_a_comment(client, moderator):
    client.force_login(moderator)
    comment = CommentFactory()

    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    delete = client.get(reverse("admin:comments_comment_delete", args=[comment.pk]))

    assert change.status_code == 200
    assert change.context["has_change_permission"]
    assert delete.status_code == 200
