"""
The numbers of the moderation desk, for the admin index: comments per day by
status over 30 days (drawn as an SVG chart on the server), the queue's age, the
median time to a verdict, and decisions per moderator this week. Computed at
most every NUMBERS_SECONDS and cached, since a few of them read many rows.
"""

import statistics
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Comment, CommentEvent

NUMBERS = "comments:desk-numbers"
NUMBERS_SECONDS = 300
DAYS = 30
# Decisions read for the median time to a verdict: the latest ones.
SAMPLE = 2000

Status = Comment.Status
# Bars stacked in this order, each in its colour (presentation attributes: the
# Content-Security-Policy allows them, unlike inline styles).
COLOURS = {
    Status.APPROVED: "#2e7d32",
    Status.PENDING: "#f9a825",
    Status.SPAM: "#c62828",
    Status.TRASH: "#757575",
}
WIDTH, HEIGHT, BAR = 600, 160, 16


def desk_numbers(now=None):
    """The numbers, from the cache when they are recent."""
    numbers = cache.get(NUMBERS)
    if numbers is None:
        numbers = compute(now)
        cache.set(NUMBERS, numbers, NUMBERS_SECONDS)
    return numbers


def compute(now=None):
    now = now or timezone.now()
    return {
        "days": per_day(now),
        "queue_age": queue_age(now),
        "time_to_verdict": time_to_verdict(now),
        "decisions": decisions_this_week(now),
    }


def per_day(now):
    """[{"day", "counts": [(status, label, count)], "total", "bars": [...]}]."""
    today = timezone.localdate(now)
    first = today - timedelta(days=DAYS - 1)
    since = now - timedelta(days=DAYS + 1)
    rows = (
        Comment.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        if row["day"] >= first:
            counts[(row["day"], row["status"])] = row["n"]
    days = [first + timedelta(days=n) for n in range(DAYS)]
    top = max([sum(counts.get((d, s), 0) for s in COLOURS) for d in days] + [1])
    step = WIDTH / DAYS
    result = []
    for index, day in enumerate(days):
        y = HEIGHT
        bars, cells = [], []
        for status, colour in COLOURS.items():
            n = counts.get((day, status), 0)
            height = round(n * HEIGHT / top, 1)
            y -= height
            cells.append((Status(status).label, n))
            if n:
                bars.append(
                    {"x": round(index * step, 1), "y": round(y, 1), "h": height,
                     "fill": colour, "n": n, "label": Status(status).label}
                )  # fmt: skip
        result.append(
            {"day": day, "cells": cells, "total": sum(c for _l, c in cells),
             "bars": bars}
        )  # fmt: skip
    return result


def queue_age(now):
    """How many wait, since when the oldest and the median one, or None."""
    pending = Comment.objects.pending().order_by("created_at")
    count = pending.count()
    if not count:
        return None
    oldest = pending.values_list("created_at", flat=True).first()
    median = pending.values_list("created_at", flat=True)[count // 2]
    return {"count": count, "oldest_at": oldest, "median_at": median}


def time_to_verdict(now):
    """
    The median seconds from a comment's arrival to a decision on it (by a
    moderator or the spam check) over the last 30 days, or None.
    """
    since = now - timedelta(days=DAYS)
    pairs = (
        CommentEvent.objects.filter(
            created_at__gte=since,
            from_status=Status.PENDING,
            to_status__in=[Status.APPROVED, Status.SPAM, Status.TRASH],
        )
        .order_by("-created_at")
        .values_list("created_at", "comment__created_at")[:SAMPLE]
    )
    waits = [(decided - received).total_seconds() for decided, received in pairs]
    if not waits:
        return None
    return statistics.median(waits)


def decisions_this_week(now):
    """[(moderator's username, decisions)] over the last seven days, most first."""
    rows = (
        CommentEvent.objects.filter(
            created_at__gte=now - timedelta(days=7),
            actor__isnull=False,
        )
        .exclude(to_status="")
        .values("actor__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "actor__username")
    )
    return [(row["actor__username"], row["n"]) for row in rows]
