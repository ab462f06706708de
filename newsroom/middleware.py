import re

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
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
