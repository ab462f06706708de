"""
Confirmed email addresses, and the trust their comments earn.

A reader may confirm the address they comment with (never required): they ask,
from their comment's status page; a one-time signed link is mailed to the
address, at most once an hour (``may_mail``); following it marks the address
confirmed (``confirm``) and gives that browser a signed, long-lived
cookie naming it (``remember``). A comment is *verified* when it is made with an
address that the posting browser's cookie names, or by a signed-in reader.

Only verified comments count for the "author has an approved comment" rule
(``checks.held_by_rules``): typing a regular commenter's address is no longer
enough. A verified commenter with COMMENTS_TRUST_APPROVED approved verified
comments and no spam or trash verdict in COMMENTS_TRUST_CLEAN_DAYS days is
*trusted* (``is_trusted``): published right after the spam check. Moderators
withdraw and give back the trust per address (``revoke_trust``).
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q
from django.utils import timezone

from .models import Comment, CommenterEmail, normalized_email

logger = logging.getLogger(__name__)

COOKIE = "comments_verified"
COOKIE_SALT = "comments.verified"
COOKIE_AGE = 60 * 60 * 24 * 365 * 2
# Addresses one browser remembers as confirmed.
COOKIE_KEPT = 5

LINK_SALT = "comments.confirm-email"
# A confirmation link works for this long.
LINK_AGE = timedelta(days=3)
# At most one confirmation mail per address in this time.
MAIL_INTERVAL = timedelta(hours=1)


def email_key(email):
    """A keyed hash of an address, for the logs: never the address itself."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        normalized_email(email).encode(),
        hashlib.sha256,
    )
    return digest.hexdigest()[:12]


# The browser's cookie -------------------------------------------------------


def confirmed_emails(request):
    """The addresses this browser proved it can read mail for."""
    if request is None:
        return []
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_AGE
    )
    try:
        emails = json.loads(raw) if raw else []
    except ValueError:
        return []
    if not isinstance(emails, list):
        return []
    return [e for e in emails if isinstance(e, str)][-COOKIE_KEPT:]


def is_verified(request, email):
    """Return True if this browser confirmed the address (no query)."""
    return normalized_email(email) in confirmed_emails(request)


def remember(response, request, email):
    """Let this browser's comments with the address count as verified."""
    email = normalized_email(email)
    emails = [e for e in confirmed_emails(request) if e != email]
    emails = [*emails[-(COOKIE_KEPT - 1) :], email]
    response.set_signed_cookie(
        COOKIE,
        json.dumps(emails),
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def comment_is_verified(comment, request):
    """Whether a new comment counts as verified: signed in, or a proven address."""
    if comment.user_id:
        return True
    return is_verified(request, comment.author_email)


# Confirmation by mail -----------------------------------------------------------


def link_token(email, now=None):
    """The signed token of a confirmation link: the address and when it was made."""
    issued = (now or timezone.now()).timestamp()
    return signing.dumps(
        {"e": normalized_email(email), "t": issued}, salt=LINK_SALT, compress=True
    )


def read_link(token):
    """
    The address a confirmation link was made for and when, as (email, datetime);
    (None, None) if it was tampered with or has expired.
    """
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_AGE)
    except signing.BadSignature:  # expired links raise its subclass
        return None, None
    if not isinstance(data, dict):
        return None, None
    email, issued = data.get("e"), data.get("t")
    if not isinstance(email, str) or not isinstance(issued, int | float):
        return None, None
    return email, datetime.fromtimestamp(issued, tz=UTC)


def may_mail(email, now=None):
    """Return True if the address may be mailed now (once per MAIL_INTERVAL)."""
    now = now or timezone.now()
    address, _created = CommenterEmail.objects.get_or_create(
        email=normalized_email(email)
    )
    # Conditional, so two requests in the same instant send one mail.
    return bool(
        CommenterEmail.objects.filter(pk=address.pk)
        .filter(
            Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lte=now - MAIL_INTERVAL)
        )
        .update(last_mailed_at=now)
    )


def confirm(email, *, issued, now=None):
    """
    Mark an address confirmed by a link made at ``issued``. A link works once:
    one made before the address's last confirmation is refused (None).
    """
    now = now or timezone.now()
    email = normalized_email(email)
    address, _created = CommenterEmail.objects.get_or_create(email=email)
    used = Q(confirmed_at__isnull=False, confirmed_at__gte=issued)
    if (
        not CommenterEmail.objects.filter(pk=address.pk)
        .exclude(used)
        .update(confirmed_at=now)
    ):
        logger.info("Used confirmation link refused for %s", email_key(email))
        return None
    address.confirmed_at = now
    logger.info("Email address %s confirmed", email_key(email))
    return address


def is_confirmed(email):
    return CommenterEmail.objects.filter(
        email=normalized_email(email), confirmed_at__isnull=False
    ).exists()


# Trust -----------------------------------------------------------------------------


def trust(email, now=None):
    """
    Where an address stands: {"confirmed", "approved", "rejected_lately",
    "revoked", "trusted"}; what moderators see in the commenter's history.
    """
    now = now or timezone.now()
    email = normalized_email(email)
    address = CommenterEmail.objects.filter(email=email).first()
    since = now - timedelta(days=settings.COMMENTS_TRUST_CLEAN_DAYS)
    counts = Comment.objects.filter(author_email__iexact=email).aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED, verified=True)),
        rejected=Count(
            "pk",
            filter=Q(
                status__in=[Comment.Status.SPAM, Comment.Status.TRASH],
                status_changed_at__gte=since,
            ),
        ),
    )
    approved, rejected = counts["approved"], counts["rejected"] > 0
    confirmed = bool(address and address.confirmed_at)
    revoked = bool(address and address.trust_revoked_at)
    return {
        "address": address,
        "confirmed": confirmed,
        "approved": approved,
        "needed": settings.COMMENTS_TRUST_APPROVED,
        "rejected_lately": rejected,
        "revoked": revoked,
        "trusted": (
            confirmed
            and not revoked
            and not rejected
            and approved >= settings.COMMENTS_TRUST_APPROVED
        ),
    }


def is_trusted(comment):
    """Return True if the comment skips the hold rules (a trusted address's)."""
    if not comment.verified:
        return False
    return trust(comment.author_email)["trusted"]


def revoke_trust(email, *, by):
    """Withdraw an address's trust: its comments go through the hold rules again."""
    address, _created = CommenterEmail.objects.get_or_create(
        email=normalized_email(email)
    )
    address.trust_revoked_at = timezone.now()
    address.trust_revoked_by = by
    address.save(update_fields=["trust_revoked_at", "trust_revoked_by"])
    logger.info("Trust withdrawn from %s by user %s", email_key(email), by.pk)
    return address


def restore_trust(email, *, by):
    """Give an address back the trust its comments earn."""
    updated = CommenterEmail.objects.filter(email=normalized_email(email)).update(
        trust_revoked_at=None, trust_revoked_by=None
    )
    logger.info("Trust given back to %s by user %s", email_key(email), by.pk)
    return bool(updated)
