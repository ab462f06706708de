"""
Readers' subscriptions: mail about replies to their comment, or about every new
comment on an article.

A reader subscribes when posting (``subscribe``); the subscription is kept
whether or not the address is confirmed, but only confirmed addresses
(``CommenterEmail.confirmed_at``) are mailed. A comment's publication queues
``tasks.notify_subscribers`` for its article, and the sweep
(``recheck_comments``) sends whatever else is due, so a mail held back by the
hourly limit, or one that failed, goes out later.

A reader gets at most one mail per article per SUBSCRIPTION_INTERVAL, listing
every comment published since their last one (``notified_until``). The mail is
claimed before it is sent: a conditional UPDATE moves ``notified_until`` and
``last_mailed_at`` from the values read, so of two workers only one sends it.
If sending fails, the claim is given back and the sweep tries again. A worker
that dies between the claim and the send loses that one mail: sending it twice
would be worse.

Logs name subscriptions by id, never by address.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import emails
from .models import SUBSCRIPTION_INTERVAL, Comment, Subscription, normalized_email

logger = logging.getLogger(__name__)

REPLIES = "replies"
ARTICLE = "article"

UNSUBSCRIBE_SALT = "comments.subscriptions.unsubscribe"


def subscribe(comment, what):
    """
    Subscribe a new comment's author to ``what`` (REPLIES: replies to the
    comment; ARTICLE: every new comment on its article; "" for nothing).
    Returns the subscription, new or already there, or None.
    """
    if what not in (REPLIES, ARTICLE) or not comment.article_id:
        return None
    email = normalized_email(comment.author_email)
    if not email:
        return None
    target = {"comment": comment} if what == REPLIES else {"comment": None}
    try:
        subscription, created = Subscription.objects.get_or_create(
            email=email, article_id=comment.article_id, **target
        )
    except IntegrityError:
        # Lost a race with the same reader's other request: theirs is there.
        return None
    if created:
        logger.info(
            "Subscription %s to %s on article %s",
            subscription.pk,
            what,
            comment.article_id,
        )
    return subscription


# Unsubscribing ----------------------------------------------------------------


def unsubscribe_token(subscription):
    """The signed token of a subscription's unsubscribe link (it never expires)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscription.pk))


def subscription_id(token):
    """The subscription id a token holds; raises signing.BadSignature if tampered."""
    value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    try:
        return int(value)
    except ValueError:
        raise signing.BadSignature("Not a subscription id.") from None


def unsubscribe(subscription):
    """
    Stop the mail that the subscription's link came in: every subscription of
    that address on that article, since they share one mail. Returns how many
    were removed.
    """
    removed, _kinds = Subscription.objects.filter(
        email=subscription.email, article_id=subscription.article_id
    ).delete()
    logger.info(
        "Subscription %s unsubscribed (%d removed) on article %s",
        subscription.pk,
        removed,
        subscription.article_id,
    )
    return removed


# Mailing ------------------------------------------------------------------------


class _Taken(Exception):
    """Another worker claimed the mail first."""


def send_due(*, article_id=None, limit=500, now=None):
    """
    Mail the readers whose mail is due, about one article or all of them (at
    most ``limit`` mails). Returns the number of mails sent.
    """
    now = now or timezone.now()
    due = Subscription.objects.due(now)
    if article_id is not None:
        due = due.filter(article_id=article_id)
    readers = due.order_by().values_list("email", "article_id").distinct()[:limit]
    sent = 0
    for email, article in list(readers):
        sent += _mail_reader(email, article, now)
    return sent


def articles_due(*, limit=500, now=None):
    """The ids of the articles that some reader's mail is due about."""
    due = Subscription.objects.due(now or timezone.now())
    return list(
        due.order_by("article_id")
        .values_list("article_id", flat=True)
        .distinct()[:limit]
    )


def _mail_reader(email, article_id, now):
    """Send one reader their mail about one article, if due; returns 0 or 1."""
    subscriptions = list(
        Subscription.objects.confirmed()
        .filter(email=email, article_id=article_id)
        .select_related("article", "comment")
        .order_by("pk")
    )
    if not subscriptions or any(
        s.last_mailed_at and s.last_mailed_at > now - SUBSCRIPTION_INTERVAL
        for s in subscriptions
    ):
        return 0
    news = {
        s.pk: list(s.new_comments().select_related("article")) for s in subscriptions
    }
    comments = sorted(
        {c.pk: c for found in news.values() for c in found}.values(),
        key=lambda c: (c.created_at, c.pk),
    )
    if not comments:
        return 0
    # The article subscription when there is one: its mail covers the others.
    main = min(subscriptions, key=lambda s: (s.comment_id is not None, s.pk))
    claimed = {
        s.pk: max((c.status_changed_at for c in news[s.pk]), default=s.notified_until)
        for s in subscriptions
    }
    try:
        with transaction.atomic():
            for s in subscriptions:
                rows = Subscription.objects.filter(
                    pk=s.pk,
                    notified_until=s.notified_until,
                    last_mailed_at=s.last_mailed_at,
                )
                if not rows.update(notified_until=claimed[s.pk], last_mailed_at=now):
                    raise _Taken
    except _Taken:
        return 0
    try:
        emails.email_subscriber(
            email,
            article=main.article,
            comments=comments,
            replies_only=main.comment_id is not None,
            token=unsubscribe_token(main),
            language=_language(subscriptions, email, article_id),
        )
    except Exception:
        logger.exception(
            "Mail of subscription %s failed: given back for the next sweep", main.pk
        )
        for s in subscriptions:
            Subscription.objects.filter(
                pk=s.pk, notified_until=claimed[s.pk], last_mailed_at=now
            ).update(notified_until=s.notified_until, last_mailed_at=s.last_mailed_at)
        return 0
    logger.info(
        "Subscription %s mailed %d comment(s) on article %s",
        main.pk,
        len(comments),
        article_id,
    )
    return 1


def _language(subscriptions, email, article_id):
    """
    The language of the comment that subscribed (for the article subscription,
    the reader's latest comment on the article), else the site's.
    """
    languages = [s.comment.language for s in subscriptions if s.comment_id]
    if not languages:
        latest = (
            Comment.objects.filter(article_id=article_id, author_email__iexact=email)
            .exclude(language="")
            .order_by("-created_at", "-pk")
            .values_list("language", flat=True)
            .first()
        )
        languages = [latest] if latest else []
    for language in languages:
        try:
            return translation.get_supported_language_variant(language)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
