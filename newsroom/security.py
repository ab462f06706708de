"""
How often staff may fail to sign in to the admin (django-axes' limits).

Axes knows the client by newsroom.proxies.client_ip (AXES_CLIENT_IP_CALLABLE),
the address the comment flood limit and Akismet use, so an attacker behind the
site's proxies is locked out by their own address, not the proxy's.
"""

from django.conf import settings
from django.db.models import Sum

from .proxies import client_ip


def failure_limit(request, credentials):
    """
    The number of failures that locks this login attempt out (AXES_FAILURE_LIMIT).

    Axes compares one limit with the larger of its two counts, the failures of
    this user name from this address and all failures from this address. The
    account limit applies once that pair has reached it; until then only the
    (higher) address limit can lock, so someone trying many user names from one
    address is stopped too, without one mistyped name locking a shared office
    address.
    """
    # Axes' models and helpers need the app registry: imported when first called.
    from axes.attempts import get_cool_off_threshold
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    account_limit = settings.AXES_ACCOUNT_FAILURE_LIMIT
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    attempts = AccessAttempt.objects.filter(username=username, ip_address=address)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    if failures >= account_limit:
        return account_limit
    return max(account_limit, settings.AXES_ADDRESS_FAILURE_LIMIT)
