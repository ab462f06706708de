"""The reader's address, seen through the reverse proxies the site trusts."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """
    The reader's address: REMOTE_ADDR, or behind a trusted proxy the last address
    in X-Forwarded-For that is not one of the proxies.

    Only trusted proxies (TRUSTED_PROXIES) are believed: anyone else can write
    any address in the header, and the flood limits and Akismet rely on it.
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
