from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_site(using="default", **kwargs):
    """
    Keep the one Site (SITE_ID) equal to SITE_URL and SITE_NAME.

    Flatpages and redirects need django.contrib.sites, and once it is installed
    feeds and the sitemap write their absolute addresses with the Site's domain
    instead of the request's host: without this they would say "example.com".
    Run after every migrate, as contrib.sites creates its default site.
    """
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
    Site.objects.clear_cache()


class NewsroomConfig(AppConfig):
    """The site itself: what every page uses, and what spans both apps."""

    name = "newsroom"
    verbose_name = _("Site")

    def ready(self):
        post_migrate.connect(sync_site, sender=self)
        # The static pages' admin replaces flatpages' own, registered by now.
        from . import pages  # noqa: F401
        from .wordpress import admin  # noqa: F401
