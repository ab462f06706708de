"""
Site-wide pages outside the reader's site: the health check for load balancers,
the endpoint browsers send Content-Security-Policy violations to, the page of a
form refused by the CSRF check, and the staff pages around the admin login
(lockout, two-factor sign-in, password reset).
"""

import json
import logging
import secrets
from base64 import b32encode
from urllib.parse import urlsplit

import segno
from axes.utils import reset as reset_login_failures
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Min
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView

from comments.models import Comment

from .forms import StaffPasswordResetForm, TwoFactorCodeForm

logger = logging.getLogger(__name__)
csp_logger = logging.getLogger("newsroom.csp")

# Refused forms -----------------------------------------------------------------


# The fields of the site's forms that hold what a reader wrote at length.
TYPED_FIELDS = ("body", "note", "message")


def csrf_failure(request, reason=""):
    """
    A form refused by the CSRF check (CSRF_FAILURE_VIEW): a 403 that says why in
    the reader's words and gives their comment back, so nothing they typed is
    lost: a comment's text, a report's note, a request for review's message.
    Django logs the reason (django.security.csrf), without address or text.
    """
    text = ""
    if request.method == "POST":
        text = next(
            (request.POST[name] for name in TYPED_FIELDS if request.POST.get(name)), ""
        )
    context = {"text": text}
    return render(request, "403_csrf.html", context, status=403)


# Health ----------------------------------------------------------------------


@never_cache
@require_safe
def healthz(request):
    """
    The site's health for a load balancer or a monitor, as JSON.

    503 when the database does not answer (nothing works without it); 200
    otherwise, with ``"status": "degraded"`` when the cache (Redis) is down, as
    pages are then served uncached. Also the queued background tasks and the age
    of the oldest comment waiting for its spam check. Holds no secret: no
    address, key or error text, only states and numbers.
    """
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    body = {
        "status": "ok",
        "database": "ok" if checks["database"] else "down",
        "cache": "ok" if checks["cache"] else "down",
    }
    if checks["database"]:
        body |= _backlog()
    if not checks["database"]:
        body["status"] = "down"
    elif not checks["cache"]:
        body["status"] = "degraded"
    return JsonResponse(body, status=200 if checks["database"] else 503)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer.")
        return False
    return True


def _cache_ok():
    # A key of this request's own: app servers checking at once never see each
    # other's value.
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=30)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        return answered
    except Exception:  # each cache backend raises its own errors (redis-py's)
        logger.warning("Health check: the cache does not answer.")
        return False


def _backlog():
    """Queued tasks (with the database queue) and the oldest unchecked comment."""
    body = {}
    try:
        if settings.TASKS_BACKEND == "database":
            body["tasks_queued"] = DBTaskResult.objects.ready().count()
        oldest = Comment.objects.awaiting_check().aggregate(oldest=Min("created_at"))
        age = None
        if oldest["oldest"] is not None:
            age = max(0, int((timezone.now() - oldest["oldest"]).total_seconds()))
        body["unchecked_comments_oldest_seconds"] = age
    except DatabaseError:
        logger.warning("Health check: the backlog could not be read.")
    return body


# Content-Security-Policy reports -------------------------------------------------

# A report is a few hundred bytes; a browser batching reports sends a few KB.
CSP_REPORT_MAX_BYTES = 64 * 1024
# Fields of a report worth logging; no address, cookie or user agent is in them.
CSP_REPORT_FIELDS = {
    "effective-directive": "effectiveDirective",
    "violated-directive": "effectiveDirective",
    "blocked-uri": "blockedURL",
    "document-uri": "documentURL",
    "disposition": "disposition",
    "source-file": "sourceFile",
    "line-number": "lineNumber",
}


@csrf_exempt
@never_cache
@require_POST
def csp_report(request):
    """
    Log the Content-Security-Policy violations a browser reports.

    Takes both forms: report-uri's ``{"csp-report": {...}}`` and the Reporting
    API's list of ``{"type": "csp-violation", "body": {...}}``. Answers 204 to
    any well-formed report, 400 to anything else and 413 past
    CSP_REPORT_MAX_BYTES; never an error. Addresses are logged without their
    query string, which may hold personal data.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return HttpResponse(status=400)
    reports = _csp_reports(data)
    if not reports:
        return HttpResponse(status=400)
    for report in reports[:20]:
        csp_logger.warning(
            "Content-Security-Policy violation: %s",
            " ".join(f"{name}={value}" for name, value in report.items()),
        )
    return HttpResponse(status=204)


def _csp_reports(data):
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        bodies = [data["csp-report"]]
    elif isinstance(data, list):
        bodies = [
            item["body"]
            for item in data
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        return []
    reports = []
    for body in bodies:
        report = {}
        for legacy, name in CSP_REPORT_FIELDS.items():
            value = body.get(legacy, body.get(name))
            if isinstance(value, str | int) and not isinstance(value, bool):
                report.setdefault(name, _loggable(str(value)))
        if report:
            reports.append(report)
    return reports


def _loggable(value):
    """An address without its query and fragment, printable, and short."""
    if "://" in value:
        parts = urlsplit(value)
        value = f"{parts.scheme}://{parts.netloc}{parts.path}"
    value = "".join(c if c.isprintable() and not c.isspace() else "?" for c in value)
    return value[:200]


# Staff sign-in -------------------------------------------------------------------


def login_locked(request, response, credentials):
    """The page shown instead of the admin login while axes locks it (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = admin.site.each_context(request) | {
        "title": gettext("Sign-in locked"),
        "minutes": minutes,
    }
    return render(request, "newsroom/login_locked.html", context, status=429)


class StaffPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, linked from the admin login, for staff."""

    form_class = StaffPasswordResetForm

    @property
    def extra_email_context(self):
        # The site's name in the mail, where Django would put the host name.
        return {"site_name": settings.SITE_NAME}

    def get_context_data(self, **kwargs):
        return admin.site.each_context(self.request) | super().get_context_data(
            **kwargs
        )


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password also lifts the login lock on that account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response

    def get_context_data(self, **kwargs):
        return admin.site.each_context(self.request) | super().get_context_data(
            **kwargs
        )


@method_decorator([never_cache, staff_member_required], name="dispatch")
class TwoFactorView(FormView):
    """
    Two-factor sign-in for a staff member: turn it on by scanning a QR code
    with an authenticator app and entering the code it shows; turn it off with
    a current code (not while ADMIN_REQUIRE_2FA makes it mandatory).
    """

    template_name = "newsroom/two_factor.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.enabled = user_has_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_device(self):
        user = self.request.user
        if self.enabled:
            return TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=gettext("Authenticator app"), confirmed=False
            )
        return device

    def get_form_kwargs(self):
        self.device = self.get_device()
        return super().get_form_kwargs() | {"device": self.device}

    def get_context_data(self, **kwargs):
        context = admin.site.each_context(self.request) | super().get_context_data(
            **kwargs
        )
        context |= {
            "title": gettext("Two-factor sign-in"),
            "enabled": self.enabled,
            "required": settings.ADMIN_REQUIRE_2FA,
        }
        if not self.enabled:
            context["qr_code"] = mark_safe(  # segno writes the SVG, from our URL
                segno.make(self.device.config_url, error="m").svg_inline(
                    scale=4, light="#fff", title=gettext("QR code for the app")
                )
            )
            context["secret"] = _grouped(self.device.bin_key)
        return context

    def form_valid(self, form):
        if self.enabled:
            if settings.ADMIN_REQUIRE_2FA:
                messages.error(
                    self.request,
                    gettext("Two-factor sign-in is required for staff here."),
                )
                return redirect("two-factor")
            TOTPDevice.objects.filter(user=self.request.user).delete()
            messages.success(self.request, gettext("Two-factor sign-in is off."))
            return redirect("admin:index")
        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=self.request.user, confirmed=False).delete()
        otp_login(self.request, self.device)
        messages.success(
            self.request,
            gettext(
                "Two-factor sign-in is on: from now on, sign in with your password "
                "and the code from the app."
            ),
        )
        return redirect("admin:index")


def _grouped(key):
    """The secret in base32, in groups of four, for typing it into an app."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
