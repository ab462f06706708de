"""
What happens to a comment without a moderator: the moderation rules, Akismet's
verdict, and moderators' corrections reported back to Akismet.

The check tasks run these steps; they enqueue nothing, so the tasks can call
them without an import circle (``moderation`` enqueues the tasks). Every step is
guarded by the row it expects, so running it twice, late, or beside a
moderator's decision is harmless: the comment row is the source of truth.

When Akismet cannot answer, the comment stays pending and is checked again with
back-off for AKISMET_RETRY_DAYS (15 days, as WordPress does), then left to the
moderators. Moderators hear of held comments by mail once the decision commits.

A check is *claimed* before it is queued or run: a conditional UPDATE moves its
``next_check_at`` forward, to the end of the claim, and the task carries that
time as its token. Whoever does not hold the current token (a second sweep, a
duplicate task, a retry) does nothing, so no Akismet call and no attempt is ever
made twice; a claim whose worker died lapses, and the check is due again.
"""

import enum
import logging
import secrets
from datetime import timedelta
from functools import partial, wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from . import cache, emails, spam, verification, waves
from .models import Comment, CommentEvent, ModerationSettings

logger = logging.getLogger(__name__)

Status = Comment.Status
CheckState = Comment.CheckState
HeldRule = Comment.HeldRule
Verdict = spam.Verdict

# Back-off between attempts: one minute, doubling, at most four hours.
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=4)
# A check claimed for the queue is its task's for this long: longer than a
# backlog takes to drain, short enough that a lost task is soon done again.
QUEUED_CLAIM = timedelta(minutes=5)
# Blatant spam is kept this long (for the record) before purge_comments deletes it.
DISCARD_KEEP = timedelta(days=1)


def in_site_language(func):
    """
    Run a step that writes the comment's history in the newsroom's language.

    The history, the reasons for holding and the moderators' mail then read the
    same whoever triggered the step: a reader on the English site, a moderator
    with an English admin, or a worker.
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def retry_for():
    """How long failed checks and reports are retried before moderators take over."""
    return timedelta(days=settings.AKISMET_RETRY_DAYS)


def running_claim():
    """How long a running check or report is its worker's: a few Akismet timeouts."""
    return timedelta(seconds=max(60, 4 * settings.AKISMET_TIMEOUT))


def claim_end(now, length):
    # A few random microseconds make every claim's token its own, even for two
    # claims made in the same instant.
    return now + length + timedelta(microseconds=secrets.randbelow(1000))


# Set when a check fails and is to be retried: the next check that Akismet
# answers re-queues the waiting ones at once (``take_failed_checks``). Kept in
# the cache, so an answered check costs no query; if it is lost (the cache was
# emptied), the sweep's probe still finds the waiting checks.
FAILED_CHECKS = "comments:akismet-failed-checks"


def take_failed_checks():
    """Return True, once, if checks have failed since this was last asked."""
    return bool(caches["default"].delete(FAILED_CHECKS))


class Outcome(enum.Enum):
    """What running a check did; false only when it did nothing."""

    SKIPPED = "skipped"  # decided already, or claimed by someone else
    DECIDED = "decided"  # decided without asking Akismet
    ANSWERED = "answered"  # Akismet answered
    FAILED = "failed"  # Akismet did not answer: retried later

    def __bool__(self):
        return self is not Outcome.SKIPPED


# Claiming --------------------------------------------------------------------------


def claim_checks(queryset, *, limit, now=None):
    """
    Claim up to ``limit`` checks of the queryset for the queue, oldest due first.

    Returns the claimed comments' ids and their token. Rows claimed meanwhile by
    someone else are not in the list.
    """
    now = now or timezone.now()
    token = claim_end(now, QUEUED_CLAIM)
    ids = list(
        queryset.order_by("next_check_at", "pk").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return [], token
    # The queryset's own conditions, applied again by the UPDATE itself: a row
    # that someone claimed since it was read no longer matches.
    queryset.filter(pk__in=ids).update(next_check_at=token, check_claimed_at=now)
    mine = Comment.objects.filter(pk__in=ids, next_check_at=token)
    return list(mine.values_list("pk", flat=True)), token


def claim_reports(*, limit, now=None):
    """Claim up to ``limit`` due reports to Akismet: [(id, kind)] and the token."""
    now = now or timezone.now()
    token = claim_end(now, QUEUED_CLAIM)
    due = Comment.objects.report_due(now)
    ids = list(
        due.order_by("next_report_at", "pk").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return [], token
    due.filter(pk__in=ids).update(next_report_at=token)
    mine = Comment.objects.filter(pk__in=ids, next_report_at=token)
    return list(mine.values_list("pk", "report")), token


def _take_check(comment, claim, now):
    """
    Claim the comment's check for this run: with the token of a queued claim,
    or, without one, if the check is due. Returns False if someone else has it.
    """
    rows = Comment.objects.awaiting_check().filter(
        pk=comment.pk, check_attempts=comment.check_attempts
    )
    if claim is None:
        rows = rows.filter(next_check_at__lte=now)
    else:
        rows = rows.filter(next_check_at=claim)
    until = claim_end(now, running_claim())
    if not rows.update(next_check_at=until, check_claimed_at=now):
        return False
    comment.next_check_at, comment.check_claimed_at = until, now
    return True


def check_again(comment_ids, *, now=None):
    """
    Send pending comments to Akismet again, here and now, whatever their last
    check said (the queue's "Check with Akismet", as WordPress's "Check for
    spam"): claimed first, so a check already in flight is left alone. Returns
    how many were checked.
    """
    now = now or timezone.now()
    token = claim_end(now, running_claim())
    in_flight = Q(
        check_state=CheckState.UNCHECKED,
        check_claimed_at__isnull=False,
        next_check_at__gt=now,
    )
    Comment.objects.filter(pk__in=list(comment_ids), status=Status.PENDING).exclude(
        in_flight
    ).update(
        check_state=CheckState.UNCHECKED, next_check_at=token, check_claimed_at=now
    )
    checked = 0
    mine = Comment.objects.select_related("article").filter(
        pk__in=list(comment_ids), next_check_at=token
    )
    for comment in mine:
        if run_check(comment, claim=token):
            checked += 1
    return checked


# The spam check ----------------------------------------------------------------


@in_site_language
def run_check(comment, *, claim=None):
    """
    Check a pending comment: disallowed words first, then Akismet.

    ``claim`` is the token of the claim the task was queued with. Does nothing
    (returns Outcome.SKIPPED) for a comment already decided, or whose check
    someone else holds, so a check that runs twice, or a late task, is harmless.
    """
    if not _awaiting_check(comment):
        return Outcome.SKIPPED
    if claim is not None and comment.next_check_at != claim:
        return Outcome.SKIPPED
    if not _take_check(comment, claim, timezone.now()):
        return Outcome.SKIPPED
    rules = ModerationSettings.load()
    if word := disallowed_word(comment, rules):
        message = gettext("moved to trash: contains “%(word)s” (disallowed list)") % {
            "word": word
        }
        trashed = update(
            comment,
            _check_guard(comment),
            {"status": Status.TRASH, "next_check_at": None},
            message,
        )
        return Outcome.DECIDED if trashed else Outcome.SKIPPED
    result = spam.check(comment)
    if result.data and not comment.akismet_data:
        # Kept for submit-spam/ham, which must repeat what comment-check was sent.
        Comment.objects.filter(pk=comment.pk).update(akismet_data=result.data)
        comment.akismet_data = result.data
    changed = apply_verdict(
        comment, result.verdict, reason=result.reason, detail=result.detail, rules=rules
    )
    if result.verdict is not Verdict.UNCHECKED:
        return Outcome.ANSWERED
    if result.reason == spam.OFF:
        return Outcome.DECIDED if changed else Outcome.SKIPPED
    return Outcome.FAILED


@in_site_language
def apply_verdict(comment, verdict, *, reason="", detail="", rules=None):
    """
    Decide a checked comment's fate: ham is published unless a rule holds it.

    Spam goes to spam; blatant spam too, marked for early deletion. An
    unchecked verdict keeps the comment pending: with spam checking off it waits
    for a moderator; otherwise it is retried with back-off for retry_for(), then
    left to the moderators. Returns True if the comment changed.
    """
    if not _awaiting_check(comment):
        return False
    now = timezone.now()
    guard = _check_guard(comment)
    decided = {
        "checked_at": now,
        "next_check_at": None,
        "check_claimed_at": None,
        "last_check_error": "",
    }
    if verdict is Verdict.HAM:
        rules = rules or ModerationSettings.load()
        decided |= {"check_state": CheckState.CHECKED, "verdict": Comment.Verdict.HAM}
        trusted = verification.is_trusted(comment)
        rule, held = (HeldRule.NONE, "") if trusted else hold(comment, rules)
        if held:
            message = gettext("Akismet: ham; held: %(reason)s") % {"reason": held}
            changed = update(
                comment,
                guard,
                decided | {"held_reason": held, "held_rule": rule},
                message,
            )
            if changed:
                _tell_moderators(comment, rules)
            return changed
        changed = update(
            comment,
            guard,
            decided
            | {
                "status": Status.APPROVED,
                "held_reason": "",
                "held_rule": HeldRule.NONE,
            },
            gettext("Akismet: ham; trusted commenter")
            if trusted
            else gettext("Akismet: ham"),
        )
        if changed and rules.notify_article_author:
            transaction.on_commit(
                partial(emails.email_article_author, comment), robust=True
            )
        return changed
    if verdict is Verdict.SPAM:
        return update(
            comment,
            guard,
            decided
            | {
                "check_state": CheckState.CHECKED,
                "verdict": Comment.Verdict.SPAM,
                "status": Status.SPAM,
            },
            gettext("Akismet: spam"),
        )
    if verdict is Verdict.DISCARD:
        return update(
            comment,
            guard,
            decided
            | {
                "check_state": CheckState.CHECKED,
                "verdict": Comment.Verdict.DISCARD,
                "status": Status.SPAM,
                "delete_after": now + DISCARD_KEEP,
            },
            gettext("Akismet: blatant spam, deleted soon"),
        )
    return _not_checked(comment, guard, reason, detail, rules, now)


def _not_checked(comment, guard, reason, detail, rules, now):
    rules = rules or ModerationSettings.load()
    if reason == spam.OFF:
        changed = update(
            comment,
            guard,
            {
                "check_state": CheckState.OFF,
                "next_check_at": None,
                "check_claimed_at": None,
                "last_check_error": spam.OFF,
                "held_reason": gettext("spam checking is off"),
                "held_rule": HeldRule.UNCHECKED,
            },
            gettext("spam checking is off: waiting for a moderator"),
        )
        if changed:
            _tell_moderators(comment, rules)
        return changed
    attempts = comment.check_attempts + 1
    error = f"{reason or spam.RETRY}: {detail}"[:300]
    problem = _problem(reason)
    if now - comment.created_at >= retry_for():
        return _give_up(comment, guard, attempts, error, problem, rules)
    retry_at = now + backoff(attempts)
    caches["default"].set(FAILED_CHECKS, True, timeout=None)
    return update(
        comment,
        guard,
        {
            "check_attempts": attempts,
            "next_check_at": retry_at,
            "check_claimed_at": None,
            "last_check_error": error,
            "held_reason": gettext("not checked yet: %(problem)s")
            % {"problem": problem},
            "held_rule": HeldRule.UNCHECKED,
        },
        gettext("%(problem)s, retry %(number)s at %(time)s")
        % {"problem": problem, "number": attempts + 1, "time": _clock(retry_at, now)},
    )


def _problem(reason):
    if reason == spam.MISCONFIGURED:
        return gettext("Akismet misconfigured")
    return gettext("Akismet unreachable")


def _give_up(comment, guard, attempts, error, problem, rules):
    changed = update(
        comment,
        guard,
        {
            "check_state": CheckState.GAVE_UP,
            "check_attempts": attempts,
            "next_check_at": None,
            "check_claimed_at": None,
            "last_check_error": error,
            "held_reason": gettext("not checked: %(problem)s") % {"problem": problem},
            "held_rule": HeldRule.UNCHECKED,
        },
        gettext("%(problem)s, gave up after %(attempts)s attempts: left to moderators")
        % {"problem": problem, "attempts": attempts},
    )
    if changed:
        _tell_moderators(comment, rules)
    return changed


@in_site_language
def give_up_expired(*, now=None, limit=500):
    """
    Leave to the moderators the due checks of comments older than retry_for(),
    without asking Akismet again. Returns how many were given up.
    """
    now = now or timezone.now()
    expired = Comment.objects.check_due(now).filter(created_at__lte=now - retry_for())
    rules = None
    count = 0
    for comment in expired.order_by("next_check_at", "pk")[:limit]:
        rules = rules or ModerationSettings.load()
        problem = _problem(comment.last_check_error.partition(":")[0])
        if _give_up(
            comment,
            _check_guard(comment),
            comment.check_attempts,
            comment.last_check_error,
            problem,
            rules,
        ):
            count += 1
    return count


def backoff(attempts):
    """The wait after the given number of failed attempts."""
    # The exponent is bounded: after two weeks of retries 2**attempts minutes
    # would be more days than a timedelta holds.
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), MAX_RETRY)


def _awaiting_check(comment):
    return (
        comment.status == Status.PENDING
        and comment.check_state == CheckState.UNCHECKED
        and comment.next_check_at is not None
    )


def _check_guard(comment):
    # The row must still be waiting for this very attempt: a concurrent run, or a
    # moderator's decision in the meantime, wins.
    return {
        "status": Status.PENDING,
        "check_state": CheckState.UNCHECKED,
        "check_attempts": comment.check_attempts,
        "next_check_at": comment.next_check_at,
    }


def _clock(when, now):
    when, now = timezone.localtime(when), timezone.localtime(now)
    fmt = "H:i" if when.date() == now.date() else "SHORT_DATETIME_FORMAT"
    return formats.date_format(when, fmt)


# The rules -----------------------------------------------------------------------


def _words(text):
    return [w.strip() for w in text.splitlines() if w.strip()]


def _matching_word(comment, words):
    fields = [
        comment.author_name,
        comment.author_email,
        comment.author_url,
        comment.ip_address or "",
        comment.body,
    ]
    haystack = "\n".join(fields).casefold()
    for word in words:
        if word.casefold() in haystack:
            return word
    return ""


def disallowed_word(comment, rules=None):
    """Return the disallowed-list word the comment contains, or ""."""
    rules = rules or ModerationSettings.load()
    return _matching_word(comment, _words(rules.disallowed_words))


def held_by_rules(comment, rules=None):
    """Return why the moderation rules hold the comment for a moderator, or ""."""
    return hold(comment, rules)[1]


def hold(comment, rules=None):
    """
    Return the rule that holds the comment for a moderator and why, as
    (Comment.HeldRule, text), or ("", "").

    The rules: hold everything; part of a spam wave (``waves``); too many
    links; a word from the moderation list in the name, email, website, IP
    address or text; no approved comment yet by the same author, counting only
    comments made with an address the author confirmed (``verification``).
    """
    rules = rules or ModerationSettings.load()
    if rules.hold_all:
        return HeldRule.HOLD_ALL, gettext("every comment is approved by hand")
    if wave := waves.wave_of(comment):
        return HeldRule.WAVE, gettext("part of a wave of comments (%(kind)s)") % {
            "kind": waves.KINDS[wave][1]
        }
    links = comment.link_count()
    if rules.link_limit and links >= rules.link_limit:
        return HeldRule.LINKS, translation.ngettext(
            "%(count)s link", "%(count)s links", links
        ) % {"count": links}
    if word := _matching_word(comment, _words(rules.moderation_words)):
        return HeldRule.WORDS, gettext("contains “%(word)s” (moderation list)") % {
            "word": word
        }
    if rules.require_prior_approval:
        # A signed-in reader is known by their account; anyone else by an
        # address they confirmed from the browser they comment from.
        if not comment.verified and not comment.user_id:
            return HeldRule.FIRST, gettext("email address not confirmed by the author")
        earlier = Comment.objects.approved().exclude(pk=comment.pk)
        if comment.user_id is None:
            earlier = earlier.filter(verified=True)
        if not earlier.filter(same_author(comment)).exists():
            return HeldRule.FIRST, gettext("first comment by this author")
    return HeldRule.NONE, ""


def same_author(comment):
    if comment.user_id:
        return Q(user_id=comment.user_id)
    return Q(author_email__iexact=comment.author_email)


# Reports to Akismet ------------------------------------------------------------


@in_site_language
def send_report(comment, kind, *, claim=None):
    """
    Send a moderator's correction ("spam" or "ham") to Akismet.

    Does nothing unless the comment still has that report waiting, and claimed
    with ``claim`` (or due, without one): like checks, reports are claimed, so
    none is sent twice. A failure keeps it waiting, retried with back-off for
    retry_for(); then it is dropped with a note in the comment's history.
    """
    if comment.report != kind or comment.next_report_at is None:
        return False
    now = timezone.now()
    rows = Comment.objects.filter(
        pk=comment.pk, report=kind, report_attempts=comment.report_attempts
    )
    if claim is None:
        rows = rows.filter(next_report_at__lte=now)
    else:
        rows = rows.filter(next_report_at=claim)
    until = claim_end(now, running_claim())
    if not rows.update(next_report_at=until):
        return False
    comment.next_report_at = until
    guard = {
        "report": kind,
        "report_attempts": comment.report_attempts,
        "next_report_at": until,
    }
    done = {"report": "", "report_attempts": 0, "next_report_at": None}
    result = spam.submit(comment, is_spam=kind == "spam")
    if result.verdict is not Verdict.UNCHECKED:
        message = (
            gettext("reported to Akismet as spam")
            if kind == "spam"
            else gettext("reported to Akismet as not spam")
        )
        return update(comment, guard, done, message)
    if result.reason == spam.OFF:
        return update(
            comment, guard, done, gettext("not reported to Akismet: spam checking off")
        )
    attempts = comment.report_attempts + 1
    if now - comment.status_changed_at >= retry_for():
        return update(
            comment,
            guard,
            done,
            gettext("report to Akismet abandoned after %(attempts)s attempts")
            % {"attempts": attempts},
        )
    retry_at = now + backoff(attempts)
    return update(
        comment,
        guard,
        {"report_attempts": attempts, "next_report_at": retry_at},
        gettext("report to Akismet failed, retry %(number)s at %(time)s")
        % {"number": attempts + 1, "time": _clock(retry_at, now)},
    )


# Mail to moderators -------------------------------------------------------------


def _tell_moderators(comment, rules):
    # Sent once the decision commits, by the process that made it (a worker, or
    # the request itself with the immediate backend); a mail server that fails
    # is logged and costs only the mail.
    if rules.notify_moderators:
        transaction.on_commit(partial(emails.email_moderators, comment), robust=True)


# Recording -------------------------------------------------------------------------


def update(comment, guard, fields, message, *, by=None):
    """
    Apply field changes to the row if it still matches the guard, and record it.

    The conditional UPDATE makes concurrent runs safe: only one of them wins.
    A change of status closes the author's open request for review, and mails
    them the verdict if they asked for it. It is stamped with its time (unless
    the fields give one): subscribers are mailed the comments published since
    their last mail.
    """
    moves = "status" in fields and fields["status"] != comment.status
    if moves:
        fields = {"status_changed_at": timezone.now(), **fields}
    if moves and comment.appeal == Comment.Appeal.OPEN:
        fields = {**fields, "appeal": Comment.Appeal.DECIDED}
    with transaction.atomic():
        if not Comment.objects.filter(pk=comment.pk, **guard).update(**fields):
            return False
        old_status = comment.status
        for name, value in fields.items():
            setattr(comment, name, value)
        if Status.APPROVED in (old_status, comment.status):
            # Published, or taken off the site: readers' pages change.
            cache.comments_changed(comment.article_id)
        if Status.PENDING in (old_status, comment.status) and (
            old_status != comment.status
        ):
            cache.pending_changed()
        record(
            comment,
            message,
            by=by,
            from_status=old_status,
            to_status=comment.status,
        )
        if moves and comment.notify_verdict and comment.status != Status.PENDING:
            transaction.on_commit(partial(emails.email_verdict, comment), robust=True)
    return True


def record(comment, message, *, by=None, from_status="", to_status=""):
    CommentEvent.objects.create(
        comment=comment,
        actor=by,
        from_status=from_status,
        to_status=to_status,
        message=message[:300],
    )
