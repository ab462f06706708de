from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.generic import CreateView, FormView, TemplateView

from articles.models import Article

from . import moderation
from .cookies import remember_author, remember_pending
from .forms import CommentForm, ReportForm
from .models import Comment, ModerationSettings
from .thread import FOCUS_PARAMETER


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
        messages.success(self.request, gettext("Thank you for your comment."))
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
            retention_days=settings.COMMENTS_RETENTION_DAYS, **kwargs
        )


def comment_url(comment, article):
    return (
        f"{article.get_absolute_url()}?{FOCUS_PARAMETER}={comment.pk}"
        f"#comment-{comment.pk}"
    )
