"""
Background tasks for comments. Each takes ids, loads the rows and calls
``checks`` or ``emails``; the rows say what is still to do, so a task that runs
twice, late or never (``recheck_comments`` sweeps up after lost ones) does no
harm.
"""

from django.tasks import task

from . import checks, emails
from .models import Comment


def _comment(comment_id):
    return (
        Comment.objects.select_related("article", "article__author")
        .filter(pk=comment_id)
        .first()
    )


@task
def check_comment(comment_id):
    """Check a pending comment for spam and decide its status."""
    if comment := _comment(comment_id):
        return checks.run_check(comment)
    return False


@task
def report_spam(comment_id):
    """Tell Akismet that a comment it let through is spam."""
    if comment := _comment(comment_id):
        return checks.send_report(comment, "spam")
    return False


@task
def report_ham(comment_id):
    """Tell Akismet that a comment it took for spam is not spam."""
    if comment := _comment(comment_id):
        return checks.send_report(comment, "ham")
    return False


@task
def notify_article_author(comment_id):
    """Email an article's author about a comment published on it."""
    if comment := _comment(comment_id):
        return emails.email_article_author(comment)
    return 0
