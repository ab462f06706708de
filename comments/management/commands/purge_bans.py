from django.core.management.base import BaseCommand

from comments.bans import bans_changed
from comments.models import Ban


class Command(BaseCommand):
    help = (
        "Delete the bans that have expired. Optional: an expired ban no longer "
        "applies whether or not it is deleted."
    )

    def handle(self, **options):
        deleted, _by_model = Ban.objects.expired().delete()
        bans_changed()
        if options["verbosity"]:
            self.stdout.write(f"purge_bans: {deleted} expired bans deleted")
