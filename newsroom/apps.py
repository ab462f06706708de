from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    """The site itself: what every page uses, and what spans both apps."""

    name = "newsroom"
    verbose_name = _("Site")
