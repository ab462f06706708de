from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles.cache import reader_page
from articles.sitemaps import sitemaps
from articles.views import RobotsView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path(
        "sitemap.xml",
        reader_page(sitemap, params=["p"]),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    # Static pages (About, Contact, imported WordPress pages) at their own
    # addresses, after every other page; never an address of another language,
    # which translate_url() would otherwise take for a page.
    re_path(
        r"^(?!(?:{})/)(?P<url>.*/)$".format(
            "|".join(code for code, _name in settings.LANGUAGES)
        ),
        flatpages.flatpage,
        name="flatpage",
    ),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
