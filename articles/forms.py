"""Admin forms: the article form with its workflow and version fields, image upload."""

import warnings

from PIL import Image as PILImage

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import workflow
from .models import Article, AuthorProfile, Image

State = Article.State


class ArticleAdminForm(forms.ModelForm):
    """
    The article as journalists and editors edit it.

    ``status`` offers only the states the user may move the article to (see
    workflow.allowed_states), so a forged value is a form error. ``version`` holds
    the version the form was opened on: if someone saved the article meanwhile,
    the save is refused and the typed text is shown again.
    """

    status = forms.ChoiceField(
        label=_("Status"),
        choices=State.choices,
        help_text=_(
            "Scheduled articles appear by themselves at their publish date; "
            "“Published” with an empty or past date publishes now."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent by email with a change of status. Required when sending an "
            "article back."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.get_form: the user filling in the form.
    user = None

    class Meta:
        model = Article
        # The model's status is replaced by the workflow choice above, and the
        # version is read-only: both are set by the workflow, never by the form.
        exclude = ["status", "version"]  # noqa: DJ006

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = workflow.allowed_states(self.user, self.instance)
        self.fields["status"].choices = [(s.value, s.label) for s in allowed]
        self.fields["status"].initial = allowed[0].value
        self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("version") != self.instance.version:
            raise ValidationError(
                gettext(
                    "Someone else saved this article while you were editing it "
                    "(your copy is version %(yours)s, the saved one is version "
                    "%(saved)s). Nothing was saved. Your text is still below: copy "
                    "what you need, reload the page to see their changes, and "
                    "make yours again."
                )
                % {
                    "yours": cleaned_data.get("version"),
                    "saved": self.instance.version,
                },
                code="stale",
            )
        target = cleaned_data.get("status")
        if target is None:
            return cleaned_data
        target = State(target)
        current = self.fields["status"].initial
        when = cleaned_data.get("published_at", self.instance.published_at)
        now = timezone.now()
        if target == State.PUBLISHED and when and when > now:
            # A future date makes "Published" a schedule, as the help text says.
            if State.SCHEDULED.value not in dict(self.fields["status"].choices):
                if current == State.PUBLISHED:
                    self.add_error(
                        "published_at",
                        gettext(
                            "This article is live: unpublish it before giving it "
                            "a future publish date."
                        ),
                    )
                else:
                    self.add_error(
                        "status", gettext("You may not schedule this article.")
                    )
            else:
                target = State.SCHEDULED
        if target == State.SCHEDULED and (when is None or when <= now):
            self.add_error(
                "published_at" if "published_at" in self.fields else "status",
                gettext("A scheduled article needs a publish date in the future."),
            )
        if target == State.RETURNED and target != current:
            if not cleaned_data.get("note", "").strip():
                self.add_error(
                    "note",
                    gettext("Write a note telling the author what to change."),
                )
        cleaned_data["status"] = target
        return cleaned_data

    def transition(self):
        """Return the state the article should move to, or None to keep its state."""
        target = self.cleaned_data["status"]
        if self.instance.pk is None:
            return None if target == State.DRAFT else target
        return None if target == self.fields["status"].initial else target


class LibraryImageField(forms.ImageField):
    """
    An upload checked with Pillow: JPEG, PNG or WebP only, within the size limit
    (setting IMAGES_MAX_UPLOAD_MB), fully decodable, and not a decompression bomb.
    """

    FORMATS = {"JPEG", "PNG", "WEBP"}
    default_error_messages = {
        "too_big": _(
            "The file is %(size)s MB; images may be at most %(limit)s MB. Save it "
            "smaller and upload it again."
        ),
        "not_image": _(
            "This file is not a picture Pillow can read. Upload a JPEG, PNG or WebP "
            "image."
        ),
        "format": _(
            "This is a %(format)s image; upload a JPEG, PNG or WebP image instead."
        ),
        "truncated": _(
            "The image is damaged or incomplete (it may have been cut off during "
            "the upload). Upload it again."
        ),
        "bomb": _(
            "The image has too many pixels to process safely (the limit is "
            "%(limit)s million). Reduce its size and upload it again."
        ),
    }

    def to_python(self, data):
        # Skip Django's own Pillow check: the checks below give clearer messages.
        f = forms.FileField.to_python(self, data)
        if f is None:
            return None
        limit = settings.IMAGES_MAX_UPLOAD_MB
        if f.size > limit * 1024 * 1024:
            raise ValidationError(
                self.error_messages["too_big"],
                code="too_big",
                params={"size": round(f.size / 1024 / 1024, 1), "limit": limit},
            )
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            try:
                f.seek(0)
                with PILImage.open(f) as image:
                    image_format = image.format
                    size = image.size
                    if image_format not in self.FORMATS:
                        raise ValidationError(
                            self.error_messages["format"],
                            code="format",
                            params={"format": image_format},
                        )
                    image.verify()
                f.seek(0)
                with PILImage.open(f) as image:
                    image.load()
            except ValidationError:
                raise
            except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
                raise ValidationError(
                    self.error_messages["bomb"],
                    code="bomb",
                    params={"limit": PILImage.MAX_IMAGE_PIXELS // 1_000_000},
                ) from None
            except PILImage.UnidentifiedImageError:
                raise ValidationError(
                    self.error_messages["not_image"], code="not_image"
                ) from None
            except Exception:
                raise ValidationError(
                    self.error_messages["truncated"], code="truncated"
                ) from None
        f.image = image
        f.content_type = PILImage.MIME[image_format]
        f.seek(0)
        self.image_size = size
        return f


class ImageAdminForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        field_classes = {"file": LibraryImageField}
        widgets = {"alt_text": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("caption", "credit"):
            if name in self.fields:
                self.fields[name].required = True
        if "file" in self.fields:
            self.fields["file"].widget.attrs["accept"] = (
                "image/jpeg,image/png,image/webp"
            )


class AuthorProfileForm(forms.ModelForm):
    """The photo goes through the image library's checks."""

    class Meta:
        model = AuthorProfile
        fields = ["user", "display_name", "bio", "photo"]
        field_classes = {"photo": LibraryImageField}
