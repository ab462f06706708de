"""
The Akismet adapter: the only module that imports ``akismet``.

``check()`` asks Akismet about a comment and answers with our own ``Verdict``;
``submit()`` reports a moderator's correction. Neither raises for anything the
network or the service can do: failures come back as ``Verdict.UNCHECKED`` with a
reason, so the caller keeps the comment pending and tries again later.
"""

import enum
import functools
import logging
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import urlsplit

import akismet
import httpx

from django.conf import settings
from django.utils import translation

logger = logging.getLogger(__name__)

# Tests swap in akismet.TestSyncClient (or the pytest plugin's subclass).
client_class = akismet.SyncClient

# Why a comment is still unchecked. Stored at the start of
# Comment.last_check_error, so other code (the admin warning) can read it.
OFF = "spam checking off"
RETRY = "try again later"
MISCONFIGURED = "misconfigured"


class Verdict(enum.Enum):
    HAM = "ham"
    SPAM = "spam"
    DISCARD = "discard"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class Result:
    """What Akismet said, or why it could not say it, and the data sent."""

    verdict: Verdict
    reason: str = ""
    detail: str = ""
    data: dict = field(default_factory=dict)


def is_enabled():
    """Return True if an Akismet key is configured."""
    return bool(settings.AKISMET_API_KEY)


class _RedirectTransport(httpx.HTTPTransport):
    """Send every request to AKISMET_API_URL instead of the hard-coded endpoint."""

    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def handle_request(self, request):
        path = self.base.path.rstrip("/") + request.url.path
        request.url = request.url.copy_with(
            scheme=self.base.scheme,
            host=self.base.hostname,
            port=self.base.port,
            path=path,
        )
        request.headers["Host"] = self.base.netloc
        return super().handle_request(request)


def user_agent():
    return f"{settings.SITE_NAME} ({settings.SITE_URL}) | {akismet.USER_AGENT}"


@functools.lru_cache(maxsize=8)
def _http_client(api_url, timeout, agent):
    """
    The HTTP client for one configuration, built once per process and kept.

    Building one costs about 20 ms of CPU (its TLS context), more than a whole
    spam check otherwise; kept, it also keeps its connections to Akismet open
    between checks. httpx clients may be shared between threads.
    """
    return httpx.Client(
        transport=_RedirectTransport(api_url),
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": agent},
    )


def _client():
    http_client = _http_client(
        settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT, user_agent()
    )
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=settings.AKISMET_BLOG_URL)
    return client_class(config=config, http_client=http_client)


def comment_data(comment):
    """Return the comment-check arguments for a comment, as sent to Akismet."""
    with translation.override(comment.language or settings.LANGUAGE_CODE):
        permalink = settings.SITE_URL + comment.target.get_absolute_url()
    data = {
        "user_ip": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "referrer": comment.referrer,
        "permalink": permalink,
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.body,
        "comment_date_gmt": comment.created_at.astimezone(UTC).isoformat(),
        "blog_lang": comment.language,
        "blog_charset": "UTF-8",
    }
    if settings.AKISMET_IS_TEST:
        data["is_test"] = True
    return data


def _call(operation, data):
    """Run one client method; return (answer, None) or (None, failure Result)."""
    try:
        return getattr(_client(), operation)(**data), None
    except akismet.ConfigurationError as exc:
        logger.error("Akismet is misconfigured (%s): %s", operation, exc)
        return None, Result(Verdict.UNCHECKED, MISCONFIGURED, _oneline(exc), data)
    except (akismet.RequestError, akismet.ProtocolError, httpx.HTTPError) as exc:
        logger.warning("Akismet %s failed: %s", operation, _oneline(exc))
        return None, Result(Verdict.UNCHECKED, RETRY, _oneline(exc), data)


def _oneline(exc):
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def check(comment):
    """Ask Akismet whether a comment is spam; never raises for service failures."""
    if not is_enabled():
        return Result(Verdict.UNCHECKED, OFF)
    # The data stored when the comment was received, so that what Akismet saw
    # can be repeated exactly in submit-spam/ham.
    data = dict(comment.akismet_data) or comment_data(comment)
    answer, failure = _call("comment_check", data)
    if failure:
        return failure
    verdict = {
        akismet.CheckResponse.HAM: Verdict.HAM,
        akismet.CheckResponse.SPAM: Verdict.SPAM,
        akismet.CheckResponse.DISCARD: Verdict.DISCARD,
    }[answer]
    return Result(verdict, data=data)


def submit(comment, *, is_spam):
    """
    Report a moderator's correction (submit-spam or submit-ham).

    Sends the data stored when the comment was checked, as Akismet asks, or the
    comment's data if it was never checked. Returns a Result whose verdict is
    SPAM or HAM on success, UNCHECKED with a reason otherwise.
    """
    if not is_enabled():
        return Result(Verdict.UNCHECKED, OFF)
    data = dict(comment.akismet_data) or comment_data(comment)
    _answer, failure = _call("submit_spam" if is_spam else "submit_ham", data)
    if failure:
        return failure
    return Result(Verdict.SPAM if is_spam else Verdict.HAM, data=data)
