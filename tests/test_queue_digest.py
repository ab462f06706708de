"""The daily digest: moderators hear what waits, only when it is turned on."""

from datetime import timedelta

import pytest

from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment

from .factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def moderator_with_email(moderator):
    moderator.email = "maria@example.org"
    moderator.save()
    return moderator


def test_digest_tells_moderators_what_waits(settings, moderator_with_email, mailoutbox):
    settings.COMMENTS_DIGEST = True
    CommentFactory(created_at=timezone.now() - timedelta(days=3))
    CommentFactory()
    UserFactory(username="reader", email="reader@example.org")
    call_command("mail_queue_digest", verbosity=0)
    [mail] = mailoutbox
    assert mail.to == ["maria@example.org"]
    assert "2 commenti" in mail.subject
    assert "3\xa0giorni" in mail.body
    assert "/admin/comments/comment/" in mail.body


def test_digest_is_off_by_default_and_silent_on_an_empty_queue(
    settings, moderator_with_email, mailoutbox
):
    CommentFactory()
    call_command("mail_queue_digest", verbosity=0)
    assert mailoutbox == []
    settings.COMMENTS_DIGEST = True
    Comment.objects.all().delete()
    call_command("mail_queue_digest", verbosity=0)
    assert mailoutbox == []
