"""
The editorial policy: who may change an article, and how it moves between states.

An article is written as a draft, submitted for review, then published by an
editor, either now or at a future time (scheduled: it appears by itself then). An
editor may instead send it back to its author with a note, and may unpublish it
later. Journalists change only their own articles, and only while they are drafts
or sent back; editors (``articles.review_article``) change any article in any
state. Publishing, scheduling and unpublishing need ``articles.publish_article``.

Every transition is recorded as an ArticleTransition (who, when, from, to, note)
and announced by mail (``emails.py``, through a task) after the transaction
commits: editors hear of submissions, the author of a send-back or a publication.
Admin forms, admin actions and tasks all call the functions below; the actor is
always the keyword argument ``by``.
"""

from functools import partial, wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import cache, tasks
from .models import Article, ArticleTransition

State = Article.State

# The article states a transition may start from.
SUBMITTABLE = {State.DRAFT, State.RETURNED}
# Private articles come from an imported site (WordPress's private posts).
PUBLISHABLE = {
    State.DRAFT,
    State.REVIEW,
    State.RETURNED,
    State.SCHEDULED,
    State.PRIVATE,
}
SCHEDULABLE = PUBLISHABLE
RETURNABLE = {State.REVIEW}
UNPUBLISHABLE = {State.PUBLISHED, State.SCHEDULED, State.PRIVATE}


class TransitionNotAllowed(PermissionDenied):
    """The actor may not move the article this way; the message says why."""


# Decisions


def is_editor(user):
    """Return True if the user may change any article, whatever its state."""
    return user.has_perm("articles.review_article")


def can_publish(user):
    """Return True if the user may publish, schedule and unpublish articles."""
    return user.has_perm("articles.publish_article")


def can_edit(user, article):
    """Return True if the user may change the article as it stands now."""
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    return article.author_id == user.pk and article.status in SUBMITTABLE


def can_delete(user, article):
    """Return True if the user may delete the article (authors: their drafts)."""
    if not user.has_perm("articles.delete_article"):
        return False
    return is_editor(user) or (
        article.author_id == user.pk and article.status in SUBMITTABLE
    )


def allowed_states(user, article):
    """
    Return the states the user may move the article to, its current one first.

    An unsaved article counts as a draft.
    """
    current = article.state() if article.pk else State.DRAFT
    allowed = [current]
    if current in SUBMITTABLE and (article.pk is None or can_edit(user, article)):
        allowed.append(State.REVIEW)
    if current in RETURNABLE and is_editor(user):
        allowed.append(State.RETURNED)
    if can_publish(user):
        if current in PUBLISHABLE:
            allowed.append(State.PUBLISHED)
        if current in SCHEDULABLE and current != State.SCHEDULED:
            allowed.append(State.SCHEDULED)
        if current in UNPUBLISHABLE:
            allowed.append(State.DRAFT)
    return allowed


def _check(allowed, message, **params):
    if not allowed:
        raise TransitionNotAllowed(message % params)


# Transitions
#
# Each one is a function that only checks the actor, turned by @_transition
# into the verb: it reads the article's stored state (locking its row), runs
# those checks, refuses a state the transition does not start from, then saves
# the article in its new state, records the step and mails about it.


def _transition(to_state, *, allowed_from, refused):
    def decorate(checks):
        @wraps(checks)
        def verb(article, *args, by, note=""):
            with transaction.atomic():
                current = _stored_state(article)
                checks(article, *args, by=by, note=note)
                _check(current in allowed_from, refused, title=article.title)
                return _move(article, current, to_state, by=by, note=note)

        return verb

    return decorate


@_transition(
    State.REVIEW,
    allowed_from=SUBMITTABLE,
    refused=_("“%(title)s” is not a draft, so it cannot be submitted for review."),
)
def submit_for_review(article, *, by, note):
    """Send a draft (or a sent-back article) to the editors; they are emailed."""
    _check(
        by.has_perm("articles.add_article")
        if article.pk is None
        else can_edit(by, article),
        gettext("You may not submit “%(title)s” for review."),
        title=article.title,
    )


@_transition(
    State.RETURNED,
    allowed_from=RETURNABLE,
    refused=_("“%(title)s” is not in review, so it cannot be sent back."),
)
def send_back(article, *, by, note):
    """Return an article in review to its author with a note; the author is emailed."""
    _check(is_editor(by), gettext("Only editors can send articles back."))
    _check(
        bool(note.strip()),
        gettext("Write a note telling the author what to change."),
    )


@_transition(
    State.PUBLISHED,
    allowed_from=PUBLISHABLE,
    refused=_("“%(title)s” is already published."),
)
def publish(article, *, by, note):
    """
    Publish an article now; the author is emailed.

    A publish date already in the past (a re-publication, or a backdated article)
    is kept; otherwise the article is dated now.
    """
    _check(can_publish(by), gettext("You may not publish articles."))
    now = timezone.now()
    if article.published_at is None or article.published_at > now:
        article.published_at = now


@_transition(
    State.SCHEDULED,
    allowed_from=SCHEDULABLE,
    refused=_("“%(title)s” is already live: unpublish it before scheduling it."),
)
def schedule(article, when, *, by, note):
    """Publish an article at a future time, when it appears by itself."""
    _check(can_publish(by), gettext("You may not schedule articles."))
    _check(
        when is not None and when > timezone.now(),
        gettext("A scheduled article needs a publish date in the future."),
    )
    article.published_at = when


@_transition(
    State.DRAFT,
    allowed_from=UNPUBLISHABLE,
    refused=_("“%(title)s” is not published."),
)
def unpublish(article, *, by, note):
    """Take a published or scheduled article off the site, back to draft."""
    _check(can_publish(by), gettext("You may not unpublish articles."))


def move_to(article, state, *, by, note=""):
    """Apply the transition that takes the article to ``state``."""
    if state == State.REVIEW:
        return submit_for_review(article, by=by, note=note)
    if state == State.RETURNED:
        return send_back(article, by=by, note=note)
    if state == State.PUBLISHED:
        return publish(article, by=by, note=note)
    if state == State.SCHEDULED:
        return schedule(article, article.published_at, by=by, note=note)
    if state == State.DRAFT:
        return unpublish(article, by=by, note=note)
    raise TransitionNotAllowed(gettext("Unknown status."))


def _stored_state(article):
    """Return the article's state as the database has it, locking its row."""
    if article.pk is None:
        return State.DRAFT
    row = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values("status", "published_at")
        .first()
    )
    if row is None:
        raise TransitionNotAllowed(gettext("This article no longer exists."))
    return Article(**row).state()


def _move(article, from_state, to_state, *, by, note):
    """Save the article in its new state, record the step, mail about it."""
    article.status = (
        Article.Status.PUBLISHED if to_state == State.SCHEDULED else to_state.value
    )
    article.save()
    cache.articles_changed()
    step = ArticleTransition.objects.create(
        article=article,
        actor=by,
        from_state=from_state,
        to_state=to_state,
        note=note.strip(),
    )
    transaction.on_commit(
        partial(tasks.notify_transition.enqueue, transition_id=step.pk)
    )
    return step
