"""
Background tasks for comments. Each takes ids, loads the rows and calls
``checks``, ``emails`` or ``subscriptions``; the rows say what is still to do,
so a task that runs twice, late or never (``recheck_comments`` sweeps up after
lost ones) does no harm. A check or a report is queued only once claimed
(``checks.claim_checks``), with its claim's token, so a duplicate task finds the
claim gone and does nothing.

A comment's publication queues the mail to its article's subscribers
(``queue_subscriber_mail``). It is queued here and in ``moderation``, the
callers of ``checks``, since ``checks`` may not import this module; a
publication that queued nothing is mailed by the next sweep.
"""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from . import checks, emails, subscriptions
from .models import Comment, QueueCheck

# Checks claimed and queued at a time when the backlog is re-queued.
BATCH = 500


def _comment(comment_id):
    return (
        Comment.objects.select_related("article", "article__author")
        .filter(pk=comment_id)
        .first()
    )


def _token(claim):
    return datetime.fromisoformat(claim) if claim else None


@task
def check_comment(comment_id, claim=None):
    """
    Check a pending comment for spam and decide its status; when Akismet
    answers, queue at once the checks still waiting after earlier failures.
    """
    comment = _comment(comment_id)
    if comment is None:
        return False
    outcome = checks.run_check(comment, claim=_token(claim))
    if outcome and comment.status == Comment.Status.APPROVED:
        queue_subscriber_mail(comment)
    if outcome is checks.Outcome.ANSWERED and checks.take_failed_checks():
        queue_checks(Comment.objects.check_waiting())
    return bool(outcome)


@task
def report_spam(comment_id, claim=None):
    """Tell Akismet that a comment it let through is spam."""
    if comment := _comment(comment_id):
        return checks.send_report(comment, "spam", claim=_token(claim))
    return False


@task
def report_ham(comment_id, claim=None):
    """Tell Akismet that a comment it took for spam is not spam."""
    if comment := _comment(comment_id):
        return checks.send_report(comment, "ham", claim=_token(claim))
    return False


@task
def notify_subscribers(article_id):
    """Mail the subscribers of an article whose mail is due; returns how many."""
    return subscriptions.send_due(article_id=article_id)


def queue_subscriber_mail(comment):
    """Queue the mail to the subscribers of a comment's article, once it commits."""
    if comment.article_id:
        transaction.on_commit(
            partial(notify_subscribers.enqueue, article_id=comment.article_id)
        )


@task
def notify_article_author(comment_id):
    """Email an article's author about a comment published on it."""
    if comment := _comment(comment_id):
        return emails.email_article_author(comment)
    return 0


@task
def mail_confirmation(comment_id, language=None):
    """Mail a comment's author the link that confirms their address."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return 0
    return emails.email_confirmation(comment, language=language)


@task
def mail_data_link(email, language=None):
    """Mail a reader who asked for it the link to their own data."""
    return emails.email_data_link(email, language=language)


# Comments sent to Akismet again per step of a queue check.
QUEUE_CHECK_STEP = 50


@task
def check_queue(run_id):
    """
    Send every pending comment to Akismet again, oldest first, counting the
    progress on the QueueCheck row as it goes.
    """
    run = QueueCheck.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return 0
    last = 0
    while True:
        ids = list(
            Comment.objects.pending()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:QUEUE_CHECK_STEP]
        )
        if not ids:
            break
        if checks.check_again(ids):
            published = Comment.objects.approved().filter(
                pk__in=ids, article__isnull=False
            )
            articles = published.order_by().values_list("article_id", flat=True)
            for article_id in articles.distinct():
                transaction.on_commit(
                    partial(notify_subscribers.enqueue, article_id=article_id)
                )
        last = ids[-1]
        QueueCheck.objects.filter(pk=run.pk).update(done=F("done") + len(ids))
    QueueCheck.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return run.pk


def enqueue_check(comment_id, token, *, after_commit=True):
    """
    Queue a claimed check, once the claim commits (``after_commit``: the row
    may be new), or at once (the sweep, whose claims are committed already).
    """
    enqueue = partial(
        check_comment.enqueue, comment_id=comment_id, claim=token.isoformat()
    )
    if after_commit:
        transaction.on_commit(enqueue)
    else:
        enqueue()


def enqueue_report(comment_id, kind, token, *, after_commit=True):
    """Queue a claimed report to Akismet, like ``enqueue_check``."""
    task = report_spam if kind == "spam" else report_ham
    enqueue = partial(task.enqueue, comment_id=comment_id, claim=token.isoformat())
    if after_commit:
        transaction.on_commit(enqueue)
    else:
        enqueue()


def queue_checks(waiting, *, limit=None):
    """
    Claim and queue the checks of ``waiting`` (a queryset of comments), in
    batches; returns how many were queued.
    """
    queued = 0
    while limit is None or queued < limit:
        size = BATCH if limit is None else min(BATCH, limit - queued)
        ids, token = checks.claim_checks(waiting, limit=size, now=timezone.now())
        for pk in ids:
            enqueue_check(pk, token, after_commit=False)
        queued += len(ids)
        if len(ids) < size:
            break
    return queued


def probe(waiting, *, tries=5):
    """
    Run one waiting check here and now, to learn whether Akismet answers before
    queueing the others. Returns the outcome that tells (ANSWERED or FAILED), or
    None when there was nothing to ask Akismet about.
    """
    for _ in range(tries):
        ids, token = checks.claim_checks(waiting, limit=1)
        if not ids:
            return None
        comment = _comment(ids[0])
        outcome = checks.run_check(comment, claim=token)
        if outcome and comment.status == Comment.Status.APPROVED:
            queue_subscriber_mail(comment)
        if outcome in (checks.Outcome.ANSWERED, checks.Outcome.FAILED):
            return outcome
    return None


def queue_reports(*, limit):
    """Claim and queue the due reports to Akismet; returns how many."""
    claimed, token = checks.claim_reports(limit=limit)
    for pk, kind in claimed:
        enqueue_report(pk, kind, token, after_commit=False)
    return len(claimed)
