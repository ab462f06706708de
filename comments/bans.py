"""
Bans: readers whose comments are refused before they are stored.

The bans in force are read from the cache on each submission (``BANS``), so a
comment costs no query for them; every change to a ban calls ``bans_changed``.
A ban past its ``expires_at`` stops applying at once, whether or not the cached
list was refreshed: the time is compared on each match.
"""

import ipaddress
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Ban, normalized_email

BANS = "comments:active-bans"
# The cached list is also refreshed this often, in case a change bypassed
# bans_changed (a ban edited in the database by hand).
BANS_SECONDS = 300


def bans_changed():
    """
    The cached list of bans is stale: forgotten now, and again once the change
    commits, in case a submission read the old list in between.
    """
    cache.delete(BANS)
    transaction.on_commit(partial(cache.delete, BANS))


def _active_bans():
    bans = cache.get(BANS)
    if bans is None:
        bans = [
            (pk, kind, value, expires_at)
            for pk, kind, value, expires_at in Ban.objects.active().values_list(
                "pk", "kind", "value", "expires_at"
            )
        ]
        cache.set(BANS, bans, BANS_SECONDS)
    return bans


def network(value):
    """The network a ban value names (an address is a network of one), or None."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def bans_on(*, email, ip, now=None):
    """The ids of the bans in force on this email or IP address, oldest first."""
    now = now or timezone.now()
    email = normalized_email(email)
    try:
        address = ipaddress.ip_address(ip) if ip else None
    except ValueError:
        address = None
    found = []
    for pk, kind, value, expires_at in _active_bans():
        if expires_at is not None and expires_at <= now:
            continue
        if kind == Ban.Kind.EMAIL:
            hit = bool(email) and value == email
        else:
            net = network(value) if address is not None else None
            hit = net is not None and net.version == address.version and address in net
        if hit:
            found.append(pk)
    return sorted(found)


def matching_ban(*, email, ip, now=None):
    """The id of a ban in force on this email or IP address, or None."""
    found = bans_on(email=email, ip=ip, now=now)
    return found[0] if found else None
