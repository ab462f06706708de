"""
The comment moderation policy.

Every comment a reader posts is saved as *pending* first (``receive``); nothing
is published before it has been decided. The decision is split in steps:

- refuse: closed comments, flooding and duplicates never become a comment
  (``refusal``, called by the view before ``receive``);
- trash: a word from the disallowed list sends it straight to the trash;
- spam: Akismet's verdict (``run_check`` → ``apply_verdict``): spam and blatant
  ("discard") spam are never shown; ham is published unless a rule holds it;
- hold: the moderation rules (``held_by_rules``) keep ham pending for a moderator;
- email: moderators hear about held comments, article authors (optionally)
  about published ones.

When Akismet cannot answer, the comment stays pending and is checked again with
back-off for at least a day (``RETRY_FOR``), then left to the moderators. The
comment row is the source of truth; tasks are only nudges, so every function
here is safe to run twice. Moderators change a comment's status through the
verbs at the end (``approve``, ``mark_spam``…), which record who did what.
"""

import ipaddress
import logging
import re
from datetime import timedelta
from functools import partial, wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Q, When
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from articles import cache

from . import spam, tasks
from .models import Comment, CommentEvent, ModerationSettings

logger = logging.getLogger(__name__)

Status = Comment.Status
CheckState = Comment.CheckState
Verdict = spam.Verdict

# A freshly received comment is due for the sweep after this long, in case its
# check task was lost.
CHECK_GRACE = timedelta(minutes=2)
# How long failed checks and reports are retried before moderators take over.
RETRY_FOR = timedelta(hours=24)
# Back-off between attempts: one minute, doubling, at most four hours.
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=4)
# Blatant spam is kept this long (for the record) before purge_comments deletes it.
DISCARD_KEEP = timedelta(days=1)

LINK_RE = re.compile(r"https?://|\bwww\.", re.IGNORECASE)


def _in_site_language(func):
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


# Reading the request ---------------------------------------------------------


def client_ip(request):
    """
    The reader's address: REMOTE_ADDR, or behind a trusted proxy the last address
    in X-Forwarded-For that is not one of the proxies.

    Only trusted proxies are believed: anyone else can write any address in the
    header, and the flood limit and Akismet rely on it.
    """
    address = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if address not in proxies:
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if hop not in proxies:
            return hop if _is_ip(hop) else address
    return address


def _is_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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
    (the same author posting the same text on the same article).
    """
    article = comment.article
    ip = client_ip(request)
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
    logger.info(
        "Comment refused (%s) on article %s from %s <%s>",
        reason,
        article.pk,
        ip,
        comment.author_email,
    )
    return message


def _repeated(comment, ip):
    """
    Return "duplicate" (same author, text and article), "flood" (same IP or email
    within COMMENTS_FLOOD_SECONDS) or "", in one query.
    """
    duplicate = (
        _same_author(comment)
        & Q(article=comment.article, body=comment.body)
        & ~Q(status=Status.TRASH)
    )
    matches = duplicate
    if seconds := settings.COMMENTS_FLOOD_SECONDS:
        since = timezone.now() - timedelta(seconds=seconds)
        matches |= Q(created_at__gte=since) & (_same_author(comment) | Q(ip_address=ip))
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


def _same_author(comment):
    if comment.user_id:
        return Q(user_id=comment.user_id)
    return Q(author_email__iexact=comment.author_email)


# Intake and the spam check -----------------------------------------------------


@_in_site_language
def receive(comment, *, request):
    """
    Save a reader's new comment as pending and queue its spam check.

    Records what the reader's browser sent (IP, user agent, referrer, language)
    and the data Akismet will be given, including the article's permalink.
    """
    now = timezone.now()
    comment.ip_address = client_ip(request)
    comment.user_agent = request.headers.get("user-agent", "")[:1000]
    comment.referrer = request.headers.get("referer", "")[:1000]
    comment.language = (
        getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or ""
    )
    comment.status = Status.PENDING
    comment.check_state = CheckState.UNCHECKED
    comment.created_at = comment.status_changed_at = now
    comment.next_check_at = now + CHECK_GRACE
    comment.akismet_data = spam.comment_data(comment)
    # No transaction of its own, to keep intake cheap: the row is what matters,
    # and if the event or the task were lost, the sweep still checks the comment.
    comment.save()
    _record(comment, gettext("received"), to_status=Status.PENDING)
    transaction.on_commit(partial(tasks.check_comment.enqueue, comment_id=comment.pk))
    return comment


@_in_site_language
def run_check(comment):
    """
    Check a pending comment: disallowed words first, then Akismet.

    Does nothing (returns False) for a comment already decided, so a check that
    runs twice, or a late task, is harmless.
    """
    if not _awaiting_check(comment):
        return False
    rules = ModerationSettings.load()
    if word := disallowed_word(comment, rules):
        message = gettext("moved to trash: contains “%(word)s” (disallowed list)") % {
            "word": word
        }
        return _update(
            comment,
            _check_guard(comment),
            {"status": Status.TRASH, "next_check_at": None},
            message,
        )
    result = spam.check(comment)
    if result.data and not comment.akismet_data:
        # Kept for submit-spam/ham, which must repeat what comment-check was sent.
        Comment.objects.filter(pk=comment.pk).update(akismet_data=result.data)
        comment.akismet_data = result.data
    return apply_verdict(
        comment, result.verdict, reason=result.reason, detail=result.detail, rules=rules
    )


@_in_site_language
def apply_verdict(comment, verdict, *, reason="", detail="", rules=None):
    """
    Decide a checked comment's fate: ham is published unless a rule holds it.

    Spam goes to spam; blatant spam too, marked for early deletion. An
    unchecked verdict keeps the comment pending: with spam checking off it waits
    for a moderator; otherwise it is retried with back-off for RETRY_FOR, then
    left to the moderators. Returns True if the comment changed.
    """
    if not _awaiting_check(comment):
        return False
    now = timezone.now()
    guard = _check_guard(comment)
    decided = {"checked_at": now, "next_check_at": None, "last_check_error": ""}
    if verdict is Verdict.HAM:
        rules = rules or ModerationSettings.load()
        decided |= {"check_state": CheckState.CHECKED, "verdict": Comment.Verdict.HAM}
        if held := held_by_rules(comment, rules):
            message = gettext("Akismet: ham; held: %(reason)s") % {"reason": held}
            changed = _update(comment, guard, decided | {"held_reason": held}, message)
            if changed:
                _notify_moderators(comment, rules)
            return changed
        changed = _update(
            comment,
            guard,
            decided | {"status": Status.APPROVED, "held_reason": ""},
            gettext("Akismet: ham"),
        )
        if changed:
            _notify_article_author(comment, rules)
        return changed
    if verdict is Verdict.SPAM:
        return _update(
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
        return _update(
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
        changed = _update(
            comment,
            guard,
            {
                "check_state": CheckState.OFF,
                "next_check_at": None,
                "last_check_error": spam.OFF,
                "held_reason": gettext("spam checking is off"),
            },
            gettext("spam checking is off: waiting for a moderator"),
        )
        if changed:
            _notify_moderators(comment, rules)
        return changed
    attempts = comment.check_attempts + 1
    error = f"{reason or spam.RETRY}: {detail}"[:300]
    problem = (
        gettext("Akismet misconfigured")
        if reason == spam.MISCONFIGURED
        else gettext("Akismet unreachable")
    )
    if now - comment.created_at >= RETRY_FOR:
        changed = _update(
            comment,
            guard,
            {
                "check_state": CheckState.GAVE_UP,
                "check_attempts": attempts,
                "next_check_at": None,
                "last_check_error": error,
                "held_reason": gettext("not checked: %(problem)s")
                % {"problem": problem},
            },
            gettext(
                "%(problem)s, gave up after %(attempts)s attempts: left to moderators"
            )
            % {"problem": problem, "attempts": attempts},
        )
        if changed:
            _notify_moderators(comment, rules)
        return changed
    retry_at = now + backoff(attempts)
    return _update(
        comment,
        guard,
        {
            "check_attempts": attempts,
            "next_check_at": retry_at,
            "last_check_error": error,
            "held_reason": gettext("not checked yet: %(problem)s")
            % {"problem": problem},
        },
        gettext("%(problem)s, retry %(number)s at %(time)s")
        % {"problem": problem, "number": attempts + 1, "time": _clock(retry_at, now)},
    )


def backoff(attempts):
    """The wait after the given number of failed attempts."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), MAX_RETRY)


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
        "next_check_at__isnull": False,
    }


def _clock(when, now):
    when, now = timezone.localtime(when), timezone.localtime(now)
    fmt = "H:i" if when.date() == now.date() else "SHORT_DATETIME_FORMAT"
    return formats.date_format(when, fmt)


# The rules ---------------------------------------------------------------------


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
    """
    Return why the moderation rules hold the comment for a moderator, or "".

    The rules: hold everything; too many links; a word from the moderation list
    in the name, email, website, IP address or text; no approved comment yet by
    the same author.
    """
    rules = rules or ModerationSettings.load()
    if rules.hold_all:
        return gettext("every comment is approved by hand")
    links = len(LINK_RE.findall(comment.body))
    if rules.link_limit and links >= rules.link_limit:
        return translation.ngettext("%(count)s link", "%(count)s links", links) % {
            "count": links
        }
    if word := _matching_word(comment, _words(rules.moderation_words)):
        return gettext("contains “%(word)s” (moderation list)") % {"word": word}
    if rules.require_prior_approval:
        earlier = Comment.objects.approved().exclude(pk=comment.pk)
        if not earlier.filter(_same_author(comment)).exists():
            return gettext("first comment by this author")
    return ""


# Moderators' verbs ------------------------------------------------------------


@_in_site_language
def approve(comment, *, by):
    """Publish a comment. Returns True if it was not already published."""
    changed = _change(
        comment, Status.APPROVED, _by(gettext("approved by %(user)s"), by), by=by
    )
    if changed:
        _notify_article_author(comment)
    return changed


@_in_site_language
def unapprove(comment, *, by):
    """Take a published comment back to pending."""
    if comment.status != Status.APPROVED:
        return False
    return _change(
        comment, Status.PENDING, _by(gettext("unapproved by %(user)s"), by), by=by
    )


@_in_site_language
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


@_in_site_language
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


@_in_site_language
def trash(comment, *, by):
    """Move a comment to the trash (purge_comments empties it later)."""
    return _change(
        comment, Status.TRASH, _by(gettext("moved to trash by %(user)s"), by), by=by
    )


@_in_site_language
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


@_in_site_language
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


@_in_site_language
def edit_body(comment, body, *, by):
    """Change a comment's text, keeping a note of the edit in its history."""
    if body == comment.body:
        return False
    with transaction.atomic():
        comment.body = body
        comment.save(update_fields=["body"])
        _record(comment, _by(gettext("text edited by %(user)s"), by), by=by)
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
    return _update(comment, {"status": comment.status}, fields, message, by=by)


def _by(message, by):
    return message % {"user": _actor_name(by)}


def _actor_name(by):
    return by.get_username() if by is not None else gettext("the system")


# Reports to Akismet ------------------------------------------------------------


def _report_fields(kind):
    return {"report": kind, "report_attempts": 0, "next_report_at": timezone.now()}


def _queue_report(comment):
    task = tasks.report_spam if comment.report == "spam" else tasks.report_ham
    transaction.on_commit(partial(task.enqueue, comment_id=comment.pk))


@_in_site_language
def send_report(comment, kind):
    """
    Send a moderator's correction ("spam" or "ham") to Akismet.

    Does nothing unless the comment still has that report waiting. A failure
    keeps it waiting, retried with back-off for RETRY_FOR; then it is dropped
    with a note in the comment's history.
    """
    if comment.report != kind or comment.next_report_at is None:
        return False
    guard = {"report": kind, "report_attempts": comment.report_attempts}
    done = {"report": "", "report_attempts": 0, "next_report_at": None}
    result = spam.submit(comment, is_spam=kind == "spam")
    if result.verdict is not Verdict.UNCHECKED:
        message = (
            gettext("reported to Akismet as spam")
            if kind == "spam"
            else gettext("reported to Akismet as not spam")
        )
        return _update(comment, guard, done, message)
    if result.reason == spam.OFF:
        return _update(
            comment, guard, done, gettext("not reported to Akismet: spam checking off")
        )
    now = timezone.now()
    attempts = comment.report_attempts + 1
    if now - comment.status_changed_at >= RETRY_FOR:
        return _update(
            comment,
            guard,
            done,
            gettext("report to Akismet abandoned after %(attempts)s attempts")
            % {"attempts": attempts},
        )
    retry_at = now + backoff(attempts)
    return _update(
        comment,
        guard,
        {"report_attempts": attempts, "next_report_at": retry_at},
        gettext("report to Akismet failed, retry %(number)s at %(time)s")
        % {"number": attempts + 1, "time": _clock(retry_at, now)},
    )


# Email --------------------------------------------------------------------------


def moderators():
    """Active users who may moderate comments and have an email address."""
    User = get_user_model()
    perm = Q(
        user_permissions__codename="moderate_comment",
        user_permissions__content_type__app_label="comments",
    ) | Q(
        groups__permissions__codename="moderate_comment",
        groups__permissions__content_type__app_label="comments",
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | perm)
        .exclude(email="")
        .distinct()
    )


def _notify_moderators(comment, rules=None):
    rules = rules or ModerationSettings.load()
    if rules.notify_moderators:
        transaction.on_commit(
            partial(tasks.notify_moderators.enqueue, comment_id=comment.pk)
        )


def _notify_article_author(comment, rules=None):
    rules = rules or ModerationSettings.load()
    if rules.notify_article_author:
        transaction.on_commit(
            partial(tasks.notify_article_author.enqueue, comment_id=comment.pk)
        )


def _admin_url(comment):
    try:
        path = reverse("admin:comments_comment_change", args=[comment.pk])
    except NoReverseMatch:
        path = reverse("admin:index")
    return settings.SITE_URL + path


def _email_context(comment):
    return {
        "comment": comment,
        "article": comment.article,
        "site_name": settings.SITE_NAME,
        "comment_url": settings.SITE_URL + comment.get_absolute_url(),
        "admin_url": _admin_url(comment),
    }


def email_moderators(comment):
    """Tell moderators that a comment waits for them. Returns the number sent."""
    if comment.status != Status.PENDING:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return 0
    subject = gettext("[%(site)s] Comment waiting for moderation: %(title)s") % {
        "site": settings.SITE_NAME,
        "title": comment.article.title,
    }
    body = render_to_string("comments/email/held.txt", _email_context(comment))
    return send_mail(
        " ".join(subject.split()), body, None, recipients, fail_silently=False
    )


def email_article_author(comment):
    """Tell the article's author about a published comment on it."""
    author = comment.article.author
    if (
        comment.status != Status.APPROVED
        or not author.email
        or comment.user_id == author.pk
    ):
        return 0
    subject = gettext("[%(site)s] New comment on “%(title)s”") % {
        "site": settings.SITE_NAME,
        "title": comment.article.title,
    }
    body = render_to_string("comments/email/published.txt", _email_context(comment))
    return send_mail(
        " ".join(subject.split()), body, None, [author.email], fail_silently=False
    )


# Recording -------------------------------------------------------------------------


def _update(comment, guard, fields, message, *, by=None):
    """
    Apply field changes to the row if it still matches the guard, and record it.

    The conditional UPDATE makes concurrent runs safe: only one of them wins.
    """
    with transaction.atomic():
        if not Comment.objects.filter(pk=comment.pk, **guard).update(**fields):
            return False
        old_status = comment.status
        for name, value in fields.items():
            setattr(comment, name, value)
        if Status.APPROVED in (old_status, comment.status):
            # Published, or taken off the site: readers' pages change.
            cache.comments_changed(comment.article_id)
        _record(
            comment,
            message,
            by=by,
            from_status=old_status,
            to_status=comment.status,
        )
    return True


def _record(comment, message, *, by=None, from_status="", to_status=""):
    CommentEvent.objects.create(
        comment=comment,
        actor=by,
        from_status=from_status,
        to_status=to_status,
        message=message[:300],
    )
