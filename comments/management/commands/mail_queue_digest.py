from django.conf import settings
from django.core.management.base import BaseCommand

from comments.emails import email_digest


class Command(BaseCommand):
    help = (
        "Email moderators what waits in the moderation queue (for a daily cron "
        "job). Does nothing unless COMMENTS_DIGEST is on, or with --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="send even if COMMENTS_DIGEST is off"
        )

    def handle(self, *, force, **options):
        if not (settings.COMMENTS_DIGEST or force):
            if options["verbosity"]:
                self.stdout.write("mail_queue_digest: COMMENTS_DIGEST is off")
            return
        sent = email_digest()
        if options["verbosity"]:
            self.stdout.write(f"mail_queue_digest: {sent} message(s) sent")
