import logging
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments import cache
from comments.models import Comment

logger = logging.getLogger(__name__)

SPAM_DAYS = 15
TRASH_DAYS = 30
BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        f"Delete spam older than {SPAM_DAYS} days (blatant spam as soon as its "
        f"delete-after time passes) and trash older than {TRASH_DAYS} days, and "
        "blank the IP address, user agent, referrer and Akismet data of comments "
        "older than COMMENTS_RETENTION_DAYS. Safe to run as often as you like."
    )

    def handle(self, **options):
        now = timezone.now()
        retention_days = settings.COMMENTS_RETENTION_DAYS
        with transaction.atomic():
            discarded = delete_comments(
                Comment.objects.spam().filter(delete_after__lte=now)
            )
            spam = delete_comments(
                Comment.objects.spam().filter(
                    status_changed_at__lt=now - timedelta(days=SPAM_DAYS)
                )
            )
            trash = delete_comments(
                Comment.objects.trash().filter(
                    status_changed_at__lt=now - timedelta(days=TRASH_DAYS)
                )
            )
            blanked = (
                Comment.objects.filter(
                    created_at__lt=now - timedelta(days=retention_days)
                )
                .filter(
                    Q(ip_address__isnull=False)
                    | ~Q(user_agent="")
                    | ~Q(referrer="")
                    | ~Q(akismet_data={})
                )
                .update(ip_address=None, user_agent="", referrer="", akismet_data={})
            )
        logger.info(
            "purge_comments: %d discarded spam, %d old spam, %d trashed comments "
            "deleted; %d comments' browser data blanked",
            discarded,
            spam,
            trash,
            blanked,
        )
        self.stdout.write(
            f"Deleted {discarded} blatant spam comment(s) past their delete-after time."
        )
        self.stdout.write(
            f"Deleted {spam} spam comment(s) older than {SPAM_DAYS} days."
        )
        self.stdout.write(
            f"Deleted {trash} comment(s) in the trash for more than {TRASH_DAYS} days."
        )
        self.stdout.write(
            "Blanked the IP address, user agent, referrer and Akismet data of "
            f"{blanked} comment(s) older than {retention_days} days."
        )


def delete_comments(queryset):
    """
    Delete the comments in ``queryset`` and return how many went.

    Replies that are not deleted themselves would go with their parent (the foreign
    key cascades), so they are first moved up to their nearest surviving ancestor.
    """
    doomed = set(queryset.values_list("pk", flat=True))
    for chunk in batched(sorted(doomed), BATCH_SIZE):
        replies = Comment.objects.filter(parent_id__in=chunk).select_related("parent")
        for reply in replies:
            if reply.pk in doomed:
                continue
            parent = reply.parent
            while parent is not None and parent.pk in doomed:
                parent = parent.parent
            reply.parent = parent
            reply.save(update_fields=["parent"])
            # A reply moved up its thread shows in a new place.
            cache.comments_changed(reply.article_id)
    deleted = 0
    for chunk in batched(sorted(doomed), BATCH_SIZE):
        _total, per_model = Comment.objects.filter(pk__in=chunk).delete()
        deleted += per_model.get(Comment._meta.label, 0)
    return deleted
