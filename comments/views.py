import json

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.generic import CreateView, TemplateView

from articles.models import Article

from . import moderation
from .forms import CommentForm

# The reader's own pending comments, shown only to their browser. A signed
# cookie rather than the session: posting and reading then cost no session query,
# and a cached article page can still show them (the cookie varies the page).
PENDING_COOKIE = "comments_pending"
PENDING_COOKIE_SALT = "comments.pending"
PENDING_COOKIE_AGE = 60 * 60 * 24 * 14
# After posting, the article opens at the page of the thread holding the comment.
FOCUS_PARAMETER = "comment"
# The "remember me" cookie: name, email and website, signed.
AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "comments.author"
AUTHOR_COOKIE_AGE = 60 * 60 * 24 * 365


class CommentPostView(CreateView):
    """Receive a reader's comment; the spam check runs afterwards, as a task."""

    form_class = CommentForm
    template_name = "comments/comment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(
            Article.objects.published(), pk=kwargs["article_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.article.get_absolute_url() + "#respond")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return kwargs | {"article": self.article, "user": self.request.user}

    def form_valid(self, form):
        if refused := moderation.refusal(form.instance, request=self.request):
            form.add_error(None, refused)
            return self.form_invalid(form)
        comment = moderation.receive(form.instance, request=self.request)
        messages.success(self.request, gettext("Thank you for your comment."))
        response = redirect(comment_url(comment, self.article))
        return remember_author(remember_pending(response, self.request, comment), form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)


class PrivacyView(TemplateView):
    template_name = "comments/privacy.html"
    extra_context = {"akismet_privacy_url": "https://automattic.com/privacy/"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention_days=settings.COMMENTS_RETENTION_DAYS, **kwargs
        )


def comment_url(comment, article):
    return (
        f"{article.get_absolute_url()}?{FOCUS_PARAMETER}={comment.pk}"
        f"#comment-{comment.pk}"
    )


def remember_pending(response, request, comment):
    """Let this browser, and only this one, see its comment while it is pending."""
    pending = [*pending_ids(request)[-19:], comment.pk]
    response.set_signed_cookie(
        PENDING_COOKIE,
        json.dumps(pending),
        salt=PENDING_COOKIE_SALT,
        max_age=PENDING_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def pending_ids(request):
    """The ids of the comments this browser posted that may still be pending."""
    raw = request.get_signed_cookie(
        PENDING_COOKIE,
        default=None,
        salt=PENDING_COOKIE_SALT,
        max_age=PENDING_COOKIE_AGE,
    )
    try:
        ids = json.loads(raw) if raw else []
    except ValueError:
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int)][-20:]


def remember_author(response, form):
    """Keep name, email and website in a cookie only when the reader asked for it."""
    if "remember" not in form.cleaned_data:  # logged in: nothing to remember
        return response
    if form.cleaned_data["remember"]:
        data = {
            "name": form.cleaned_data["author_name"],
            "email": form.cleaned_data["author_email"],
            "url": form.cleaned_data["author_url"],
        }
        response.set_signed_cookie(
            AUTHOR_COOKIE,
            json.dumps(data),
            salt=AUTHOR_COOKIE_SALT,
            max_age=AUTHOR_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
    return response


def remembered_author(request):
    """The name, email and website kept by "remember me", or {}."""
    raw = request.get_signed_cookie(
        AUTHOR_COOKIE, default=None, salt=AUTHOR_COOKIE_SALT, max_age=AUTHOR_COOKIE_AGE
    )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
