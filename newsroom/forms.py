from django_otp import match_token, user_has_device

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _code_field():
    return forms.CharField(
        label=_("Authenticator code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
            }
        ),
    )


def _clean_code(value):
    return "".join(value.split())


class StaffAuthenticationForm(AdminAuthenticationForm):
    """
    The admin login, with the code from the authenticator app for staff who
    turned on two-factor sign-in. A wrong or missing code counts as a failed
    login, so the login throttling counts it too.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_code": _(
            "Enter the current code from your authenticator app: two-factor "
            "sign-in is on for this account."
        ),
    }

    otp_token = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].required = False
        self.fields["otp_token"].help_text = _(
            "Only if you turned on two-factor sign-in."
        )

    def clean_otp_token(self):
        return _clean_code(self.cleaned_data["otp_token"])

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None or not user_has_device(user):
            return cleaned_data
        token = cleaned_data.get("otp_token")
        device = match_token(user, token) if token else None
        if device is None:
            self.user_cache = None
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise ValidationError(self.error_messages["invalid_code"], "invalid_code")
        # django-otp records the device in the session when the user logs in.
        user.otp_device = device
        return cleaned_data


class StaffPasswordResetForm(PasswordResetForm):
    """Django's password reset, for staff accounts only: readers have none."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, checked against one device."""

    error_messages = {
        "invalid_code": _(
            "This code does not match. Check the time on your phone and enter "
            "the code the app shows now."
        ),
    }

    otp_token = _code_field()

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = _clean_code(self.cleaned_data["otp_token"])
        if not self.device.verify_token(token):
            raise ValidationError(self.error_messages["invalid_code"], "invalid_code")
        return token
