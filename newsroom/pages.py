"""
Static pages (About, Contact, Privacy, pages imported from WordPress): Django's
flatpages, edited in the admin with the article editor and the one sanitizer,
and listed in every page's footer.

Every reader's page shows the footer, so a page saved or deleted calls
``pages_changed()``: the page cache's ``PAGES`` name changes (reader pages
depend on it, see articles.cache.reader_page) and the footer's list is read
again. The list is kept in Django's cache between changes, so the footer costs
no query.
"""

from django_prose_editor.fields import ProseEditorFormField

from django import forms
from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import pagecache
from .sanitize import ARTICLE_EDITOR_EXTENSIONS, clean_article_html

PAGES = "pages"
FOOTER_KEY = "newsroom:footer-pages"


def pages_changed():
    """Static pages changed: footers and the pages showing them are stale."""
    pagecache.changed(PAGES)
    transaction.on_commit(lambda: cache.delete(FOOTER_KEY))


def footer_pages():
    """(title, address) of the public top-level pages, by title."""

    def read():
        pages = FlatPage.objects.filter(registration_required=False).order_by("title")
        return [
            (page.title, page.get_absolute_url())
            for page in pages.only("title", "url")
            if page.url.count("/") == 2
        ]

    return cache.get_or_set(FOOTER_KEY, read, timeout=None)


class PageForm(FlatpageForm):
    content = ProseEditorFormField(
        label=_("content"),
        required=False,
        extensions=ARTICLE_EDITOR_EXTENSIONS,
        sanitize=clean_article_html,
    )

    class Meta(FlatpageForm.Meta):
        widgets = {"title": forms.TextInput(attrs={"size": 60})}

    def clean_content(self):
        # The one sanitizer, whatever the browser sent.
        return clean_article_html(self.cleaned_data.get("content", ""))


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class PageAdmin(FlatPageAdmin):
    form = PageForm
    list_display = ["url", "title", "public"]
    fieldsets = [
        (None, {"fields": ["url", "title", "content", "sites"]}),
        (
            _("Advanced options"),
            {
                "classes": ["collapse"],
                "fields": ["registration_required", "template_name"],
            },
        ),
    ]

    @admin.display(description=_("public"), boolean=True)
    def public(self, page):
        return not page.registration_required

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages_changed()
