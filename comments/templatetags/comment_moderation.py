from django import template

from ..admin import spam_check_warnings
from ..models import Comment

register = template.Library()


@register.simple_tag
def moderation_queue():
    """The pending count and spam-check warnings shown on the admin index."""
    return {
        "pending": Comment.objects.pending().count(),
        "warnings": spam_check_warnings(),
    }
