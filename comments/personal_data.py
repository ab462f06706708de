"""
A commenter's personal data, found by email address: ``export`` gives their
comments and the comments' history; ``erase`` anonymises their comments (they
stay in their threads) and removes what is kept about the address itself: its
confirmation, its subscriptions and the moderators' notes about it. Bans stay:
they protect the site, and name no more than the address. Used by
``manage.py comment_data``, the readers' own requests from the privacy page, and
the commenter's history in the admin.

A reader asks from the privacy page: they type their address, and a signed link
(``request_token``) is mailed to it, if anything is kept about it and no link
went to it within the hour; the page says the same whatever the case, so that
it tells no one whose address is known. The link's page downloads the export or
erases, after a confirmation. Every request is recorded (``DataRequest``) and
logged by the address's keyed hash, never by the address.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsroom.sanitize import comment_text_to_html

from . import cache
from .models import (
    Comment,
    CommenterEmail,
    CommenterNote,
    CommentEvent,
    DataRequest,
    Subscription,
    normalized_email,
)
from .verification import email_key

logger = logging.getLogger(__name__)

SALT = "comments.personal-data"
# A link to one's data works for this long.
LINK_AGE = timedelta(days=1)
# At most one link per address in this time.
LINK_INTERVAL = timedelta(hours=1)
# Requests one reader (by IP address) may send an hour, whatever the addresses.
REQUESTS_PER_HOUR = 5


def comments_of(email):
    return Comment.objects.filter(
        Q(author_email__iexact=email) | Q(user__email__iexact=email)
    )


def holds_data(email):
    """Return True if anything is kept about the address."""
    address = normalized_email(email)
    return (
        comments_of(email).exists()
        or Subscription.objects.filter(email=address).exists()
        or CommenterEmail.objects.filter(email=address).exists()
    )


def record(email, action, *, by=None):
    """Keep and log a request about the address, by its keyed hash."""
    key = email_key(email)
    source = DataRequest.Source.ADMIN if by else DataRequest.Source.READER
    DataRequest.objects.create(email_key=key, action=action, source=source, by=by)
    who = f"user {by.pk}" if by else "the reader"
    logger.info("Personal data request: %s for %s by %s", action, key, who)


# The reader's own requests --------------------------------------------------


def request_token(email, now=None):
    """The signed token of a link to the address's data, with when it was made."""
    issued = (now or timezone.now()).timestamp()
    return signing.dumps(
        {"e": normalized_email(email), "t": issued}, salt=SALT, compress=True
    )


def read_token(token):
    """The address a link was made for, or None if tampered with or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_AGE)
    except signing.BadSignature:  # expired links raise its subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        return None
    return data["e"]


def may_send_link(email, now=None):
    """
    Return True, and record it, if a link may be mailed to the address now: it
    holds data, and none went to it within LINK_INTERVAL.
    """
    now = now or timezone.now()
    recent = DataRequest.objects.filter(
        email_key=email_key(email),
        action=DataRequest.Action.LINK,
        created_at__gt=now - LINK_INTERVAL,
    )
    if recent.exists():
        logger.info(
            "Personal data link not sent (one went within the hour) for %s",
            email_key(email),
        )
        return False
    if not holds_data(email):
        logger.info(
            "Personal data link not sent (nothing kept) for %s", email_key(email)
        )
        return False
    record(email, DataRequest.Action.LINK)
    return True


def export(email):
    """Everything kept about the address, as a dict ready for JSON."""
    comments = (
        comments_of(email)
        .select_related("article", "page", "parent")
        .prefetch_related("events")
    )
    address = CommenterEmail.objects.filter(email=normalized_email(email)).first()
    return {
        "email": email,
        "address_confirmed": address.confirmed_at if address else None,
        "subscriptions": [
            {
                "article": sub.article.title,
                "replies_to_comment": sub.comment_id,
                "since": sub.created_at,
            }
            for sub in Subscription.objects.filter(
                email=normalized_email(email)
            ).select_related("article")
        ],
        "comments": [
            {
                "id": comment.pk,
                "article": {
                    "id": comment.article_id,
                    "title": comment.target.title,
                    "url": settings.SITE_URL + comment.target.get_absolute_url(),
                },
                "in_reply_to": comment.parent_id,
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "text": comment.body,
                "status": comment.status,
                "date": comment.created_at,
                "language": comment.language,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "referrer": comment.referrer,
                "akismet_verdict": comment.verdict,
                "data_sent_to_akismet": comment.akismet_data,
                "reason_not_published": comment.rejection_reason,
                "moderator_note": comment.rejection_note,
                "review_request": comment.appeal_message,
                "history": [
                    {
                        "date": event.created_at,
                        "from": event.from_status,
                        "to": event.to_status,
                        "what_happened": event.message,
                    }
                    for event in comment.events.all()
                ],
            }
            for comment in comments
        ],
    }


def as_json(email):
    """The export as the reader downloads it and the command prints it."""
    return json.dumps(
        export(email), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )


def download(email, *, by=None):
    """The data as a JSON file to save, for the reader or a moderator; recorded."""
    record(email, DataRequest.Action.EXPORT, by=by)
    response = HttpResponse(as_json(email), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="comments-data.json"'
    # For one person: no cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def summary(email):
    """What the link's page shows before the reader chooses: counts only."""
    address = normalized_email(email)
    return {
        "comments": comments_of(email).count(),
        "subscriptions": Subscription.objects.filter(email=address).count(),
        "confirmed": CommenterEmail.objects.filter(
            email=address, confirmed_at__isnull=False
        ).exists(),
    }


def erase(email, *, remove_text=False):
    """Anonymise the address's comments and forget the address; returns how many."""
    comments = comments_of(email)
    erased = 0
    with transaction.atomic():
        pks = list(comments.values_list("pk", flat=True))
        languages = (
            Comment.objects.filter(pk__in=pks)
            .values_list("language", flat=True)
            .distinct()
        )
        # Readers see the placeholder name in the comment's own language.
        for language in list(languages):
            with translation.override(language or settings.LANGUAGE_CODE):
                changes = {
                    "author_name": gettext("Anonymous"),
                    "author_email": "",
                    "author_url": "",
                    "user": None,
                    "ip_address": None,
                    "user_agent": "",
                    "referrer": "",
                    "akismet_data": {},
                    "appeal_message": "",
                }
                if remove_text:
                    changes["body"] = gettext(
                        "This comment was removed at its author's request."
                    )
                    changes["body_html"] = comment_text_to_html(changes["body"])
                erased += Comment.objects.filter(pk__in=pks, language=language).update(
                    **changes
                )
        with translation.override(settings.LANGUAGE_CODE):
            message = gettext("Personal data erased at the author's request.")
        CommentEvent.objects.bulk_create(
            CommentEvent(comment_id=pk, message=message) for pk in pks
        )
        address = normalized_email(email)
        CommenterEmail.objects.filter(email=address).delete()
        Subscription.objects.filter(email=address).delete()
        CommenterNote.objects.filter(email=address).delete()
        articles = Comment.objects.filter(pk__in=pks).values_list(
            "article_id", flat=True
        )
        cache.comments_changed(*set(articles))
    return erased
