"""
Re-queue the comment work a lost or failed task left undone: spam checks that are
due again, spam/ham reports to Akismet still waiting to be sent, and the mail to
subscribers that is due (held back by the hourly limit, failed, or never queued).

Run it every few minutes (cron, a systemd timer), or keep it running with
``--loop SECONDS``; ``make run`` starts the loop next to the development server.

A sweep first asks Akismet about one waiting comment, here and now, and queues
the others only if Akismet answered: a long outage costs one call per sweep,
not one per comment. Run by hand (without ``--loop`` or ``--due``) it checks
every comment still waiting, not only those whose retry is due. Comments older than
AKISMET_RETRY_DAYS are left to the moderators without asking again.
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from comments import checks, subscriptions, tasks
from comments.models import Comment

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Check the comments still waiting for Akismet (it was slow, down or "
        "misconfigured, or the task was lost), send the reports to Akismet "
        "that have not gone through and queue the subscribers' mail that is due. "
        "With --loop, only the checks that are due."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, sweeping the due checks every SECONDS seconds.",
        )
        parser.add_argument(
            "--due",
            action="store_true",
            help="Only the checks that are due, as --loop does (for cron).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=5000,
            help="At most this many comments of each kind per sweep (default 5000).",
        )

    def handle(self, *args, loop=None, limit=5000, due=False, **options):
        if not loop:
            outcome, queued, reports = self.sweep(limit, everything=not due)
            if options["verbosity"]:
                if outcome is checks.Outcome.FAILED:
                    self.stdout.write(
                        "Akismet did not answer: nothing else queued; the checks "
                        "are retried later."
                    )
                self.stdout.write(
                    f"Re-queued {queued} spam check(s) and {reports} report(s) "
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

    def sweep(self, limit, *, everything=False):
        """
        Ask Akismet about one waiting check; if it answers, queue the others.
        Returns the probe's outcome (None: nothing to ask), the number of checks
        and of reports queued.
        """
        checks.give_up_expired(limit=limit)
        waiting = (
            Comment.objects.check_waiting(everything=True)
            if everything
            else Comment.objects.check_due()
        )
        outcome = tasks.probe(waiting)
        queued = reports = 0
        if outcome is checks.Outcome.ANSWERED:
            # Those waiting out their back-off after failures too, not due yet.
            checks.take_failed_checks()
            waiting = Comment.objects.check_waiting(everything=everything)
            queued = 1 + tasks.queue_checks(waiting, limit=limit)
        if outcome is not checks.Outcome.FAILED:
            reports = tasks.queue_reports(limit=limit)
        # Mail does not wait for Akismet: it is about published comments.
        mailing = subscriptions.articles_due(limit=limit)
        for article_id in mailing:
            tasks.notify_subscribers.enqueue(article_id=article_id)
        if mailing:
            logger.info(
                "Comment sweep: queued the subscribers' mail of %d article(s)",
                len(mailing),
            )
        if queued or reports or outcome is checks.Outcome.FAILED:
            logger.info(
                "Comment sweep: Akismet %s; queued %d spam check(s) and %d "
                "report(s) to Akismet",
                outcome.value if outcome else "not asked",
                queued,
                reports,
            )
        return outcome, queued, reports
