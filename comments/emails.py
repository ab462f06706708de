"""
Mail about comments: moderators hear of a comment held for them, an article's
author (optionally) of a comment published on it; both in the newsroom's
language, by tasks or once a decision commits. Subscribers hear of new comments
(``subscriptions``) in their own language, with a one-click unsubscribe link.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from . import personal_data, receipts, verification, waves
from .models import Comment
from .numbers import queue_age

Status = Comment.Status


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


def _admin_url(comment):
    try:
        path = reverse("admin:comments_comment_change", args=[comment.pk])
    except NoReverseMatch:
        path = reverse("admin:index")
    return settings.SITE_URL + path


def _email_context(comment):
    return {
        "comment": comment,
        "article": comment.target,
        "site_name": settings.SITE_NAME,
        "comment_url": settings.SITE_URL + comment.get_absolute_url(),
        "admin_url": _admin_url(comment),
    }


def email_moderators(comment):
    """Tell moderators that a comment waits for them. Returns the number sent."""
    with translation.override(settings.LANGUAGE_CODE):
        return _email_moderators(comment)


def _email_moderators(comment):
    if comment.status != Status.PENDING:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return 0
    subject = gettext("[%(site)s] Comment waiting for moderation: %(title)s") % {
        "site": settings.SITE_NAME,
        "title": comment.target.title,
    }
    body = render_to_string("comments/email/held.txt", _email_context(comment))
    return send_mail(
        " ".join(subject.split()), body, None, recipients, fail_silently=False
    )


def email_article_author(comment):
    """Tell the article's author about a published comment on it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _email_article_author(comment)


def _email_article_author(comment):
    if comment.article_id is None:  # a static page has no author to tell
        return 0
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


def email_digest(now=None):
    """
    Tell moderators what waits for them: how many comments, since when, and
    the waves on now. Nothing is sent when nothing waits. Returns the number sent.
    """
    with translation.override(settings.LANGUAGE_CODE):
        age = queue_age(now or timezone.now())
        if age is None:
            return 0
        recipients = list(moderators().values_list("email", flat=True))
        if not recipients:
            return 0
        subject = translation.ngettext(
            "[%(site)s] %(count)d comment waits for moderation",
            "[%(site)s] %(count)d comments wait for moderation",
            age["count"],
        ) % {"site": settings.SITE_NAME, "count": age["count"]}
        body = render_to_string(
            "comments/email/digest.txt",
            {
                "site_name": settings.SITE_NAME,
                "age": age,
                "waves": waves.waves(now),
                "queue_url": settings.SITE_URL
                + reverse("admin:comments_comment_changelist"),
            },
        )
        return send_mail(subject, body, None, recipients, fail_silently=False)


# Mail to the comment's author ----------------------------------------------------


def _author_language(comment):
    return comment.language or settings.LANGUAGE_CODE


def email_confirmation(comment, *, language=None):
    """
    Mail the author of a comment the link that confirms their address. The
    caller has made sure the address may be mailed (verification.may_mail).
    """
    with translation.override(language or _author_language(comment)):
        link = settings.SITE_URL + reverse(
            "comments:confirm-email",
            args=[verification.link_token(comment.author_email)],
        )
        subject = gettext("[%(site)s] Confirm your email address") % {
            "site": settings.SITE_NAME
        }
        body = render_to_string(
            "comments/email/confirm.txt",
            {
                "site_name": settings.SITE_NAME,
                "link": link,
                "days": verification.LINK_AGE.days,
                "name": comment.author_name,
            },
        )
        return send_mail(
            subject, body, None, [comment.author_email], fail_silently=False
        )


def email_data_link(email, *, language):
    """Mail an address the link to its data (personal_data.may_send_link said so)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse(
            "comments:my-data", args=[personal_data.request_token(email)]
        )
        subject = gettext("[%(site)s] Your data") % {"site": settings.SITE_NAME}
        body = render_to_string(
            "comments/email/data_link.txt",
            {
                "site_name": settings.SITE_NAME,
                "link": link,
                "hours": int(personal_data.LINK_AGE.total_seconds() // 3600),
            },
        )
        return send_mail(subject, body, None, [email], fail_silently=False)


def email_verdict(comment):
    """Tell a comment's author, who asked for it, what became of their comment."""
    if comment.status == Status.PENDING or not comment.notify_verdict:
        return 0
    if not verification.is_confirmed(comment.author_email):
        return 0
    with translation.override(_author_language(comment)):
        subject = (
            gettext("[%(site)s] Your comment is published")
            if comment.status == Status.APPROVED
            else gettext("[%(site)s] Your comment was not published")
        ) % {"site": settings.SITE_NAME}
        body = render_to_string(
            "comments/email/verdict.txt",
            {
                "site_name": settings.SITE_NAME,
                "comment": comment,
                "article": comment.target,
                "state": receipts.describe(comment),
                "comment_url": settings.SITE_URL + comment.get_absolute_url(),
                "status_url": settings.SITE_URL + receipts.status_url(comment),
            },
        )
        return send_mail(
            subject, body, None, [comment.author_email], fail_silently=False
        )


# The length of a comment's excerpt in a subscriber's mail, in characters.
EXCERPT_CHARS = 300


def email_subscriber(email, *, article, comments, replies_only, token, language):
    """
    Mail a subscriber the new comments on an article (``replies_only``: replies
    to their comment), in their language, with the headers of RFC 8058's
    one-click unsubscribe. Returns the number sent; a failure raises.
    """
    with translation.override(language):
        unsubscribe_url = settings.SITE_URL + reverse(
            "comments:unsubscribe", args=[token]
        )
        count = len(comments)
        if replies_only:
            subject = translation.ngettext(
                "[%(site)s] A new reply to your comment on “%(title)s”",
                "[%(site)s] %(count)d new replies to your comment on “%(title)s”",
                count,
            )
        else:
            subject = translation.ngettext(
                "[%(site)s] A new comment on “%(title)s”",
                "[%(site)s] %(count)d new comments on “%(title)s”",
                count,
            )
        subject %= {"site": settings.SITE_NAME, "title": article.title, "count": count}
        body = render_to_string(
            "comments/email/subscription.txt",
            {
                "site_name": settings.SITE_NAME,
                "article": article,
                "article_url": settings.SITE_URL + article.get_absolute_url(),
                "replies_only": replies_only,
                "comments": [
                    {
                        "author_name": comment.author_name,
                        "excerpt": Truncator(comment.body).chars(EXCERPT_CHARS),
                        "url": settings.SITE_URL + comment.get_absolute_url(),
                    }
                    for comment in comments
                ],
                "unsubscribe_url": unsubscribe_url,
            },
        )
    message = EmailMessage(
        " ".join(subject.split()),
        body,
        None,
        [email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message.send()
