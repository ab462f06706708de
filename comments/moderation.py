"""
The comment moderation policy.

Every comment a reader posts is saved as *pending* first (``receive``); nothing
is published before it has been decided. The decision is split in steps:

- refuse: banned readers (``bans``), closed comments, flooding and duplicates
  never become a comment (``refusal``, called by the view before ``receive``);
- then, in a task (``checks.py``): a word from the disallowed list sends it
  straight to the trash; Akismet's verdict (``run_check`` → ``apply_verdict``)
  sends spam and blatant ("discard") spam away, never shown; ham is published
  unless a moderation rule (``held_by_rules``) holds it for a moderator;
- email (``emails.py``): moderators hear about held comments, article authors
  (optionally) about published ones, subscribers (``subscriptions.py``) about
  new comments and replies.

When Akismet cannot answer, the comment stays pending and is checked again with
back-off, then left to the moderators (``checks.retry_for``). The comment row is
the source of truth; tasks are only nudges, so every function here is safe to
run twice. Moderators change a comment's status through the verbs below
(``approve``, ``mark_spam``…), which record who did what and queue the reports
to Akismet and the mail.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Q, When
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsroom.proxies import client_ip

from . import bans, cache, checks, spam, tasks, waves
from .checks import in_site_language, record, same_author, update
from .models import Comment, ModerationSettings

logger = logging.getLogger(__name__)

Status = Comment.Status
CheckState = Comment.CheckState
Verdict = spam.Verdict

# A freshly received comment is due for the sweep after this long, in case its
# check task was lost.
CHECK_GRACE = timedelta(minutes=2)


# Refusals: checks made before a submission becomes a comment -----------------


def comments_closed(article, rules=None, now=None):
    """Return True if readers may not comment on the article (yet or any more)."""
    if not article.comments_open or not article.is_published():
        return True
    rules = rules or ModerationSettings.load()
    if rules.close_after_days and article.published_at:
        closes = article.published_at + timedelta(days=rules.close_after_days)
        return (now or timezone.now()) >= closes
    return False


def refusal(comment, *, request, rules=None):
    """
    Return why a submission cannot be accepted, or "" if it can.

    Covers comments being closed, a reply to a comment that is not shown,
    flooding (the same IP or email within COMMENTS_FLOOD_SECONDS) and duplicates
    (the same author posting the same text on the same article); first of all,
    a ban on the email or the IP address (``bans``).
    """
    article = comment.article
    ip = client_ip(request)
    # First and cheap (the bans in force are cached): a banned reader learns
    # nothing from the message, and the log names the ban, not the person.
    if ban := bans.matching_ban(email=comment.author_email, ip=ip):
        logger.info("Comment refused (ban %s) on article %s", ban, article.pk)
        return gettext("Your comment could not be accepted.")
    if comments_closed(article, rules):
        reason, message = "closed", gettext("Comments are closed on this article.")
    elif comment.parent_id and not (
        Comment.objects.approved()
        .filter(pk=comment.parent_id, article=article)
        .exists()
    ):
        reason = "bad parent"
        message = gettext("The comment you are replying to is not available.")
    elif repeat := _repeated(comment, ip):
        reason = repeat
        message = (
            gettext("You have already posted this comment.")
            if repeat == "duplicate"
            else gettext(
                "You are posting comments too quickly. Please wait a few seconds "
                "and send your comment again."
            )
        )
    else:
        return ""
    # No address or email in the log: it outlives the retention policy.
    logger.info("Comment refused (%s) on article %s", reason, article.pk)
    return message


def _repeated(comment, ip):
    """
    Return "duplicate" (same author, text and article), "flood" (same IP or email
    within COMMENTS_FLOOD_SECONDS) or "", in one query.
    """
    duplicate = (
        same_author(comment)
        & Q(article=comment.article, body=comment.body)
        & ~Q(status=Status.TRASH)
    )
    matches = duplicate
    if seconds := settings.COMMENTS_FLOOD_SECONDS:
        since = timezone.now() - timedelta(seconds=seconds)
        matches |= Q(created_at__gte=since) & (same_author(comment) | Q(ip_address=ip))
    hit = (
        Comment.objects.filter(matches)
        .annotate(is_duplicate=Case(When(duplicate, then=True), default=False))
        .order_by("-is_duplicate")
        .values_list("is_duplicate", flat=True)
        .first()
    )
    if hit is None:
        return ""
    return "duplicate" if hit else "flood"


# Intake and the spam check -----------------------------------------------------


@in_site_language
def receive(comment, *, request, rules=None):
    """
    Save a reader's new comment as pending and queue its spam check.

    Records what the reader's browser sent (IP, user agent, referrer, language)
    and the data Akismet will be given, including the article's permalink. A
    reply beyond the thread's depth limit hangs on an ancestor (``_within_depth``).
    """
    now = timezone.now()
    if comment.parent_id:
        rules = rules or ModerationSettings.load()
        comment.parent_id = _within_depth(comment.parent_id, rules)
    comment.ip_address = client_ip(request)
    comment.user_agent = request.headers.get("user-agent", "")[:1000]
    comment.referrer = request.headers.get("referer", "")[:1000]
    comment.language = (
        getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or ""
    )
    comment.status = Status.PENDING
    comment.check_state = CheckState.UNCHECKED
    comment.created_at = comment.status_changed_at = now
    # Claimed for the check task queued below (checks.py): the sweep leaves it
    # alone until the claim lapses, in case the task was lost.
    comment.check_claimed_at = now
    comment.next_check_at = checks.claim_end(now, CHECK_GRACE)
    comment.akismet_data = spam.comment_data(comment)
    waves.set_keys(comment)
    # No transaction of its own, to keep intake cheap: the row is what matters,
    # and if the event or the task were lost, the sweep still checks the comment.
    comment.save()
    record(comment, gettext("received"), to_status=Status.PENDING)
    tasks.enqueue_check(comment.pk, comment.next_check_at)
    return comment


# Threads deeper than the moderation settings allow are never stored: long
# chains from elsewhere (an import) are walked this far up at most.
MAX_ANCESTORS = 50


def _within_depth(parent_id, rules):
    """
    The comment a reply hangs on: the one replied to, unless that one is at the
    depth limit (``thread_depth``); then its ancestor one level up, so the reply
    is stored, and shown, at the deepest level, right after the comment it
    answers, as the threads of WordPress flatten at their limit. With a limit of
    one level, replies become comments of their own (None).
    """
    limit = max(rules.thread_depth, 1)
    ancestors = [parent_id]  # the parent, then up to its thread's root
    while len(ancestors) < MAX_ANCESTORS:
        above = (
            Comment.objects.filter(pk=ancestors[-1])
            .values_list("parent_id", flat=True)
            .first()
        )
        if above is None:
            break
        ancestors.append(above)
    # The parent stands at depth len(ancestors); the reply must stay within limit.
    index = len(ancestors) - limit + 1
    if index <= 0:
        return parent_id
    return ancestors[index] if index < len(ancestors) else None


# Moderators' verbs ------------------------------------------------------------


@in_site_language
def approve(comment, *, by):
    """Publish a comment. Returns True if it was not already published."""
    changed = _change(
        comment, Status.APPROVED, _by(gettext("approved by %(user)s"), by), by=by
    )
    if changed:
        _notify_article_author(comment)
    return changed


@in_site_language
def unapprove(comment, *, by):
    """Take a published comment back to pending."""
    if comment.status != Status.APPROVED:
        return False
    return _change(
        comment, Status.PENDING, _by(gettext("unapproved by %(user)s"), by), by=by
    )


@in_site_language
def mark_spam(comment, *, by):
    """Move a comment to spam and report it to Akismet (submit-spam)."""
    changed = _change(
        comment,
        Status.SPAM,
        _by(gettext("reported as spam by %(user)s"), by),
        by=by,
        report=_report_fields("spam"),
    )
    if changed:
        _queue_report(comment)
    return changed


@in_site_language
def mark_not_spam(comment, *, by):
    """Publish a comment taken for spam and report it to Akismet (submit-ham)."""
    if comment.status != Status.SPAM:
        return False
    changed = _change(
        comment,
        Status.APPROVED,
        _by(gettext("reported as not spam by %(user)s"), by),
        by=by,
        report=_report_fields("ham") | {"delete_after": None},
    )
    if changed:
        _queue_report(comment)
        _notify_article_author(comment)
    return changed


@in_site_language
def trash(comment, *, by):
    """Move a comment to the trash (purge_comments empties it later)."""
    return _change(
        comment, Status.TRASH, _by(gettext("moved to trash by %(user)s"), by), by=by
    )


@in_site_language
def restore(comment, *, by):
    """Take a comment out of the trash, back to the status it had before."""
    if comment.status != Status.TRASH:
        return False
    last = (
        comment.events.filter(to_status=Status.TRASH)
        .exclude(from_status="")
        .order_by("-created_at", "-pk")
        .first()
    )
    to = last.from_status if last and last.from_status != Status.TRASH else None
    return _change(
        comment,
        to or Status.PENDING,
        _by(gettext("restored by %(user)s"), by),
        by=by,
    )


@in_site_language
def delete(comment, *, by):
    """Delete a comment for good, with its replies and history."""
    if comment.pk is None:
        return False
    logger.info(
        "Comment %s on article %s deleted by %s",
        comment.pk,
        comment.article_id,
        _actor_name(by),
    )
    comment.delete()
    cache.comments_changed(comment.article_id)
    return True


@in_site_language
def edit_body(comment, body, *, by):
    """Change a comment's text, keeping a note of the edit in its history."""
    if body == comment.body:
        return False
    with transaction.atomic():
        comment.body = body
        comment.save(update_fields=["body"])
        record(comment, _by(gettext("text edited by %(user)s"), by), by=by)
        if comment.status == Status.APPROVED:
            cache.comments_changed(comment.article_id)
    return True


def _change(comment, to, message, *, by, report=None):
    if comment.status == to:
        return False
    fields = {
        "status": to,
        "status_changed_at": timezone.now(),
        # A moderator has decided: a pending automatic check must not overrule.
        "next_check_at": None,
        **(report or {}),
    }
    changed = update(comment, {"status": comment.status}, fields, message, by=by)
    if changed and to == Status.APPROVED:
        tasks.queue_subscriber_mail(comment)
    return changed


def _by(message, by):
    return message % {"user": _actor_name(by)}


def _actor_name(by):
    return by.get_username() if by is not None else gettext("the system")


@in_site_language
def check_now(comment, *, by):
    """
    Ask Akismet about a pending comment now (WordPress's "Check for spam"): one
    waiting out its back-off, given up on, or received while checking was off.
    A check already claimed (queued or running) is left to it. Returns True if
    the check was queued.
    """
    if comment.status != Status.PENDING or not spam.is_enabled():
        return False
    now = timezone.now()
    if comment.check_state == CheckState.UNCHECKED:
        if comment.next_check_at is None:
            return False
        in_flight = comment.check_claimed_at and comment.next_check_at > now
        if in_flight:
            return False
    elif comment.check_state not in (CheckState.GAVE_UP, CheckState.OFF):
        return False
    until = checks.claim_end(now, checks.QUEUED_CLAIM)
    changed = update(
        comment,
        {
            "status": Status.PENDING,
            "check_state": comment.check_state,
            "check_attempts": comment.check_attempts,
            "next_check_at": comment.next_check_at,
        },
        {
            "check_state": CheckState.UNCHECKED,
            "next_check_at": until,
            "check_claimed_at": now,
        },
        _by(gettext("Akismet check asked for by %(user)s"), by),
        by=by,
    )
    if changed:
        tasks.enqueue_check(comment.pk, until)
    return changed


# Reports to Akismet ------------------------------------------------------------


def _report_fields(kind):
    # Claimed for the task queued once the change commits (checks.py).
    until = checks.claim_end(timezone.now(), checks.QUEUED_CLAIM)
    return {"report": kind, "report_attempts": 0, "next_report_at": until}


def _queue_report(comment):
    tasks.enqueue_report(comment.pk, comment.report, comment.next_report_at)


def _notify_article_author(comment):
    if ModerationSettings.load().notify_article_author:
        transaction.on_commit(
            partial(tasks.notify_article_author.enqueue, comment_id=comment.pk)
        )
