import logging
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import CreateView, FormView, TemplateView

from articles.models import Article

from . import moderation, personal_data, receipts, subscriptions, tasks, verification
from .cookies import remember_author, remember_pending
from .forms import (
    AppealForm,
    AuthorEditForm,
    CommentForm,
    DataRequestForm,
    ErasureForm,
    ReportForm,
)
from .models import Comment, DataRequest, ModerationSettings, Subscription
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
        messages.success(
            self.request,
            format_html(
                '{} <a href="{}">{}</a>',
                gettext("Thank you for your comment."),
                receipts.status_url(comment),
                gettext(
                    "Keep this link to follow your comment: what becomes of it, "
                    "and why."
                ),
            ),
        )
        subscriptions.subscribe(comment, form.cleaned_data.get("subscribe", ""))
        response = redirect(comment_url(comment, self.article))
        return remember_author(remember_pending(response, self.request, comment), form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)


class ReportView(FormView):
    """A reader's report of a published comment to the moderators."""

    form_class = ReportForm
    template_name = "comments/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.comment = get_object_or_404(
            Comment.objects.reportable().select_related("article", "page"),
            pk=kwargs["comment_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        reporter = moderation.reporter_key(self.request)
        if moderation.too_many_reports(reporter):
            context = self.get_context_data(form=form, too_many=True)
            return self.render_to_response(context, status=429)
        if moderation.report(self.comment, reporter=reporter, **form.cleaned_data):
            messages.success(
                self.request,
                gettext("Thank you: the moderators will look at this comment."),
            )
        else:
            messages.info(
                self.request, gettext("You have already reported this comment.")
            )
        return redirect(self.comment.get_absolute_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            comment=self.comment,
            target=self.comment.target,
            # Comment.save() derived it from escaped text (comment_text_to_html).
            comment_html=mark_safe(self.comment.body_html),
            **kwargs,
        )


class PrivacyView(TemplateView):
    template_name = "comments/privacy.html"
    extra_context = {"akismet_privacy_url": "https://automattic.com/privacy/"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention_days=settings.COMMENTS_RETENTION_DAYS,
            data_request_form=DataRequestForm(),
            **kwargs,
        )


class DataRequestView(FormView):
    """
    A reader's request for their own data, from the privacy page: a signed link
    is mailed to the address they type (``personal_data``). The answer is the
    same whether anything is kept about the address or not.
    """

    form_class = DataRequestForm
    template_name = "comments/data_request.html"

    def form_valid(self, form):
        reader = moderation.reporter_key(self.request)
        if moderation.too_many(
            "data-requests", reader, personal_data.REQUESTS_PER_HOUR
        ):
            logger.info("Personal data request refused: too many from one reader")
            context = self.get_context_data(form=form, too_many=True)
            return private(self.render_to_response(context, status=429))
        email = form.cleaned_data["email"]
        if personal_data.may_send_link(email):
            language = translation.get_language()
            transaction.on_commit(
                partial(tasks.mail_data_link.enqueue, email=email, language=language)
            )
        context = self.get_context_data(sent=True, hours=LINK_HOURS)
        return private(self.render_to_response(context))

    def form_invalid(self, form):
        return private(
            self.render_to_response(self.get_context_data(form=form), status=400)
        )


LINK_HOURS = int(personal_data.LINK_AGE.total_seconds() // 3600)


class MyDataView(TemplateView):
    """
    The page of the link mailed to a reader who asked for their data: download
    it as JSON, or have it erased (a POST, after ticking a confirmation).
    """

    template_name = "comments/my_data.html"

    def dispatch(self, request, *args, **kwargs):
        self.email = personal_data.read_token(kwargs["token"])
        if self.email is None:
            logger.info("Personal data link refused: tampered with or expired")
            return private(bad_link(request, status=400, data=True))
        return private(super().dispatch(request, *args, **kwargs))

    def get(self, request, *args, **kwargs):
        if "download" in request.GET:
            return personal_data.download(self.email)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = {
            "kept": personal_data.summary(self.email),
            "erasure_form": ErasureForm(),
        }
        return super().get_context_data(**context | kwargs)

    def post(self, request, *args, **kwargs):
        form = ErasureForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(erasure_form=form)
            return self.render_to_response(context, status=400)
        erased = personal_data.erase(
            self.email, remove_text=form.cleaned_data["remove_text"]
        )
        personal_data.record(self.email, DataRequest.Action.ERASE)
        return self.render_to_response(
            self.get_context_data(erased=True, erased_count=erased)
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


def private(response):
    """A page for one reader: no cache may keep it, no search engine index it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class CommentStatusView(TemplateView):
    """
    The private status page of a comment, reached by the signed link its author
    got after posting (``receipts``): what became of it and why, and what the
    author may still do — ask for a review, confirm their address, be mailed
    the verdict, edit or delete it.
    """

    template_name = "comments/status.html"
    actions = ("appeal", "confirm", "notify", "edit", "delete")

    def dispatch(self, request, *args, **kwargs):
        pk = receipts.comment_id(kwargs["token"])
        if pk is None:
            logger.info("Comment status link tampered with")
            return private(bad_link(request, status=400))
        self.comment = (
            Comment.objects.select_related("article", "page").filter(pk=pk).first()
        )
        if self.comment is None:
            return private(bad_link(request, status=404, gone=True))
        return private(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        comment = self.comment
        browser_verified = verification.is_verified(self.request, comment.author_email)
        context = {
            "comment": comment,
            "state": receipts.describe(comment),
            "target": comment.target,
            "editable": receipts.editable(comment),
            "may_appeal": receipts.may_appeal(comment),
            "may_confirm": bool(comment.author_email) and not browser_verified,
            "may_notify": comment.verified
            and comment.status == Comment.Status.PENDING
            and not comment.notify_verdict,
            "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
            "appeal_form": AppealForm(),
            "edit_form": AuthorEditForm(initial={"body": comment.body}),
        }
        return super().get_context_data(**context | kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.actions:
            return self._refused(gettext("Unknown request."))
        return getattr(self, f"_{action}")()

    def _again(self, message):
        messages.success(self.request, message)
        return redirect(receipts.status_url(self.comment))

    def _refused(self, message, **forms):
        messages.error(self.request, message)
        response = self.render_to_response(self.get_context_data(**forms))
        response.status_code = 400
        return response

    def _appeal(self):
        form = AppealForm(self.request.POST)
        if not receipts.may_appeal(self.comment):
            return self._refused(gettext("A review can no longer be asked for."))
        if not form.is_valid():
            return self._refused(gettext("Please see below."), appeal_form=form)
        moderation.appeal(self.comment, form.cleaned_data["message"])
        return self._again(
            gettext("Thank you: a moderator will look at your comment again.")
        )

    def _confirm(self):
        comment = self.comment
        if not comment.author_email:
            return self._refused(gettext("This comment has no email address."))
        if verification.may_mail(comment.author_email):
            language = translation.get_language()
            tasks.mail_confirmation.enqueue(comment_id=comment.pk, language=language)
            logger.info(
                "Confirmation mail queued for %s",
                verification.email_key(comment.author_email),
            )
        else:
            logger.info(
                "Confirmation mail not sent (one went within the hour) for %s",
                verification.email_key(comment.author_email),
            )
        return self._again(
            gettext(
                "We have mailed you a link to confirm your address, unless we did "
                "so within the last hour. Open it in this browser."
            )
        )

    def _notify(self):
        if not moderation.ask_verdict_mail(self.comment):
            return self._refused(gettext("This comment has been decided already."))
        return self._again(gettext("We will mail you when your comment is decided."))

    def _edit(self):
        form = AuthorEditForm(self.request.POST)
        if not receipts.editable(self.comment):
            return self._refused(
                gettext("This comment can no longer be edited."), edit_form=form
            )
        if not form.is_valid():
            return self._refused(gettext("Please see below."), edit_form=form)
        moderation.author_edit(self.comment, form.cleaned_data["body"])
        return self._again(gettext("Your comment is changed."))

    def _delete(self):
        target = self.comment.target
        moderation.author_delete(self.comment)
        messages.success(self.request, gettext("Your comment is deleted."))
        return redirect(target.get_absolute_url())


class ConfirmEmailView(TemplateView):
    """
    The page of the link mailed to confirm an address. Confirming takes a press
    of its button (a POST), so that a mail scanner fetching the link confirms
    nothing; the link works once.
    """

    template_name = "comments/confirm_email.html"

    def dispatch(self, request, *args, **kwargs):
        self.email, self.issued = verification.read_link(kwargs["token"])
        if self.email is None:
            return private(bad_link(request, status=400, expired=True))
        return private(super().dispatch(request, *args, **kwargs))

    def post(self, request, *args, **kwargs):
        if not verification.confirm(self.email, issued=self.issued):
            messages.error(
                request,
                gettext(
                    "This link has been used already. Ask for a new one from your "
                    "comment's status page."
                ),
            )
            response = self.render_to_response(self.get_context_data(used=True))
            response.status_code = 400
            return response
        response = self.render_to_response(self.get_context_data(confirmed=True))
        return verification.remember(response, request, self.email)


def bad_link(request, *, status, gone=False, expired=False, data=False):
    return render(
        request,
        "comments/bad_link.html",
        {"gone": gone, "expired": expired, "data": data},
        status=status,
    )
