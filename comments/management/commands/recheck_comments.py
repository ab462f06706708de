"""
Re-queue the comment work a lost or failed task left undone: spam checks that are
due again, and spam/ham reports to Akismet still waiting to be sent.

Run it every few minutes (cron, a systemd timer), or keep it running with
``--loop SECONDS``; ``make run`` starts the loop next to the development server.
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from comments import tasks
from comments.models import Comment

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Re-queue spam checks that are due (Akismet was slow, down or misconfigured, "
        "or the task was lost) and reports to Akismet that have not gone through."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, sweeping again every SECONDS seconds.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=500,
            help="At most this many comments of each kind per sweep (default 500).",
        )

    def handle(self, *args, loop=None, limit=500, **options):
        if not loop:
            checks, reports = self.sweep(limit)
            if options["verbosity"]:
                self.stdout.write(
                    f"Re-queued {checks} spam check(s) and {reports} report(s) "
                    "to Akismet."
                )
            return
        self.stdout.write(f"Re-checking comments every {loop:g} seconds.")
        try:
            while True:
                close_old_connections()
                try:
                    self.sweep(limit)
                except Exception:
                    # A database hiccup must not end the loop: try at the next turn.
                    logger.exception("Comment sweep failed")
                time.sleep(loop)
        except KeyboardInterrupt:
            pass

    def sweep(self, limit):
        now = timezone.now()
        checks = list(
            Comment.objects.check_due(now)
            .order_by("next_check_at")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in checks:
            tasks.check_comment.enqueue(comment_id=pk)
        reports = list(
            Comment.objects.report_due(now)
            .order_by("next_report_at")
            .values_list("pk", "report")[:limit]
        )
        for pk, kind in reports:
            task = tasks.report_spam if kind == "spam" else tasks.report_ham
            task.enqueue(comment_id=pk)
        if checks or reports:
            logger.info(
                "Re-queued %d spam check(s) and %d report(s) to Akismet",
                len(checks),
                len(reports),
            )
        return len(checks), len(reports)
