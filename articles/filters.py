"""The filters of the editors' article list in the admin."""

from datetime import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Article

State = Article.State


class StateListFilter(admin.SimpleListFilter):
    """Filter by workflow state, with "scheduled" apart from "published"."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == State.SCHEDULED:
            return queryset.scheduled()
        if value == State.PUBLISHED:
            return queryset.published()
        if value in State.values:
            return queryset.filter(status=value)
        return queryset


class PublishedMonthFilter(admin.SimpleListFilter):
    """
    Articles published in one month, like WordPress's month menu.

    It stands in for admin's date hierarchy, whose SELECT DISTINCT over every
    article's date reads the whole table on each page view (a million rows on a
    large site); the months come from Article.objects.published_months(), one
    index probe per month on PostgreSQL.
    """

    title = _("publish month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [
            (start.strftime("%Y-%m"), date_format(start, "YEAR_MONTH_FORMAT"))
            for start in Article.objects.published_months()
        ]

    def queryset(self, request, queryset):
        try:
            year, month = (int(part) for part in (self.value() or "").split("-"))
            start = timezone.make_aware(datetime(year, month, 1))
        except ValueError:
            return queryset
        end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        return queryset.filter(published_at__gte=start, published_at__lt=end)


class AuthorFilter(admin.RelatedFieldListFilter):
    """
    The people who signed at least one article.

    Admin's RelatedOnlyFieldListFilter finds them with a DISTINCT over every
    article; here each user is looked up in the author index instead, which
    costs one probe per user however many articles there are.
    """

    def field_choices(self, field, request, model_admin):
        wrote = Article.objects.filter(author=OuterRef("pk"))
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(Exists(wrote)),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )
