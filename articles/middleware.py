from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers


class BrowserLanguageMiddleware:
    """
    Send a visitor to the version of the page in the language they prefer.

    Italian pages have no prefix, so LocaleMiddleware always serves them in
    Italian. A visitor whose language cookie (set by the switcher) or, with no
    cookie, whose browser's Accept-Language prefers another language is
    redirected to that language's prefixed address, e.g. / to /en/. Choosing
    Italian with the switcher sets the cookie to Italian and stops the redirect.
    Goes after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or translation.get_language_from_path(
            request.path_info
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
