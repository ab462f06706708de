"""
The Akismet faults benchmark: readers post comments through gunicorn while the
Akismet-compatible server (tests/akismet_server.py, its own process) is ok, then
stopped (down), restarted slow (beyond AKISMET_TIMEOUT), answering garbage, and
ok again; ``db_worker`` processes check the comments and ``recheck_comments
--loop`` sweeps. Prints the comments accepted and stored, those checked exactly
once after recovery, Akismet calls per comment, and the seconds from recovery
to an empty backlog. Fails (exit status 1) if a comment is lost or published
unchecked.

    make bench-faults                      # SQLite, 2 workers
    DATABASE_URL=postgres://... make bench-faults BENCH_ARGS="--task-workers 4"
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import httpx

from tests.benchmark.run import (
    PY,
    Stack,
    comment_form,
    ensure_postgres_database,
    free_port,
    manage,
    say,
    setup_django,
    site_env,
    start_db_workers,
    start_gunicorn,
)

HERE = Path(__file__).resolve().parent


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--task-workers", type=int, default=None, help="db_workers")
    parser.add_argument(
        "--rate", type=float, default=5.0, help="comments posted per second"
    )
    parser.add_argument(
        "--phases",
        default="ok=10,down=40,slow=30,garbage=30,ok=15",
        help="the sequence, as mode=seconds; the last ok is the recovery",
    )
    parser.add_argument("--sweep", type=float, default=30, help="sweep interval")
    parser.add_argument("--timeout", type=float, default=2, help="AKISMET_TIMEOUT")
    parser.add_argument(
        "--drain-timeout", type=float, default=300, help="seconds to wait at the end"
    )
    return parser.parse_args(argv)


def database_url(tmp):
    site = os.environ.get("DATABASE_URL", "")
    if site.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(site)
        name = (parts.path.lstrip("/") or "newsroom") + "_faults"
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
        ensure_postgres_database(url)
        return url, True
    return f"sqlite:///{tmp / 'faults.sqlite3'}", False


class AkismetProcess:
    """The Akismet-compatible server as a process, stopped and started at will."""

    def __init__(self, stack, log):
        self.stack, self.log, self.port = stack, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, mode="ok", slow_seconds=0):
        self.proc = self.stack.start(
            "akismet",
            [PY, "-m", "tests.akismet_server", "--port", str(self.port)]
            + ["--log", str(self.log)],
            dict(os.environ),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.control(mode, slow_seconds)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("The Akismet-compatible server did not start.")

    def stop(self):
        if self.proc:
            self.stack.stop(self.proc)
            self.proc = None

    def control(self, mode, slow_seconds=0):
        data = {"mode": mode}
        if slow_seconds:
            data["slow_seconds"] = str(slow_seconds)
        httpx.post(self.url + "/_control", data=data, timeout=2).raise_for_status()

    def calls(self):
        if not self.log.exists():
            return []
        lines = self.log.read_text().splitlines()
        return [
            c for c in map(json.loads, lines) if c["path"].endswith("comment-check")
        ]


class Poster(threading.Thread):
    """Posts comments at a steady rate; counts what the site accepted."""

    def __init__(self, base, article, rate, marker):
        super().__init__(daemon=True)
        self.fields, self.cookie = comment_form(base, article)
        self.url = f"{base}/comments/post/{article.pk}/"
        self.referer = base + article.get_absolute_url()
        self.rate, self.marker = rate, marker
        self.accepted = self.refused = self.errors = 0
        self.halt = threading.Event()

    def run(self):
        n = 0
        with httpx.Client(timeout=30) as http:
            started = time.monotonic()
            while not self.halt.is_set():
                n += 1
                data = self.fields | {
                    "author_name": f"Reader {n}",
                    "author_email": f"reader{n}@example.org",
                    "author_url": "",
                    "homepage": "",
                    "body": f"Comment {n} of {self.marker}.",
                }
                try:
                    response = http.post(
                        self.url,
                        data=data,
                        headers={"Cookie": self.cookie, "Referer": self.referer},
                    )
                    if response.status_code == 302:
                        self.accepted += 1
                    else:
                        self.refused += 1
                except httpx.HTTPError:
                    self.errors += 1
                pause = started + n / self.rate - time.monotonic()
                if pause > 0:
                    self.halt.wait(pause)


def main(argv=None):
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-faults-"))
    phases = [p.split("=") for p in args.phases.split(",")]
    with Stack(tmp) as stack:
        if not os.environ.get("BENCH_KEEP"):
            stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        db_url, postgres = database_url(tmp)
        if args.task_workers is None:
            args.task_workers = 4 if postgres else 2
        akismet = AkismetProcess(stack, tmp / "akismet.jsonl")
        akismet.start()
        env = site_env(db_url, "", secrets.token_urlsafe(50), akismet.url)
        env["AKISMET_TIMEOUT"] = str(args.timeout)
        say(f"Database: {'PostgreSQL' if postgres else 'SQLite'} ({db_url})")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        setup_django(env)

        from django_tasks_db.models import DBTaskResult

        from comments.models import Comment
        from tests.factories import ArticleFactory

        marker = f"faults{secrets.token_hex(4)}"
        Comment.objects.all().delete()
        DBTaskResult.objects.all().delete()
        article = ArticleFactory(title=f"Faults {marker}")

        server = start_gunicorn(stack, "app", env, args.workers)
        start_db_workers(stack, env, args.task_workers)
        stack.start(
            "sweep",
            [PY, "manage.py", "recheck_comments", "--loop", str(args.sweep)],
            env,
        )
        time.sleep(1 + 0.5 * args.task_workers)
        poster = Poster(server.base, article, args.rate, marker)
        rows = Comment.objects.filter(body__contains=marker)
        waiting = rows.filter(check_state=Comment.CheckState.UNCHECKED)
        say(
            f"Posting {args.rate:g} comments/s; {args.workers} gunicorn workers, "
            f"{args.task_workers} db_workers, sweep every {args.sweep:g} s, "
            f"AKISMET_TIMEOUT {args.timeout:g} s"
        )
        poster.start()
        recovered_at = backlog = None
        for index, (mode, seconds) in enumerate(phases):
            last = index == len(phases) - 1
            if mode == "down":
                akismet.stop()
            elif akismet.proc is None:
                akismet.start(mode, args.timeout + 1)
            else:
                akismet.control(mode, args.timeout + 1)
            if last:
                recovered_at = time.monotonic()
                backlog = waiting.count()
            say(f"  {mode:<8} {seconds:>4} s  (waiting for a check: {waiting.count()})")
            time.sleep(float(seconds))
        poster.halt.set()
        poster.join()
        deadline = time.monotonic() + args.drain_timeout
        while waiting.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        empty_at = time.monotonic()
        # The backlog also holds comments posted after recovery; the time that
        # counts is when the last comment held by the outage was checked.
        last_held = (
            rows.filter(created_at__lte=timezone_at(recovered_at))
            .exclude(checked_at=None)
            .order_by("-checked_at")
            .values_list("checked_at", flat=True)
            .first()
        )
        calls = [c for c in akismet.calls() if marker in c["comment_content"]]
        akismet.stop()
        report(args, poster, rows, waiting, calls, backlog, recovered_at, empty_at,
               last_held)  # fmt: skip


def timezone_at(monotonic):
    """The wall-clock time of a time.monotonic() reading."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(seconds=time.monotonic() - monotonic)


def report(args, poster, rows, waiting, calls, backlog, recovered_at, empty_at, last):
    from comments.models import Comment

    stored = rows.count()
    answered = Counter(c["comment_content"] for c in calls if c["mode"] == "ok")
    bodies = list(rows.values_list("body", flat=True))
    once = sum(1 for body in bodies if answered[body] == 1)
    unchecked_public = rows.filter(status=Comment.Status.APPROVED).exclude(
        verdict=Comment.Verdict.HAM
    )
    lost = max(0, poster.accepted - stored)
    left = waiting.count()
    since = (last - timezone_at(recovered_at)).total_seconds() if last else None
    say("\n== Akismet faults")
    say(f"  comments accepted (302)              {poster.accepted}")
    say(f"  refused / errors                     {poster.refused} / {poster.errors}")
    say(f"  stored                               {stored}")
    say(f"  lost                                 {lost}")
    say(f"  held by the outage at recovery       {backlog}")
    say(f"  answered by Akismet exactly once     {once} of {stored}")
    say(f"  Akismet calls per comment            {len(calls) / max(stored, 1):.2f}")
    say(f"  still waiting at the end             {left}")
    say(f"  published unchecked                  {unchecked_public.count()}")
    if since is not None:
        say(f"  recovery → last held comment checked {since:.1f} s")
    say(
        f"  recovery → empty backlog             {empty_at - recovered_at:.1f} s "
        "(readers post until the end of the last phase)"
    )
    failed = lost or unchecked_public.exists() or left or once != stored
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
