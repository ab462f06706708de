"""Attachments: pictures into the image library, other files kept."""

from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.utils.translation import gettext

from articles import cache
from articles.models import Image

from ..models import ImportedItem
from . import content, media, reader

Kind = ImportedItem.Kind


class AttachmentsMixin:
    """The Importer's attachments (see importer.py for the run)."""

    def _attachment(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:post_id")
        url = reader.text(element, "wp:attachment_url")
        link = reader.text(element, "link")
        self.report.read("attachment")
        checksum = reader.digest(element)
        record, image = self.existing(Kind.ATTACHMENT, wp_id, Image)
        if record is not None and record.checksum == checksum:
            if image is not None or record.content_type_id is None:
                self._known_file(wp_id, url, image, record.old_url, link)
                self.report.outcome("attachment", "unchanged")
                return
        if not url:
            self.report.skip(
                "attachment", wp_id, gettext("no file address."), entry.line
            )
            return
        fields = reader.meta(element)
        relative = media.upload_path(url, fields.get("_wp_attached_file", ""))
        if not (self.media_dir or self.fetch_media):
            self.attachment_pages[wp_id] = link
            # Said once in the report, not once per attachment.
            self.report.outcome("attachment", "skipped")
            self.report.note(
                gettext("attachments not imported: give --media-dir or --fetch-media")
            )
            return
        try:
            data = self._file(url, relative)
        except media.MediaError as exc:
            self.attachment_pages[wp_id] = link
            self.report.skip("attachment", wp_id, str(exc), entry.line)
            return
        if data is None:  # a dry run with --fetch-media: not fetched
            self.report.outcome("attachment", "imported")
            return
        found = media.picture(data)
        if found is None or found[0] not in media.IMAGE_FORMATS:
            address = "" if self.dry_run else media.store_other(relative, data)
            self.report.note(
                gettext("attachments that are not pictures, kept as files")
            )
            self.remember(Kind.ATTACHMENT, wp_id, None, checksum, old_url=address)
            self._known_file(wp_id, url, None, address, link)
            self._redirect(reader.text(element, "link"), address)
            self.report.outcome("attachment", "imported")
            return
        title = content.plain_text(reader.text(element, "title"))
        outcome = "updated" if image is not None else "imported"
        image = image or Image()
        image.alt_text = (fields.get("_wp_attachment_image_alt") or title or relative)[
            :250
        ]
        image.caption = content.plain_text(reader.text(element, "excerpt:encoded"))[
            :300
        ]
        image.uploaded_by = self.user_for(
            reader.text(element, "dc:creator") or "wordpress"
        )
        image.file.save(media.file_name(relative), ContentFile(data), save=False)
        image.width, image.height = found[1], found[2]
        image.save()
        self.remember(
            Kind.ATTACHMENT,
            wp_id,
            image,
            checksum,
            guid=reader.text(element, "guid"),
            old_url=url,
        )
        self._known_file(wp_id, url, image, page=link)
        self._redirect(reader.text(element, "link"), image.file.url)
        if urlsplit(url).hostname in self.hosts:
            self._redirect(url, image.file.url)
        self.report.outcome("attachment", outcome)
        cache.articles_changed()

    def _known_file(self, wp_id, url, image, address="", page=""):
        if image is not None:
            self.images[wp_id] = image
            address = image.file.url
        if address:
            self.new_addresses[media.original_address(url)] = address
            # Links to the attachment's page on the old site lead to the file.
            if page:
                self.new_addresses[media.original_address(page)] = address
            url, caption = self.attachments.get(wp_id, (url, ""))
            self.attachments[wp_id] = (address, caption)

    def _file(self, url, relative):
        if self.media_dir:
            return media.from_directory(self.media_dir, relative)
        return None if self.dry_run else media.fetch(self.client, url)
