"""Background work for the editorial workflow: thin tasks that call emails.py."""

from django.tasks import task

from . import emails
from .models import ArticleTransition


@task
def notify_transition(transition_id):
    """Mail the people a workflow step concerns (editors, or the author)."""
    step = (
        ArticleTransition.objects.select_related("article__author", "actor")
        .filter(pk=transition_id)
        .first()
    )
    if step is None:  # the article was deleted before the task ran
        return 0
    return emails.email(step)
