import logging
import math
import time
from functools import partial

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.middleware import CONTROL_CHARACTERS

from . import subscriptions
from .bans import network
from .models import Ban, Comment, ReaderReport, normalized_email

logger = logging.getLogger(__name__)

no_control_characters = RegexValidator(
    CONTROL_CHARACTERS,
    _("Please remove the control characters from this field."),
    code="control_characters",
    inverse_match=True,
)

ISSUED_SALT = "comments.form.issued"
# A form shown longer ago than this is stale: the reader gets a fresh one.
ISSUED_MAX_AGE = 60 * 60 * 24 * 2


def issue_token(article_id):
    """A signed note of when the form for an article was shown."""
    # Rounded down: a time rounded up could lie in the future and make a form
    # posted at once look faster than any minimum, even a minimum of 0.
    return signing.dumps(
        {"a": article_id, "t": math.floor(time.time() * 10) / 10}, salt=ISSUED_SALT
    )


def checked_length(body):
    """The comment's text, if it is within COMMENTS_MAX_LENGTH."""
    limit = settings.COMMENTS_MAX_LENGTH
    if len(body) > limit:
        raise forms.ValidationError(
            ngettext(
                "Your comment is %(length)s characters long; please shorten it "
                "to %(limit)s character.",
                "Your comment is %(length)s characters long; please shorten it "
                "to %(limit)s characters.",
                limit,
            )
            % {"length": len(body), "limit": limit},
            code="max_length",
        )
    return body


class CommentForm(forms.ModelForm):
    """
    A reader's comment. Checks its fields only; whether the comment may be posted
    at all (closed, flood, duplicate) is for ``moderation.refusal``.
    """

    remember = forms.BooleanField(
        label=_("Remember my name, email and website on this browser"),
        required=False,
    )
    subscribe = forms.ChoiceField(
        label=_("Email me"),
        choices=[
            ("", _("nothing")),
            (subscriptions.REPLIES, _("replies to my comment")),
            (subscriptions.ARTICLE, _("every new comment on this article")),
        ],
        required=False,
        help_text=_(
            "Mail goes only to a confirmed address, at most once an hour, and "
            "each one has a link to stop it."
        ),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people (and from screen readers); bots fill it in.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body"]
        labels = {
            "author_name": _("Name"),
            "author_email": _("Email"),
            "author_url": _("Website"),
            "body": _("Comment"),
        }
        help_texts = {
            "author_email": _("Never published."),
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "author_url": forms.URLInput(attrs={"autocomplete": "url"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "author_name": {"required": _("Please enter your name.")},
            "author_email": {
                "required": _("Please enter your email address."),
                "invalid": _("Enter a valid email address, such as name@example.com."),
            },
            "author_url": {
                "invalid": _("Enter a valid web address, such as https://example.com.")
            },
            "body": {"required": _("Please write your comment.")},
        }

    def __init__(self, *args, article, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.user = user if user is not None and user.is_authenticated else None
        self.fields["author_url"].assume_scheme = "https"
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(no_control_characters)
        self.fields["body"].strip = True
        if self.user:
            # Logged-in readers comment under their account.
            for name in ("author_name", "author_email", "author_url", "remember"):
                del self.fields[name]
        # Signed when the form is rendered (a callable initial), and only then:
        # a page that puts its own value in (comment_section) signs no other.
        self.fields["issued"].initial = partial(issue_token, article.pk)
        self.helper = self._helper()

    def _helper(self):
        helper = FormHelper(self)
        helper.form_tag = False  # the template writes <form>, with its action
        shown = [
            name
            for name in (
                "author_name",
                "author_email",
                "author_url",
                "body",
                "subscribe",
                "remember",
            )
            if name in self.fields
        ]
        helper.layout = Layout(
            "parent",
            "issued",
            *shown,
            # Off-screen rather than display:none, which some bots detect.
            Div(
                "homepage",
                css_class="comment-form__trap",
                aria_hidden="true",
            ),
            Submit("post", _("Post comment")),
        )
        return helper

    def full_clean(self):
        super().full_clean()
        if self.errors:
            # The form is shown again: its minimum-time clock starts again too.
            self.data = self.data.copy()
            self.data[self.add_prefix("issued")] = issue_token(self.article.pk)

    def clean_body(self):
        return checked_length(self.cleaned_data["body"])

    def clean(self):
        # Hidden fields: their errors go at the top of the form, where people see them.
        cleaned = super().clean()
        if self._errors.pop("parent", None):
            self.add_error(None, _("The comment you are replying to is not available."))
        if cleaned.get("homepage"):
            logger.info("Comment refused on article %s: honeypot", self.article.pk)
            self.add_error(
                None,
                _(
                    "Your comment looks automated and was not sent. If you are a "
                    "person, please leave the last field empty."
                ),
            )
        problem = self._token_problem(self.data.get(self.add_prefix("issued"), ""))
        if problem:
            self.add_error(None, problem)
        return cleaned

    def _token_problem(self, value):
        stale = _("This form is too old. Please check your comment and send it again.")
        try:
            token = signing.loads(value, salt=ISSUED_SALT, max_age=ISSUED_MAX_AGE)
        except signing.BadSignature:
            logger.info("Comment refused on article %s: bad token", self.article.pk)
            return stale
        if not isinstance(token, dict) or token.get("a") != self.article.pk:
            return stale
        if time.time() - token.get("t", 0) < settings.COMMENTS_MIN_FORM_SECONDS:
            logger.info("Comment refused on article %s: sent too fast", self.article.pk)
            return _(
                "Your comment was sent very quickly after the page opened. "
                "Please check it and send it again."
            )
        return ""

    def _post_clean(self):
        if self.user:
            self.instance.user = self.user
            self.instance.author_name = (
                self.user.get_full_name() or self.user.get_username()
            )
            self.instance.author_email = self.user.email
        self.instance.article = self.article
        self.instance.parent_id = self.cleaned_data.get("parent") or None
        super()._post_clean()


class BanForm(forms.ModelForm):
    """A ban as moderators write it: the value is checked against its kind."""

    class Meta:
        model = Ban
        fields = ["kind", "value", "reason", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value", "")
        if kind == Ban.Kind.EMAIL:
            try:
                forms.EmailField().clean(value)
            except forms.ValidationError:
                self.add_error("value", _("Enter a whole email address."))
            else:
                cleaned["value"] = normalized_email(value)
        elif kind == Ban.Kind.NETWORK:
            net = network(value)
            if net is None:
                self.add_error(
                    "value",
                    _("Enter an IP address or a network such as 203.0.113.0/24."),
                )
            else:
                cleaned["value"] = str(net)
        return cleaned


class CommenterBanForm(forms.Form):
    """Ban the author of a comment, from their record."""

    SCOPES = [
        ("email", _("their email address")),
        ("ip", _("their IP address")),
        ("network", _("their network (/24 or /48)")),
    ]
    DURATIONS = [
        ("1", _("for a day")),
        ("7", _("for a week")),
        ("30", _("for 30 days")),
        ("", _("for good")),
    ]
    scope = forms.ChoiceField(label=_("Ban"), choices=SCOPES)
    duration = forms.ChoiceField(label=_("How long"), choices=DURATIONS, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CommenterNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    """The author's request that a moderator look again at their comment."""

    message = forms.CharField(
        label=_("Why should it be published?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
        help_text=_("You can ask once. A moderator reads your message."),
    )


class AuthorEditForm(forms.Form):
    """Its author's new text for a comment."""

    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[no_control_characters],
    )

    def clean_body(self):
        return checked_length(self.cleaned_data["body"])


class ReportForm(forms.Form):
    """A reader's report of a published comment: a reason, and a note if they like."""

    reason = forms.ChoiceField(
        label=_("Why should the moderators look at this comment?"),
        choices=ReaderReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a reason."),
            "invalid_choice": _("Please choose one of the reasons in the list."),
        },
    )
    note = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False  # the template writes <form>, with its action
        self.helper.layout = Layout("reason", "note", Submit("report", _("Report")))


class StaffReplyForm(forms.Form):
    """A reply from the moderation queue, published at once under the staff's name."""

    body = forms.CharField(
        label=_("Your reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "autofocus": True}),
    )
    approve_parent = forms.BooleanField(
        label=_("Also approve the comment replied to"),
        required=False,
        initial=True,
        help_text=_("A reply to a comment that is not published stands on its own."),
    )


class DataRequestForm(forms.Form):
    """A reader's request for their own data: the address it is kept under."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "The one you comment with. We mail a link to it: from there you can "
            "download your data or have it erased."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False  # the template writes <form>, with its action
        self.helper.layout = Layout("email", Submit("ask", _("Mail me the link")))


class ErasureForm(forms.Form):
    """The confirmation that a reader, or a moderator for them, wants it erased."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )
    remove_text = forms.BooleanField(
        label=_("Also remove the text of the comments"),
        required=False,
        help_text=_(
            "Otherwise the comments stay in their threads, signed “Anonymous”."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "remove_text", "confirm", Submit("erase", _("Erase my data"))
        )
