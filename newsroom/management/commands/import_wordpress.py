import hashlib
import re
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from newsroom.wordpress import run as runs
from newsroom.wordpress.reader import WXRError
from newsroom.wordpress.report import lines


def read_author_map(path):
    """
    WordPress logins mapped onto existing users: one ``login username`` pair a
    line (separated by spaces, a comma, ``=`` or ``:``); ``#`` starts a comment.
    """
    User = get_user_model()
    mapping = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            gettext("Cannot read the author map %(path)s: %(error)s")
            % {"path": path, "error": exc}
        ) from None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[\s,=:]+", line) if p]
        if len(parts) != 2:
            raise CommandError(
                gettext(
                    "Author map, line %(line)s: write a WordPress login and a username."
                )
                % {"line": number}
            )
        user = User.objects.filter(username=parts[1]).first()
        if user is None:
            raise CommandError(
                gettext("Author map, line %(line)s: there is no user “%(user)s”.")
                % {"line": number, "user": parts[1]}
            )
        mapping[parts[0]] = user
    return mapping


def checksum(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) file: authors, categories, tags, posts, "
        "pages, attachments and comments, with redirects from the old addresses. "
        "Safe to run again: unchanged items are left alone, changed ones updated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "export", help="The WXR file (Tools > Export in WordPress)."
        )
        parser.add_argument(
            "--media-dir",
            help="A copy of the old site's wp-content/uploads folder.",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download each attachment from its address on the old site.",
        )
        parser.add_argument(
            "--media-timeout",
            type=float,
            default=20,
            help="Seconds to wait for each download (default 20).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and print the report, writing nothing.",
        )
        parser.add_argument(
            "--author-map",
            help="A file of 'wordpress-login username' lines mapping authors to users.",
        )
        parser.add_argument(
            "--skip-pings",
            action="store_true",
            help="Leave out pingbacks and trackbacks (they are counted in the report).",
        )

    def handle(self, export, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(gettext("No such file: %(path)s") % {"path": export})
        if options["media_dir"] and not Path(options["media_dir"]).is_dir():
            raise CommandError(
                gettext("No such folder: %(path)s") % {"path": options["media_dir"]}
            )
        author_map = (
            read_author_map(options["author_map"]) if options["author_map"] else {}
        )
        run = None
        if not options["dry_run"]:
            run = runs.start(
                path.name,
                checksum(path),
                options={
                    "media_dir": str(options["media_dir"] or ""),
                    "fetch_media": options["fetch_media"],
                    "skip_pings": options["skip_pings"],
                },
            )
            if resumed := runs.interrupted_before(run):
                self.stdout.write(
                    gettext(
                        "Continuing import #%(number)s of this file, which did not "
                        "finish: what it imported is kept."
                    )
                    % {"number": resumed.pk}
                )
        bar = self._progress_bar()
        try:
            report = runs.execute(
                run,
                path,
                media_dir=options["media_dir"],
                fetch_media=options["fetch_media"],
                media_timeout=options["media_timeout"],
                dry_run=options["dry_run"],
                author_map=author_map,
                skip_pings=options["skip_pings"],
                progress=bar.progress if bar else None,
            )
        except WXRError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if bar:
                bar.close()
        if options["dry_run"]:
            self.stdout.write(gettext("Dry run: nothing was written."))
        for line in lines(report):
            self.stdout.write(line)

    def _progress_bar(self):
        """A tqdm bar on a terminal; elsewhere the importer logs every 1,000 items."""
        if not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        class Bar:
            def __init__(self):
                self.bar = tqdm(unit=" items", file=sys.stderr)

            def progress(self, done, total):
                self.bar.total = total
                self.bar.update(done - self.bar.n)

            def close(self):
                self.bar.close()

        return Bar()
