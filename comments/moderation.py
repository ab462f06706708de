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
  new comments and replies;
- readers' reports (``report``): a published comment reported by
  COMMENTS_REPORTS_TO_HIDE distinct readers goes back to pending, held for a
  moderator, whose "keep" (``keep``) clears the reports and publishes it again.

When Akismet cannot answer, the comment stays pending and is checked again with
back-off, then left to the moderators (``checks.retry_for``). The comment row is
the source of truth; tasks are only nudges, so every function here is safe to
run twice. Moderators change a comment's status through the verbs below
(``approve``, ``mark_spam``…), which record who did what and queue the reports
to Akismet and the mail.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext

from newsroom.proxies import client_ip

from . import (
    bans,
    cache,
    checks,
    emails,
    receipts,
    spam,
    tasks,
    verification,
    waves,
)
from .checks import in_site_language, record, same_author, update
from .models import Comment, ModerationSettings, ReaderReport

logger = logging.getLogger(__name__)

Status = Comment.Status
CheckState = Comment.CheckState
HeldRule = Comment.HeldRule
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
    comment.verified = verification.comment_is_verified(comment, request)
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
    cache.pending_changed()
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
    """
    Publish a comment. Returns True if it was not already published. One taken
    off the site by readers' reports is kept (``keep``): its reports are
    cleared, or the next report would take it off again at once.
    """
    reported = comment.held_rule == HeldRule.REPORTED
    if comment.status == Status.PENDING and reported and keep(comment, by=by):
        return True
    changed = _change(
        comment,
        Status.APPROVED,
        _by(gettext("approved by %(user)s"), by),
        by=by,
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


# The reason its author reads when a moderator rejects a comment without
# choosing one.
DEFAULT_REASONS = {
    Status.SPAM: Comment.Reason.SPAM,
    Status.TRASH: Comment.Reason.GUIDELINES,
}
_NO_REASON = {"rejection_reason": "", "rejection_note": ""}


def _reason_fields(to, reason, note):
    reason = reason or DEFAULT_REASONS[to]
    return {"rejection_reason": reason, "rejection_note": (note or "")[:500]}


def _with_reason(message, fields):
    """The history's line, naming the reason and note the author is shown."""
    reason = Comment.Reason(fields["rejection_reason"]).label
    if fields["rejection_note"]:
        return gettext("%(message)s (%(reason)s: “%(note)s”)") % {
            "message": message,
            "reason": reason,
            "note": fields["rejection_note"],
        }
    return gettext("%(message)s (%(reason)s)") % {"message": message, "reason": reason}


@in_site_language
def mark_spam(comment, *, by, reason="", note=""):
    """
    Move a comment to spam and report it to Akismet (submit-spam). ``reason``
    (a Comment.Reason) and ``note`` are what its author is told.
    """
    reasons = _reason_fields(Status.SPAM, reason, note)
    changed = _change(
        comment,
        Status.SPAM,
        _with_reason(_by(gettext("reported as spam by %(user)s"), by), reasons),
        by=by,
        report=_report_fields("spam") | reasons,
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
def trash(comment, *, by, reason="", note=""):
    """
    Move a comment to the trash (purge_comments empties it later), telling its
    author the ``reason`` (a Comment.Reason) and ``note``.
    """
    reasons = _reason_fields(Status.TRASH, reason, note)
    return _change(
        comment,
        Status.TRASH,
        _with_reason(_by(gettext("moved to trash by %(user)s"), by), reasons),
        by=by,
        report=reasons,
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
    if comment.status == Status.PENDING:
        cache.pending_changed()
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


@in_site_language
def undo(comment, *, by, event):
    """
    Take back a decision: the comment returns to the status it had before
    ``event``, which must still be the last change of its status (a decision
    taken since, by anyone, is not undone behind its author's back).

    Akismet hears of it honestly. Undoing "spam" cancels the spam report if it
    is still waiting in the queue, so Akismet never hears of it; once it may
    have been sent (sent already, or claimed by a worker), a "not spam" report
    is queued instead, to take the first one back. Undoing a move out of spam
    ("not spam") works the same way the other way round.
    """
    last = last_decision(comment)
    if (
        last is None
        or last.pk != event.pk
        or last.to_status != comment.status
        or last.from_status == comment.status
    ):
        return False
    to = last.from_status
    guard = {"status": comment.status}
    fields = {"status": to, "status_changed_at": timezone.now(), "next_check_at": None}
    if Status.SPAM in (comment.status, to):
        # Out of spam takes back a spam report; back into spam, a "not spam" one.
        sent, opposite = (
            ("spam", "ham") if comment.status == Status.SPAM else ("ham", "spam")
        )
        guard |= {"report": comment.report, "next_report_at": comment.next_report_at}
        fields |= _take_back_report(comment, sent, opposite)
    message = _by(gettext("decision undone by %(user)s"), by)
    if not update(comment, guard, fields, message, by=by):
        return False
    if fields.get("report"):
        _queue_report(comment)
    return True


def _take_back_report(comment, sent, opposite):
    """
    The report fields that take back a ``sent`` report ("spam" or "ham"): none
    while it still waits, unclaimed, in the queue; otherwise the opposite report.
    A report a worker may be sending carries a running claim, which ends within
    ``running_claim()`` of now: it counts as sent.
    """
    waiting = comment.report == sent and comment.next_report_at is not None
    if waiting and comment.next_report_at > timezone.now() + checks.running_claim():
        return {"report": "", "report_attempts": 0, "next_report_at": None}
    return _report_fields(opposite)


def last_decision(comment):
    """
    The comment's last change of status: its newest event from one status to
    another (reports and checks record the status they leave as it was).
    """
    return (
        comment.events.exclude(from_status="")
        .exclude(to_status="")
        .exclude(from_status=F("to_status"))
        .order_by("-created_at", "-pk")
        .first()
    )


@in_site_language
def feature(comment, *, by):
    """Show a published comment first under its article, as chosen by the editors."""
    return _set_featured(comment, True, gettext("featured by %(user)s"), by)


@in_site_language
def unfeature(comment, *, by):
    """Take a comment out of the editors' selection."""
    return _set_featured(comment, False, gettext("no longer featured, by %(user)s"), by)


def _set_featured(comment, featured, message, by):
    if comment.featured == featured:
        return False
    if featured and comment.status != Status.APPROVED:
        return False
    with transaction.atomic():
        if not Comment.objects.filter(pk=comment.pk, featured=not featured).update(
            featured=featured
        ):
            return False
        comment.featured = featured
        record(comment, _by(message, by), by=by)
        cache.comments_changed(comment.article_id)
    return True


@in_site_language
def reply_as_staff(comment, body, *, by):
    """
    Publish a reply by a member of the staff (``by``) to a comment on an
    article, at once: it needs no check, and carries the staff badge. The reply
    hangs within the thread's depth limit, as readers' replies do.
    """
    rules = ModerationSettings.load()
    now = timezone.now()
    reply = Comment(
        article_id=comment.article_id,
        parent_id=_within_depth(comment.pk, rules),
        user=by,
        by_staff=True,
        author_name=by.get_full_name() or by.get_username(),
        author_email=by.email,
        body=body,
        status=Status.APPROVED,
        check_state=CheckState.OFF,
        created_at=now,
        status_changed_at=now,
        language=settings.LANGUAGE_CODE,
    )
    with transaction.atomic():
        reply.save()
        record(
            reply,
            _by(gettext("reply by the staff, %(user)s"), by),
            by=by,
            to_status=Status.APPROVED,
        )
        record(
            comment,
            gettext("answered by the staff, %(user)s (comment %(number)s)")
            % {"user": _actor_name(by), "number": reply.pk},
            by=by,
        )
        cache.comments_changed(comment.article_id)
    return reply


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
    if to == Status.APPROVED:
        fields |= _NO_REASON
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


# The author's verbs (from the comment's status page) -----------------------------


@in_site_language
def appeal(comment, message):
    """
    The author's one request that a moderator look again at their rejected
    comment: it goes to the queue's Appeals view. Returns True if recorded.
    """
    if not receipts.may_appeal(comment):
        return False
    now = timezone.now()
    with transaction.atomic():
        changed = Comment.objects.filter(
            pk=comment.pk, status=comment.status, appeal=Comment.Appeal.NONE
        ).update(
            appeal=Comment.Appeal.OPEN, appeal_message=message[:2000], appealed_at=now
        )
        if not changed:
            return False
        comment.appeal, comment.appeal_message = Comment.Appeal.OPEN, message[:2000]
        comment.appealed_at = now
        record(comment, gettext("review asked for by its author"))
    logger.info("Review asked for comment %s", comment.pk)
    return True


@in_site_language
def close_appeal(comment, *, by):
    """A moderator looked again and keeps the comment unpublished."""
    if comment.appeal != Comment.Appeal.OPEN:
        return False
    with transaction.atomic():
        if not Comment.objects.filter(pk=comment.pk, appeal=Comment.Appeal.OPEN).update(
            appeal=Comment.Appeal.DECIDED
        ):
            return False
        comment.appeal = Comment.Appeal.DECIDED
        record(
            comment,
            _by(gettext("review closed by %(user)s: stays unpublished"), by),
            by=by,
        )
    return True


@in_site_language
def author_edit(comment, body):
    """
    Its author's new text for a comment they may still edit (receipts.editable):
    saved, recorded, and checked again as a new comment is (Akismet, then the
    rules); a published one goes back to pending until then.
    """
    if not receipts.editable(comment) or body == comment.body:
        return False
    now = timezone.now()
    was_public = comment.status == Status.APPROVED
    with transaction.atomic():
        comment.body = body
        comment.edited_at = now
        comment.status = Status.PENDING
        comment.status_changed_at = now
        comment.check_state = CheckState.UNCHECKED
        comment.check_attempts = 0
        comment.held_rule = Comment.HeldRule.EDITED
        comment.held_reason = gettext("edited by its author: checked again")
        comment.check_claimed_at = now
        comment.next_check_at = checks.claim_end(now, CHECK_GRACE)
        comment.akismet_data = spam.comment_data(comment)
        waves.set_keys(comment)
        comment.save()
        record(
            comment,
            gettext("text edited by its author"),
            from_status=Status.APPROVED if was_public else Status.PENDING,
            to_status=Status.PENDING,
        )
        if was_public:
            cache.comments_changed(comment.article_id)
    tasks.enqueue_check(comment.pk, comment.next_check_at)
    return True


@in_site_language
def author_delete(comment):
    """
    Its author takes a comment down. With replies hanging on it, a placeholder
    stays ("deleted by its author") and everything the author wrote is blanked;
    otherwise the comment is deleted.
    """
    if comment.author_deleted:
        return False
    pk, has_replies = comment.pk, comment.replies.exists()
    with transaction.atomic():
        if has_replies:
            Comment.objects.filter(pk=comment.pk).update(
                author_deleted=True,
                body="",
                body_html="",
                author_name="",
                author_email="",
                author_url="",
                ip_address=None,
                user_agent="",
                referrer="",
                akismet_data={},
            )
            comment.author_deleted = True
            record(comment, gettext("deleted by its author; the replies stay"))
        else:
            comment.delete()
        if comment.status == Status.APPROVED:
            cache.comments_changed(comment.article_id)
    logger.info("Comment %s deleted by its author", pk)
    return True


def ask_verdict_mail(comment):
    """The author of a verified comment asks to be mailed its verdict."""
    if not comment.verified or comment.status != Status.PENDING:
        return False
    Comment.objects.filter(pk=comment.pk).update(notify_verdict=True)
    comment.notify_verdict = True
    return True


# Readers' reports ----------------------------------------------------------------

REPORTER_SALT = "comments.reports.reporter"


def reporter_key(request):
    """
    The reader a report comes from: a keyed hash of their IP address, so that
    distinct readers are counted without the address being kept.
    """
    address = client_ip(request) or ""
    return salted_hmac(REPORTER_SALT, address, algorithm="sha256").hexdigest()


def too_many_reports(reporter):
    """
    Count a report sent by the reader; return True if it is more than
    COMMENTS_REPORTS_PER_HOUR within this clock hour.
    """
    return too_many("reports", reporter, settings.COMMENTS_REPORTS_PER_HOUR)


def too_many(kind, key, limit):
    """
    Count a request of a kind from a reader (``key``, a keyed hash); return True
    if it is more than ``limit`` within this clock hour. Counted in the cache:
    without it, nothing is counted and nothing refused.
    """
    key = f"comments:{kind}:{key}:{int(time.time() // 3600)}"
    counter = caches["default"]
    counter.add(key, 0, timeout=3600)
    try:
        count = counter.incr(key)
    except ValueError:  # expired between add() and incr(), or no cache
        counter.set(key, 1, timeout=3600)
        count = 1
    return count > limit


@in_site_language
def report(comment, *, reason, note="", reporter):
    """
    Record a reader's report of a published comment. Returns False if this
    reader had reported it already (nothing is recorded twice).

    Reports from COMMENTS_REPORTS_TO_HIDE distinct readers take the comment off
    the site: back to pending, held for a moderator (``HeldRule.REPORTED``).
    """
    label = ReaderReport.Reason(reason).label
    try:
        with transaction.atomic():
            # The comment's row first: its lock orders this report against a
            # moderator's keep() of the same comment.
            Comment.objects.filter(pk=comment.pk).update(
                reports_open=F("reports_open") + 1
            )
            ReaderReport.objects.create(
                comment=comment, reason=reason, note=note, reporter=reporter
            )
            record(
                comment,
                gettext("reported by a reader (%(reason)s)") % {"reason": label},
            )
            comment.reports_open, status = (
                Comment.objects.filter(pk=comment.pk)
                .values_list("reports_open", "status")
                .get()
            )
            hidden = (
                status == Status.APPROVED
                and comment.reports_open >= settings.COMMENTS_REPORTS_TO_HIDE
                and _hide_reported(comment)
            )
    except IntegrityError:
        logger.info("Comment %s reported again by the same reader", comment.pk)
        comment.refresh_from_db(fields=["reports_open"])
        return False
    logger.info("Comment %s reported (%s)", comment.pk, reason)
    if hidden:
        logger.info("Comment %s hidden by readers' reports", comment.pk)
        if ModerationSettings.load().notify_moderators:
            transaction.on_commit(
                partial(emails.email_moderators, comment), robust=True
            )
    return True


def _hide_reported(comment):
    count = comment.reports_open
    reason = ngettext(
        "reported by %(count)d reader", "reported by %(count)d readers", count
    ) % {"count": count}
    return update(
        comment,
        {"status": Status.APPROVED},
        {
            "status": Status.PENDING,
            "status_changed_at": timezone.now(),
            "held_rule": HeldRule.REPORTED,
            "held_reason": reason,
        },
        gettext("taken off the site: %(reason)s") % {"reason": reason},
    )


@in_site_language
def keep(comment, *, by):
    """
    Clear a comment's open reports (a moderator's "keep"); publish it again if
    the reports had taken it off the site. Returns True if there were any.
    """
    with transaction.atomic():
        # Locked, so that a report arriving meanwhile is either cleared here or
        # counted afterwards, never lost between the two updates.
        fresh = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values("reports_open", "status", "held_rule")
            .first()
        )
        if fresh is None:
            return False
        cleared = ReaderReport.objects.filter(
            comment=comment, cleared_at__isnull=True
        ).update(cleared_at=timezone.now())
        if not cleared and not fresh["reports_open"]:
            return False
        hidden = (
            fresh["status"] == Status.PENDING
            and fresh["held_rule"] == HeldRule.REPORTED
        )
        fields = {"reports_open": 0}
        if hidden:
            fields |= {"held_rule": HeldRule.NONE, "held_reason": ""}
        Comment.objects.filter(pk=comment.pk).update(**fields)
        for name, value in fields.items():
            setattr(comment, name, value)
        comment.status = fresh["status"]
        record(
            comment,
            ngettext(
                "%(count)d report cleared by %(user)s (kept)",
                "%(count)d reports cleared by %(user)s (kept)",
                cleared,
            )
            % {"count": cleared, "user": _actor_name(by)},
            by=by,
        )
        if hidden:
            approve(comment, by=by)
    return True


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
