"""Check the queue with Akismet: every pending comment sent again, in the background."""

import akismet
import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse

from comments import spam
from comments.models import Comment, QueueCheck

from .factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

START = reverse("admin:comments_comment_check_queue")


@pytest.fixture
def akismet_on(akismet_sync_class, monkeypatch, settings):
    settings.AKISMET_API_KEY = "test-key"
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)


@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.SPAM)
def test_every_pending_comment_is_checked_again_with_progress(
    client, moderator, akismet_on, django_capture_on_commit_callbacks
):
    """Held, given-up and never-checked comments alike; the rest is left alone."""
    held = CommentFactory(check_state=Comment.CheckState.CHECKED, verdict="ham")
    gave_up = CommentFactory(check_state=Comment.CheckState.GAVE_UP)
    published = CommentFactory(approved=True)
    client.force_login(moderator)
    assertContains(
        client.get(reverse("admin:comments_comment_changelist")),
        "Check the queue with Akismet",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(START)
    run = QueueCheck.objects.get()
    assert response["Location"] == reverse(
        "admin:comments_queuecheck_change", args=[run.pk]
    )
    run.refresh_from_db()
    assert (run.total, run.done, run.started_by) == (2, 2, moderator)
    assert run.finished_at is not None
    for comment in (held, gave_up):
        comment.refresh_from_db()
        assert comment.status == Comment.Status.SPAM
    published.refresh_from_db()
    assert published.status == Comment.Status.APPROVED

    page = client.get(response["Location"])
    assertContains(page, "2 of 2 comments checked")
    assertNotContains(page, 'http-equiv="refresh"')


def test_a_running_check_shows_its_progress_and_is_not_started_twice(
    client, moderator, akismet_on
):
    run = QueueCheck.objects.create(total=10, done=3)
    client.force_login(moderator)
    response = client.post(START, follow=True)
    assertContains(response, "A check of the queue is running already.")
    assertContains(response, "3 of 10 comments checked")
    assertContains(response, 'http-equiv="refresh"')
    assert QueueCheck.objects.get() == run


def test_without_akismet_the_check_is_refused_with_the_reason(client, moderator):
    client.force_login(moderator)
    response = client.post(START, follow=True)
    assertContains(response, "Spam checking is off")
    assert not QueueCheck.objects.exists()


def test_only_moderators_start_it(client, journalist, akismet_on):
    client.force_login(journalist)
    assert client.post(START).status_code == 403
    assert (
        client.get(reverse("admin:comments_queuecheck_changelist")).status_code == 403
    )
