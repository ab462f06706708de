"""
WordPress imports in the admin: an administrator uploads the export file, the
import runs as a background task, and its page shows the progress, then the
report. Every import, from the admin or the command, is listed here.
"""

import hashlib
from functools import partial

from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import ImportRun
from . import tasks
from .report import lines


class UploadForm(forms.ModelForm):
    export = forms.FileField(
        label=_("WordPress export file"),
        help_text=_(
            "The XML file from Tools → Export in WordPress (All content). "
            "Imported again, it updates what changed and duplicates nothing."
        ),
    )
    fetch_media = forms.BooleanField(
        label=_("Download the media"),
        required=False,
        help_text=_(
            "Fetch each attachment from the old site. Without it, pictures are "
            "reported as missing; the command's --media-dir imports them from a "
            "copy of wp-content/uploads."
        ),
    )
    skip_pings = forms.BooleanField(
        label=_("Leave out pingbacks and trackbacks"), required=False
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Check the file and show the report without importing anything."),
    )

    class Meta:
        model = ImportRun
        fields = []


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "progress", "created_at", "started_by"]
    list_filter = ["status"]
    readonly_fields = [
        "file_name",
        "site_url",
        "status",
        "progress",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "report_display",
    ]
    fields = readonly_fields
    change_form_template = "admin/newsroom/importrun/change_form.html"

    # Administrators only: an import writes users, articles and comments.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["export", "fetch_media", "skip_pings", "dry_run"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["export"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        obj.file_name = upload.name[:255]
        obj.file_sha256 = digest.hexdigest()
        obj.started_by = request.user
        obj.options = {
            name: form.cleaned_data[name]
            for name in ("fetch_media", "skip_pings", "dry_run")
        }
        obj.stored_file = default_storage.save(
            f"wordpress/imports/{obj.file_sha256[:16]}.xml", upload
        )
        super().save_model(request, obj, form, change)
        transaction.on_commit(
            partial(tasks.import_upload.enqueue, run_id=obj.pk), robust=True
        )

    def delete_model(self, request, obj):
        if obj.stored_file:
            default_storage.delete(obj.stored_file)
        super().delete_model(request, obj)

    @admin.display(description=_("progress"))
    def progress(self, run):
        if not run.items_total:
            return "—"
        return gettext("%(done)s of %(total)s items (%(percent)s%%)") % {
            "done": run.items_done,
            "total": run.items_total,
            "percent": round(100 * run.items_done / run.items_total),
        }

    @admin.display(description=_("report"))
    def report_display(self, run):
        if not run.report:
            return "—"
        return format_html(
            "<pre>{}</pre>",
            format_html_join("\n", "{}", ((line,) for line in lines(run.report))),
        )
