"""
The receipt of a comment: the private status link its author gets after
posting, and what the status page tells them in plain words.

The link holds the comment's id signed with the site's key: unguessable, it
works in any browser for as long as the comment exists. What the page says
(``describe``) comes from the comment's fields, in the reader's language: why
a rule holds it, or why it was not published (the moderator's reason from a
fixed list and their note, the statement of reasons a host owes under the EU
Digital Services Act). Akismet is named only as "the automatic spam filter".
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .models import Comment

SALT = "comments.status"

Status = Comment.Status
HeldRule = Comment.HeldRule


def token(comment):
    return signing.Signer(salt=SALT).sign(str(comment.pk))


def comment_id(value):
    """The id a status token was made for, or None if it was tampered with."""
    try:
        pk = signing.Signer(salt=SALT).unsign(value)
    except signing.BadSignature:
        return None
    return int(pk) if pk.isdigit() else None


def status_url(comment):
    """The status page's path, in the current language."""
    return reverse("comments:status", args=[token(comment)])


def editable(comment, now=None):
    """
    Return True if its author may still edit the comment: while it waits for a
    decision, or for COMMENTS_EDIT_MINUTES after posting once published.
    """
    if comment.author_deleted:
        return False
    if comment.status == Status.PENDING:
        return True
    if comment.status == Status.APPROVED:
        limit = timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
        return (now or timezone.now()) < comment.created_at + limit
    return False


def may_appeal(comment):
    """A rejected comment's author may ask, once, for a second look."""
    return (
        comment.status in (Status.SPAM, Status.TRASH)
        and comment.appeal == Comment.Appeal.NONE
        and comment.verdict != Comment.Verdict.DISCARD
    )


def describe(comment):
    """
    The comment's state for its author: {"state", "title", "why"}, ``state``
    being pending, published, rejected or deleted.
    """
    if comment.author_deleted:
        return {
            "state": "deleted",
            "title": gettext("You deleted this comment."),
            "why": "",
        }
    if comment.status == Status.PENDING:
        return {
            "state": "pending",
            "title": gettext("Your comment is awaiting moderation."),
            "why": held_explanation(comment),
        }
    if comment.status == Status.APPROVED:
        return {
            "state": "published",
            "title": gettext("Your comment is published."),
            "why": "",
        }
    return {
        "state": "rejected",
        "title": gettext("Your comment was not published."),
        "why": rejection_explanation(comment),
    }


def held_explanation(comment):
    """Why a pending comment waits, in the reader's words."""
    rule = comment.held_rule
    if rule == HeldRule.HOLD_ALL:
        return gettext("Every comment is read by a moderator before it is published.")
    if rule == HeldRule.WAVE:
        return gettext(
            "Many similar comments arrived at the same time, so a moderator "
            "reads each of them."
        )
    if rule == HeldRule.LINKS:
        links = comment.link_count()
        return ngettext(
            "It contains %(count)s link, so a moderator reads it first.",
            "It contains %(count)s links, so a moderator reads it first.",
            links,
        ) % {"count": links}
    if rule == HeldRule.WORDS:
        return gettext("It contains a word that a moderator must look at.")
    if rule == HeldRule.FIRST:
        return gettext(
            "Comments from an email address that is new here, or not confirmed "
            "from this browser, are read by a moderator first."
        )
    if rule == HeldRule.UNCHECKED:
        return gettext(
            "Our automatic spam filter could not look at it yet: it will try "
            "again, or a moderator will decide."
        )
    if rule == HeldRule.REPORTED:
        return gettext("Readers reported it, so a moderator is looking at it again.")
    if rule == HeldRule.EDITED:
        return gettext("You edited it, so it is being checked again.")
    if comment.check_state == Comment.CheckState.UNCHECKED:
        return gettext("It is being checked for spam; this takes a few seconds.")
    return ""


def rejection_explanation(comment):
    """Why a comment was not published: the moderator's reason, or the filter's."""
    if comment.rejection_reason:
        return gettext("Reason: %(reason)s.") % {
            "reason": comment.get_rejection_reason_display()
        }
    if comment.status == Status.SPAM:
        return gettext("Our automatic spam filter judged it to be spam.")
    return gettext("It contains a word that is not allowed in comments here.")
