import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import CreateView, TemplateView

from articles.models import Article

from . import moderation, subscriptions
from .cookies import remember_author, remember_pending
from .forms import CommentForm
from .models import ModerationSettings, Subscription
from .thread import FOCUS_PARAMETER

logger = logging.getLogger(__name__)


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
        # The rules, read once for the refusals and for receiving the comment.
        rules = ModerationSettings.load()
        refused = moderation.refusal(form.instance, request=self.request, rules=rules)
        if refused:
            form.add_error(None, refused)
            return self.form_invalid(form)
        comment = moderation.receive(form.instance, request=self.request, rules=rules)
        subscriptions.subscribe(comment, form.cleaned_data.get("subscribe", ""))
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


# No CSRF check: the signed token in the address is the authorization, and mail
# programs post the one-click unsubscribe (RFC 8058: a body of
# "List-Unsubscribe=One-Click") with no cookie and no Origin. A forged post can
# only do what the token's holder may do anyway: stop that reader's mail.
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(cache_control(private=True, no_store=True), name="dispatch")
class UnsubscribeView(View):
    """
    Stop a subscription's mail, from the link in it, without signing in: GET
    asks, POST (the page's button, or a mail program's one-click) does it.
    """

    template_name = "comments/unsubscribe.html"

    def dispatch(self, request, *args, token, **kwargs):
        try:
            pk = subscriptions.subscription_id(token)
        except signing.BadSignature:
            logger.info("Unsubscribe refused: bad token")
            return self.respond(request, "invalid", status=400)
        self.subscription = (
            Subscription.objects.select_related("article", "comment")
            .filter(pk=pk)
            .first()
        )
        if self.subscription is None:
            return self.respond(request, "gone")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.respond(request, "ask")

    def post(self, request, *args, **kwargs):
        subscriptions.unsubscribe(self.subscription)
        return self.respond(request, "done")

    def respond(self, request, state, *, status=200):
        context = {"state": state, "subscription": getattr(self, "subscription", None)}
        return render(request, self.template_name, context, status=status)


def comment_url(comment, article):
    return (
        f"{article.get_absolute_url()}?{FOCUS_PARAMETER}={comment.pk}"
        f"#comment-{comment.pk}"
    )
