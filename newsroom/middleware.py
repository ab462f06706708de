import re

from django_otp import user_has_device

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext

# The addresses where a reader arrives: only these follow the browser's language.
ENTRY_PATHS = {"/"}


class BrowserLanguageMiddleware:
    """
    Send a visitor arriving at the home page to the language they prefer.

    Italian pages have no prefix, so LocaleMiddleware always serves them in
    Italian. A visitor whose language cookie (set by the switcher) or, with no
    cookie, whose browser's Accept-Language prefers another language is
    redirected from the home page to that language's, / to /en/. Choosing
    Italian with the switcher sets the cookie to Italian and stops the redirect.

    Only the entry page (ENTRY_PATHS) redirects: every other address answers the
    same to everyone, so shared caches can keep one copy of it (no Vary on
    Accept-Language or Cookie). Links on an English page keep the /en/ prefix,
    and the switcher moves between the versions of any page.
    Goes after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info not in ENTRY_PATHS
        ):
            return self.get_response(request)
        preferred = translation.get_language_from_request(request, check_path=False)
        target = preferred
        if preferred == settings.LANGUAGE_CODE:
            target = next(c for c, _ in settings.LANGUAGES if c != preferred)
        target_url = translate_url(request.path, target)
        if target_url == request.path:
            # Not a translated page (admin, robots.txt, sitemap, a 404).
            return self.get_response(request)
        if preferred != settings.LANGUAGE_CODE:
            if request.META.get("QUERY_STRING"):
                target_url = f"{target_url}?{request.META['QUERY_STRING']}"
            response = HttpResponseRedirect(target_url)
        else:
            response = self.get_response(request)
        # The same address answers differently by browser language and cookie.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class AdminLanguageMiddleware:
    """
    Show the admin in the language of the person using it.

    With prefix_default_language=False, LocaleMiddleware gives every address
    without a language prefix the default language, Italian, and the admin has
    no prefix: a journalist who reads English could never get an English admin.
    Under the admin's address the language follows the language cookie (set by
    the site's switcher), then the browser's Accept-Language, then LANGUAGE_CODE.

    Only the admin: robots.txt and the sitemap hold the reader's site addresses,
    which must not change with who asks. Goes after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            admin_prefix = reverse("admin:index")
        except NoReverseMatch:
            return self.get_response(request)
        if not request.path_info.startswith(admin_prefix):
            return self.get_response(request)
        translation.activate(
            translation.get_language_from_request(request, check_path=False)
        )
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


# C0 control characters but tab, line feed and carriage return, and DEL: no
# address or query of the site has them, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharactersMiddleware:
    """
    Answer 400, with a message, to an address or a query string that carries a
    control character, before any view reads it. Forms need no such guard:
    Django's form fields refuse NUL themselves. Goes after LocaleMiddleware, so
    the message is in the page's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info) or any(
            CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest(
                gettext(
                    "This address contains a control character, which no page of "
                    "the site uses. Check the link and try again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """
    Add the headers Django's SecurityMiddleware does not send: a
    Permissions-Policy that turns off every browser feature the site never
    uses (PERMISSIONS_POLICY_DENIED), and the Reporting-Endpoints that the
    Content-Security-Policy's ``report-to`` names.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        if settings.CSP_REPORT_PATH:
            response.headers.setdefault(
                "Reporting-Endpoints", f'csp="{settings.CSP_REPORT_PATH}"'
            )
        return response


class StaffTwoFactorMiddleware:
    """
    With ADMIN_REQUIRE_2FA, keep staff who have not signed in with their
    authenticator app out of the admin and every other staff page.

    In the admin, a staff member without a device is sent to the page that sets
    one up (and may only use that page and log out); one with a device whose
    session was opened without the code is logged out and asked to sign in
    again with it. Outside the admin (the preview of an article) they count as
    anonymous. Goes after django-otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.ADMIN_REQUIRE_2FA or not _is_unverified_staff(request.user):
            return self.get_response(request)
        try:
            admin_prefix = reverse("admin:index")
            allowed = {reverse("two-factor"), reverse("admin:logout")}
        except NoReverseMatch:
            return self.get_response(request)
        path = request.path_info
        if path in allowed:
            return self.get_response(request)
        if not path.startswith(admin_prefix):
            request.user = AnonymousUser()
            return self.get_response(request)
        if not user_has_device(request.user):
            return HttpResponseRedirect(reverse("two-factor"))
        logout(request)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('admin:login')}?{query}")


def _is_unverified_staff(user):
    return user.is_authenticated and user.is_staff and not user.is_verified()
