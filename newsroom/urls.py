from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.flatpages import views as flatpages
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.i18n import set_language

from articles.cache import reader_page
from articles.sitemaps import sitemaps
from articles.views import NewsSitemapView, RobotsView, SitemapIndexView

from . import views
from .csrf import origin_checked
from .forms import StaffAuthenticationForm

# The admin login asks for the authenticator code of staff who turned on
# two-factor sign-in, and links to the password reset below.
admin.site.login_form = StaffAuthenticationForm

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp-report"),
    # Staff pages around the admin login, under its address so that they speak
    # the admin's language. Before the admin, whose catch-all would take them.
    path("admin/two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path(
        "admin/password-reset/",
        views.StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        views.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # The language switcher posts from every reader's page (newsroom/csrf.py).
    path("i18n/setlang/", origin_checked(set_language), name="set_language"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path(
        "sitemap.xml",
        reader_page(sitemap, params=["p"]),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path(
        "news-sitemap.xml",
        reader_page(NewsSitemapView.as_view()),
        name="news-sitemap",
    ),
    path(
        "sitemap-index.xml",
        reader_page(SitemapIndexView.as_view()),
        name="sitemap-index",
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
