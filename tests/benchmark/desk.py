"""
The moderators' desk on a big table: the time of a queue page, the commenter's
history and the spam-wave detection, through the test client and the ORM in
this process (no HTTP server), median of several runs after a warm-up.

Part of `make bench` (printed after the pages); alone, on a database already
filled (``build_bench_data``, or any table of comments):

    DATABASE_URL=postgres://... .venv/bin/python -m tests.benchmark.desk --runs 7
"""

import argparse
import os
import re
import statistics
import sys
import time
from urllib.parse import urlencode


def timed(fn, runs):
    fn()  # warm-up: connection, plans, the bans list in the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def busiest_commenter():
    """A comment by the author with the most comments among a sample of recent ones."""
    from django.db.models import Count

    from comments.models import Comment

    recent = Comment.objects.order_by("-created_at").values_list(
        "author_email", flat=True
    )[:2000]
    top = (
        Comment.objects.filter(author_email__in=list(set(recent)))
        .values("author_email")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return Comment.objects.filter(author_email=top["author_email"]).first()


def measure(admin_user, *, runs=5, say=print):
    """Print the desk's figures; return {label: (median ms, max ms)}."""
    from django.test import Client
    from django.urls import reverse

    from comments import waves
    from comments.desk import CommenterHistory
    from comments.models import Comment

    client = Client()
    client.force_login(admin_user)
    comment = busiest_commenter()
    history = CommenterHistory(comment)
    counts = history.counts()
    queue = reverse("admin:comments_comment_changelist")
    record = reverse("admin:comments_comment_commenter", args=[comment.pk])
    # A comment with keys (the newest with a link), as a new one would have.
    newest = (
        Comment.objects.exclude(link_key="").order_by("-created_at", "-pk").first()
        or Comment.objects.order_by("-created_at", "-pk").first()
    )
    if not newest.link_key:
        # Rows made by COPY have no keys: give the check the keys of a new
        # comment with a link, so that it runs its query.
        newest.body += " https://example.org/offer"
        waves.set_keys(newest)

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    figures = {
        "queue page (pending)": timed(lambda: get(queue), runs),
        "queue page (all)": timed(lambda: get(queue + "?status=all"), runs),
        f"history view ({counts['total']} comments)": timed(lambda: get(record), runs),
        "wave detection (queue)": timed(lambda: waves.waves(), runs),
        "wave check (one comment)": timed(lambda: waves.wave_of(newest), runs),
    }
    # The queue's search for a word: one in many comments (the first word of
    # the newest one's text, 3 letters or more), and one in none, which no
    # walk through the comments may find out the slow way.
    common = next(
        (w for w in re.findall(r"\w{3,}", newest.body.lower()) if not w.isdigit()),
        "grazie",
    )
    searches = [(f"a common word ({common})", common), ("a word in none", "zzqx")]
    for label, word in searches:
        url = queue + "?" + urlencode({"q": word, "status": "all"})
        figures[f"queue search, {label}"] = timed(lambda url=url: get(url), runs)
    total = Comment.objects.count()
    say(f"\n== The moderators' desk ({total:,} comments, median of {runs})")
    for label, (median, worst) in figures.items():
        say(f"  {label:<44} {median:8.1f} ms  (max {worst:.1f})")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.update_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "b@example.org"},
    )
    from django.conf import settings
    from django.test import override_settings

    # Alone, without collectstatic: the admin's assets by their plain names.
    storages = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with override_settings(STORAGES=storages):
        measure(user, runs=args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
