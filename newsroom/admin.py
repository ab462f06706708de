"""
Admin pieces both apps use. Like the rest of the site's mechanisms here, they
import no app: what differs per admin is an attribute.
"""

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from . import pagecache


class EstimatedCountPaginator(Paginator):
    """
    Admin lists on PostgreSQL: a list the planner expects to be long is counted
    by its estimate (EXPLAIN), not by a COUNT(*) over millions of rows on every
    page view. Short lists, and other databases, get the exact count.
    """

    EXACT_UP_TO = 20_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if connections[queryset.db].vendor == "postgresql":
            # No plan for a list empty by construction (a filter on no ids).
            plan = queryset.order_by().explain(format="json")
            if plan:
                estimate = int(json.loads(plan)[0]["Plan"]["Plan Rows"])
                if estimate > self.EXACT_UP_TO:
                    return estimate
        return super().count


class RefreshesPagesMixin:
    """
    Saving or deleting here changes what readers see: the cached pages that
    depend on the names in ``refreshes`` are refreshed.
    """

    refreshes = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.changed(*self.refreshes)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.changed(*self.refreshes)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.changed(*self.refreshes)


class BulkDeletePermissionMixin:
    """
    "Delete selected" checks the model permission only, not each row's owner or
    state: only users with ``bulk_delete_permission`` get it.
    """

    bulk_delete_permission = None

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not request.user.has_perm(self.bulk_delete_permission):
            actions.pop("delete_selected", None)
        return actions


class HistoryInline(admin.TabularInline):
    """A row's history (model with an ``actor``), shown read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
