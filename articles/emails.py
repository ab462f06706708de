"""
Mail about the editorial workflow: who hears of a step, and what they read.

Sent by ``tasks.notify_transition`` after the step's transaction commits, in the
newsroom's language whoever took the step.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Article

State = Article.State


EMAIL_SUBJECTS = {
    State.REVIEW: _("Submitted for review: %(title)s"),
    State.RETURNED: _("Sent back to you: %(title)s"),
    State.PUBLISHED: _("Published: %(title)s"),
    State.SCHEDULED: _("Scheduled: %(title)s"),
}


def recipients(step):
    """Return the addresses to tell about a step: editors or the article's author."""
    if step.to_state == State.REVIEW:
        users = get_user_model().objects.with_perm(
            "articles.review_article",
            include_superusers=False,
            # The backend that grants permissions (axes' only refuses logins).
            backend="django.contrib.auth.backends.ModelBackend",
        )
        addresses = users.filter(is_active=True).values_list("email", flat=True)
        return sorted({a for a in addresses if a})
    if step.to_state in (State.RETURNED, State.PUBLISHED, State.SCHEDULED):
        author = step.article.author
        if author.is_active and author.email and author != step.actor:
            return [author.email]
    return []


def email(step):
    """Mail the people a workflow step concerns; return how many were mailed."""
    to = recipients(step)
    if not to:
        return 0
    article = step.article
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": article.title,
            "actor": step.actor.get_full_name() or step.actor.get_username()
            if step.actor
            else gettext("someone"),
            "when": date_format(
                timezone.localtime(article.published_at), "DATETIME_FORMAT"
            )
            if article.published_at
            else "",
            "url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
        }
        lines = [
            {
                State.REVIEW: gettext("%(actor)s submitted “%(title)s” for review."),
                State.RETURNED: gettext("%(actor)s sent “%(title)s” back to you."),
                State.PUBLISHED: gettext("%(actor)s published “%(title)s”."),
                State.SCHEDULED: gettext(
                    "%(actor)s scheduled “%(title)s” for %(when)s."
                ),
            }[step.to_state]
            % context
        ]
        if step.note:
            lines += ["", gettext("Note:"), step.note]
        lines += ["", gettext("Open it in the admin: %(url)s") % context]
        subject = EMAIL_SUBJECTS[step.to_state] % context
        return send_mail(
            subject,
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            to,
        )
