"""
What the WordPress importer remembers (issue 11): each WordPress object it
imported, and each run with its report.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of a WordPress export file: when, by whom, how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        DRY_RUN = "dry_run", _("Dry run")

    file_name = models.CharField(_("file"), max_length=255)
    # Where an upload waits for its background task (MEDIA storage).
    stored_file = models.CharField(
        _("stored file"), max_length=255, blank=True, editable=False
    )
    file_sha256 = models.CharField(_("file checksum"), max_length=64, blank=True)
    site_url = models.CharField(_("WordPress site"), max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Items read so far, for the progress shown in the admin.
    items_done = models.PositiveIntegerField(_("items read"), default=0)
    items_total = models.PositiveIntegerField(_("items in the file"), default=0)
    error = models.TextField(_("error"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class ImportedItemQuerySet(models.QuerySet):
    def latest_for(self, kinds, wp_id):
        """The newest record of a WordPress id among these kinds, or None."""
        return self.filter(kind__in=kinds, wp_id=str(wp_id)).order_by("-pk").first()


class ImportedItem(models.Model):
    """A WordPress object and the row it became here."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        COMMENT = "comment", _("Comment")

    # The WordPress site (its base blog URL): ids are unique only within one.
    source = models.CharField(_("WordPress site"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    wp_id = models.CharField(_("WordPress id"), max_length=200)
    guid = models.CharField(_("GUID"), max_length=500, blank=True)
    old_url = models.CharField(_("old address"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # A digest of what was read from the file: an unchanged item is not written
    # again, so a second run of the same file changes nothing.
    checksum = models.CharField(_("checksum"), max_length=64, blank=True)
    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("last import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ImportedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="imported_item_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "wp_id"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id}"
