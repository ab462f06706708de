"""
Spam waves: bursts of comments that share a link, a text or a network.

At intake each comment gets three keys (``keys``): its first link's domain, a
fingerprint of its normalized text, and its network (/24 for IPv4, /48 for
IPv6). Each key is indexed with created_at, so finding the waves of the last
few minutes reads only those minutes' comments, and telling whether a new
comment belongs to one reads a few index entries.
"""

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Comment

URL_RE = re.compile(r"(?:https?://|\bwww\.)[^\s<>\"')\]]+", re.IGNORECASE)
WORD_RE = re.compile(r"\w+")

# The three kinds of key, by field, with how the queue names them.
KINDS = {
    "link": ("link_key", _("same link")),
    "text": ("text_key", _("same text")),
    "network": ("network_key", _("same network")),
}


# A network's wave comes from several addresses: many comments from one address
# are a flood, the flood rule's business, or readers behind one gateway.
NETWORK_ADDRESSES = 3


def _domain(url):
    if not url.lower().startswith("http"):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")[:64]


def link_key(body):
    """
    The domain of the first link to another site in a text (without www.), or
    "": readers linking to the site's own articles are no wave.
    """
    own = _domain(settings.SITE_URL)
    for match in URL_RE.finditer(body or ""):
        domain = _domain(match.group(0))
        if domain and domain != own:
            return domain
    return ""


def text_key(body):
    """A fingerprint of a text, the same whatever its case, spacing and punctuation."""
    words = " ".join(WORD_RE.findall((body or "").lower()))
    if not words:
        return ""
    return hashlib.sha256(words.encode()).hexdigest()[:32]


def network_key(ip):
    """
    The /24 (IPv4) or /48 (IPv6) network of an address, or "". The machine's
    own address has none: every comment posted from it (a reverse proxy left
    unconfigured, the development server) would look like one wave.
    """
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ""
    if address.is_loopback:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def set_keys(comment):
    """Put the three wave keys on a comment about to be saved."""
    comment.link_key = link_key(comment.body)
    comment.text_key = text_key(comment.body)
    comment.network_key = network_key(comment.ip_address)


def window():
    return timedelta(minutes=settings.COMMENTS_WAVE_MINUTES)


@dataclass
class Wave:
    kind: str
    key: str
    count: int
    addresses: int
    first: object
    last: object

    @property
    def label(self):
        return KINDS[self.kind][1]

    @property
    def minutes(self):
        return max(1, round((timezone.now() - self.first).total_seconds() / 60))


def waves(now=None, *, limit=20):
    """
    The waves on now: for each kind of key, the keys shared by at least
    COMMENTS_WAVE_SIZE comments still pending, received within the last
    COMMENTS_WAVE_MINUTES. Biggest first.
    """
    now = now or timezone.now()
    recent = Comment.objects.pending().filter(created_at__gte=now - window())
    found = []
    for kind, (field, _label) in KINDS.items():
        least = NETWORK_ADDRESSES if kind == "network" else 1
        rows = (
            recent.exclude(**{field: ""})
            .values(field)
            .annotate(
                count=Count("pk"),
                addresses=Count("ip_address", distinct=True),
                first=Min("created_at"),
                last=Max("created_at"),
            )
            .filter(count__gte=settings.COMMENTS_WAVE_SIZE, addresses__gte=least)
            .order_by("-count")[:limit]
        )
        found += [
            Wave(
                kind,
                row[field],
                row["count"],
                row["addresses"],
                row["first"],
                row["last"],
            )
            for row in rows
        ]
    return sorted(found, key=lambda w: -w.count)[:limit]


def in_wave(kind, key, now=None):
    """The pending comments of a wave, the ones its decision applies to."""
    field = KINDS[kind][0]
    now = now or timezone.now()
    return Comment.objects.pending().filter(
        created_at__gte=now - window(), **{field: key}
    )


def wave_of(comment, now=None):
    """
    The kind of wave a comment is part of ("link", "text", "network"), or "":
    at least COMMENTS_WAVE_SIZE comments sharing that key within the window,
    the comment included, whatever their status (a network's, from at least
    NETWORK_ADDRESSES addresses). One query.
    """
    keys = {
        kind: getattr(comment, field)
        for kind, (field, _label) in KINDS.items()
        if getattr(comment, field)
    }
    if not keys or not settings.COMMENTS_WAVE_SIZE:
        return ""
    now = now or timezone.now()
    since = now - window()
    matches = Q()
    counts = {}
    for kind, key in keys.items():
        field = KINDS[kind][0]
        matches |= Q(**{field: key})
        counts[kind] = Count("pk", filter=Q(**{field: key}))
    if "network" in keys:
        counts["addresses"] = Count(
            "ip_address", distinct=True, filter=Q(network_key=keys["network"])
        )
    # Every status counts: the first comments of a wave may have been
    # published before it was seen.
    totals = Comment.objects.filter(matches, created_at__gte=since).aggregate(**counts)
    if totals.get("addresses", 0) < NETWORK_ADDRESSES:
        totals.pop("network", None)
    for kind in KINDS:
        if totals.get(kind, 0) >= settings.COMMENTS_WAVE_SIZE:
            return kind
    return ""
