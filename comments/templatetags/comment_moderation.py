from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from .. import cache
from ..admin import spam_check_warnings
from ..models import Comment
from ..numbers import BAR, HEIGHT, WIDTH, desk_numbers

register = template.Library()


@register.simple_tag
def moderation_queue():
    """The pending count and spam-check warnings shown on the admin index."""
    return {
        "pending": Comment.objects.pending().count(),
        "warnings": spam_check_warnings(),
    }


@register.simple_tag
def pending_comments():
    """The number of pending comments, for the admin header's badge (cached)."""
    return cache.pending_count()


@register.inclusion_tag("admin/comments/includes/desk_numbers.html")
def moderation_numbers():
    """The desk's numbers and their chart, as comments.numbers prepared them."""
    numbers = desk_numbers()
    now = timezone.now()
    age = numbers["queue_age"] or {}
    to_verdict = numbers["time_to_verdict"]
    return {
        "numbers": numbers,
        "waiting": age.get("count"),
        "oldest": timesince(age["oldest_at"], now) if age else "",
        "median": timesince(age["median_at"], now) if age else "",
        "to_verdict": (
            timesince(now - timedelta(seconds=to_verdict), now)
            if to_verdict is not None
            else ""
        ),
        "width": WIDTH,
        "height": HEIGHT,
        "bar_width": BAR,
    }
