"""
One import of a WordPress export, in passes over the file:

1. read it all, writing nothing: a file that is not XML, is cut short or is not
   a WordPress export stops here (WXRError), before anything is written;
2. authors, categories and tags, then the attachments (posts refer to them);
3. posts and pages, each with its comments;
4. links between them rewritten to the new addresses.

Every item is imported in its own transaction, so one bad item is skipped with
its reason and never undoes the others, and an interrupted run keeps what it
did. Every object remembers its WordPress id (ImportedItem) with a digest of
what was read: running the same file again leaves unchanged items alone and
updates changed ones, never duplicating, which is also how an interrupted run
continues. A dry run does all of it inside a transaction that is rolled back,
with no file stored or fetched.
"""

import logging
import re
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from articles import cache
from articles.models import (
    Article,
    ArticleTransition,
    Category,
    Tag,
    unique_slug,
)
from comments.cache import comments_changed

from ..models import ImportedItem
from ..pages import pages_changed
from . import content, discussion, media, reader
from .attachments import AttachmentsMixin
from .links import LinksMixin
from .report import Report
from .terms import TermsMixin

logger = logging.getLogger(__name__)
Kind = ImportedItem.Kind
Status = Article.Status

LOG_EVERY = 1000
POST_STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "pending": Status.REVIEW,
    "private": Status.PRIVATE,
}
PAGE_URL = re.compile(r"/[-\w/.~]*/")
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


class Importer(TermsMixin, AttachmentsMixin, LinksMixin):
    """
    ``Importer(path, ...).execute()`` returns the Report. ``author_map`` maps
    WordPress logins to existing users; ``progress(done, total)`` is called as
    items are imported.
    """

    def __init__(
        self,
        path,
        *,
        media_dir=None,
        fetch_media=False,
        media_timeout=20,
        dry_run=False,
        author_map=None,
        skip_pings=False,
        run=None,
        progress=None,
    ):
        self.path = path
        self.media_dir = media_dir
        self.fetch_media = fetch_media
        self.media_timeout = media_timeout
        self.dry_run = dry_run
        self.author_map = author_map or {}
        self.skip_pings = skip_pings
        self.run = run
        self.progress = progress
        self.report = Report()
        self.source = ""
        self.hosts = set()
        self.total = 0
        self.done = 0
        self.users = {}  # WordPress login -> user
        self.users_by_wp_id = {}  # WordPress author id -> user
        self.categories = {}  # slug -> Category
        self.tags = {}  # slug -> Tag
        self.attachments = {}  # wp id -> (address, caption) for galleries
        self.children = {}  # post wp id -> its attachments' wp ids
        # Old pages of attachments whose file was not imported: wp id -> address.
        self.attachment_pages = {}
        self.images = {}  # wp id -> Image
        self.new_addresses = {}  # old address of a file -> its address here
        self.zone = timezone.get_default_timezone()
        self.client = None  # the HTTP client, with --fetch-media

    # The run ------------------------------------------------------------------

    def execute(self):
        with translation.override(settings.LANGUAGE_CODE):
            self.scan()
            if self.run is not None:
                self.run.items_total = self.total
                self.run.site_url = self.source
                self.run.save(update_fields=["items_total", "site_url"])
            if not self.dry_run:
                self._passes()
                return self.report
            try:
                with transaction.atomic():
                    self._passes()
                    raise _Rollback
            except _Rollback:
                pass
            return self.report

    def _passes(self):
        if self.fetch_media:
            self.client = media.http_client(self.media_timeout)
        try:
            pending_terms = []
            for entry in reader.entries(self.path):
                if entry.tag in ("wp:author", "wp:category", "wp:tag", "wp:term"):
                    pending_terms.append(entry)
                    continue
                if pending_terms:
                    self._terms(pending_terms)
                    pending_terms = []
                if entry.tag == "item" and self._type(entry) == "attachment":
                    self._each(self._attachment, entry)
            if pending_terms:
                self._terms(pending_terms)
            for entry in reader.entries(self.path):
                if entry.tag == "item" and self._type(entry) != "attachment":
                    self._each(self._item, entry)
        finally:
            if self.client is not None:
                self.client.close()
        self._rewrite_links()
        self._global_redirects()

    def scan(self):
        """Pass 1: read the whole file, writing nothing; raises WXRError."""
        channel = {}
        for entry in reader.entries(self.path):
            element = entry.element
            if entry.tag == "item":
                self.total += 1
                if self._type(entry) == "attachment":
                    wp_id = reader.text(element, "wp:post_id")
                    caption = content.plain_text(
                        reader.text(element, "excerpt:encoded")
                    )
                    url = reader.text(element, "wp:attachment_url")
                    self.attachments[wp_id] = (url, caption)
                    parent = reader.text(element, "wp:post_parent", "0")
                    self.children.setdefault(parent, []).append(wp_id)
            elif entry.tag in ("link", "wp:base_blog_url", "wp:base_site_url"):
                channel[entry.tag] = (element.text or "").strip()
            elif entry.tag == "wp:wxr_version":
                version = (element.text or "").strip()
                if version not in reader.VERSIONS:
                    raise reader.WXRError(
                        gettext("unknown WXR version “%(version)s”.")
                        % {"version": version},
                        entry.line,
                    )
        self.source = (
            channel.get("wp:base_blog_url") or channel.get("link") or ""
        ).rstrip("/")
        for url in channel.values():
            if host := urlsplit(url).hostname:
                self.hosts.add(host)

    def _type(self, entry):
        return reader.text(entry.element, "wp:post_type", "post")

    def _each(self, handler, entry):
        """One item in its own transaction; a failure skips it with the reason."""
        try:
            with transaction.atomic():
                handler(entry)
        except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
            logger.exception("WordPress item at line %s failed", entry.line)
            kind = self._type(entry)
            self.report.skip(
                kind if kind in ("post", "page", "attachment") else "other",
                reader.text(entry.element, "wp:post_id"),
                gettext("could not be imported: %(error)s")
                % {"error": " ".join(str(exc).split())[:200] or type(exc).__name__},
                entry.line,
            )
        if entry.tag != "item":
            return  # authors and terms: not counted in the progress
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)
        elif self.done % LOG_EVERY == 0:
            logger.info("WordPress import: %s of %s items", self.done, self.total)

    # Records --------------------------------------------------------------------

    def record(self, kind, wp_id):
        return (
            ImportedItem.objects.filter(source=self.source, kind=kind, wp_id=str(wp_id))
            .select_related("content_type")
            .first()
        )

    def remember(self, kind, wp_id, obj, checksum, *, guid="", old_url=""):
        ImportedItem.objects.update_or_create(
            source=self.source,
            kind=kind,
            wp_id=str(wp_id),
            defaults={
                "content_type": ContentType.objects.get_for_model(obj)
                if obj is not None
                else None,
                "object_id": obj.pk if obj is not None else None,
                "checksum": checksum,
                "guid": guid[:500],
                "old_url": old_url[:500],
                "run": self.run,
            },
        )

    def existing(self, kind, wp_id, model):
        """The record and the object it became (None if deleted since)."""
        record = self.record(kind, wp_id)
        if record is None or record.object_id is None:
            return record, None
        return record, model._default_manager.filter(pk=record.object_id).first()

    def date(self, element, gmt_tag, local_tag):
        """An aware datetime from the GMT field, else the local one, else None."""
        for tag, zone in ((gmt_tag, UTC), (local_tag, self.zone)):
            value = reader.text(element, tag)
            if not value or value.startswith("0000"):
                continue
            try:
                parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return timezone.make_aware(parsed, zone)
        return None

    # Posts and pages ---------------------------------------------------------------

    def _item(self, entry):
        kind = self._type(entry)
        if kind == "post":
            return self._post(entry)
        if kind == "page":
            return self._page(entry)
        self.report.read("other")
        self.report.outcome("other", "skipped")
        self.report.note(
            gettext("items of type “%(type)s” (not imported)") % {"type": kind}
        )

    def _body(self, element, wp_id):
        found = content.convert(
            reader.text(element, "content:encoded"),
            content.Media(self.attachments, self.children.get(wp_id, [])),
        )
        for name, count in found.removed_shortcodes.items():
            self.report.note(
                gettext("shortcode [%(name)s] removed, its text kept") % {"name": name},
                count,
            )
        return content.rewrite_addresses(found.html, self._file_address)

    def _file_address(self, address):
        return self.new_addresses.get(media.original_address(address))

    def _post(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:post_id")
        status = reader.text(element, "wp:status")
        self.report.read("post", status)
        if status in SKIPPED_STATUSES:
            self.report.skip(
                "post", wp_id, gettext("in the trash or never saved."), entry.line
            )
            return
        if status not in POST_STATUSES:
            self.report.skip(
                "post",
                wp_id,
                gettext("unknown status “%(status)s”.") % {"status": status},
                entry.line,
            )
            return
        when = self.date(element, "wp:post_date_gmt", "wp:post_date")
        if when is None and status in ("publish", "future", "private"):
            self.report.skip("post", wp_id, gettext("missing date."), entry.line)
            return
        checksum = reader.digest(element)
        record, article = self.existing(Kind.POST, wp_id, Article)
        if article is not None and record.checksum == checksum:
            self.report.outcome("post", "unchanged")
        else:
            article = self._save_post(entry, wp_id, status, when, article, checksum)
        self._comments(article, entry)
        self._redirect(
            reader.text(element, "link"), article.get_absolute_url(), article
        )
        self._redirect_attachment_pages(wp_id, article.get_absolute_url(), article)

    def _save_post(self, entry, wp_id, status, when, article, checksum):
        element = entry.element
        outcome = "updated" if article is not None else "imported"
        article = article or Article()
        article.title = self._title(element, wp_id)
        if not article.slug:
            wanted = self._slug(reader.text(element, "wp:post_name")) or slugify(
                article.title
            )
            article.slug = unique_slug(article, wanted or f"post-{wp_id}")
        article.standfirst = content.plain_text(reader.text(element, "excerpt:encoded"))
        article.body = self._body(element, wp_id)
        article.author = self.user_for(
            reader.text(element, "dc:creator") or "wordpress"
        )
        article.status = POST_STATUSES[status]
        article.published_at = (
            when if status in ("publish", "future", "private") else None
        )
        if reader.text(element, "wp:post_password"):
            article.status = Status.DRAFT
            article.published_at = when
            self.report.note(gettext("password-protected posts, imported unpublished"))
        article.comments_open = reader.text(element, "wp:comment_status") == "open"
        article.is_sticky = reader.text(element, "wp:is_sticky") == "1"
        thumbnail = reader.meta(element).get("_thumbnail_id", "")
        article.featured_image = self.images.get(thumbnail)
        if thumbnail and article.featured_image is None:
            self.report.note(gettext("featured images not found among the attachments"))
        article.save()
        if outcome == "imported" and when is not None:
            Article.objects.filter(pk=article.pk).update(
                created_at=min(when, timezone.now())
            )
        categories, tags = [], []
        for term in element.findall("category"):
            domain, slug = term.get("domain"), self._slug(term.get("nicename", ""))
            name = content.plain_text(term.text or "")[:100]
            if domain == "category":
                categories.append(
                    self._used_term(Category, self.categories, slug, name)
                )
            elif domain == "post_tag":
                tags.append(self._used_term(Tag, self.tags, slug, name))
            else:
                self.report.note(
                    gettext("terms of taxonomy “%(name)s” (not imported)")
                    % {"name": domain}
                )
        article.categories.set(categories)
        article.tags.set(tags)
        if outcome == "imported":
            ArticleTransition.objects.create(
                article=article,
                from_state=Article.State.DRAFT,
                to_state=article.state(),
                note=gettext("Imported from WordPress (post %(id)s).") % {"id": wp_id},
            )
        self.remember(
            Kind.POST,
            wp_id,
            article,
            checksum,
            guid=reader.text(element, "guid"),
            old_url=reader.text(element, "link"),
        )
        self.report.outcome("post", outcome)
        cache.articles_changed()
        return article

    def _title(self, element, wp_id):
        title = content.plain_text(reader.text(element, "title"))[:200]
        return title or gettext("Untitled (WordPress post %(id)s)") % {"id": wp_id}

    def _page(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:post_id")
        status = reader.text(element, "wp:status")
        self.report.read("page", status)
        if status in SKIPPED_STATUSES or status not in POST_STATUSES:
            self.report.skip(
                "page",
                wp_id,
                gettext("status “%(status)s” is not imported.") % {"status": status},
                entry.line,
            )
            return
        checksum = reader.digest(element)
        record, page = self.existing(Kind.PAGE, wp_id, FlatPage)
        link = reader.text(element, "link")
        if page is not None and record.checksum == checksum:
            self.report.outcome("page", "unchanged")
        else:
            outcome = "updated" if page is not None else "imported"
            page = page or FlatPage(url=self._page_url(link, wp_id))
            page.title = self._title(element, wp_id)
            page.content = self._body(element, wp_id)
            page.registration_required = status != "publish" or bool(
                reader.text(element, "wp:post_password")
            )
            if page.registration_required:
                self.report.note(
                    gettext("pages not public, shown to logged-in staff only")
                )
            page.save()
            page.sites.add(settings.SITE_ID)
            self.remember(
                Kind.PAGE,
                wp_id,
                page,
                checksum,
                guid=reader.text(element, "guid"),
                old_url=link,
            )
            self.report.outcome("page", outcome)
            pages_changed()
        self._comments(page, entry)
        self._redirect(link, page.url, None)
        self._redirect_attachment_pages(wp_id, page.url)

    def _page_url(self, link, wp_id):
        path = unquote(urlsplit(link).path or "")
        while "//" in path:
            path = path.replace("//", "/")
        path = "/" + path.strip("/") + "/" if path.strip("/") else ""
        fallback = f"/pages/{slugify(wp_id) or 'page'}/"
        languages = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
        if (
            not PAGE_URL.fullmatch(path)
            or len(path) > 100
            or path.startswith(languages)
            or FlatPage.objects.filter(url=path).exists()
        ):
            # Not an address a page can have here (the flatpages admin's rule),
            # another language's, or taken.
            return fallback
        try:
            match = resolve(path)
        except Resolver404:
            return path
        return path if match.url_name == "flatpage" else fallback

    def _comments(self, target, entry):
        found = entry.element.findall("wp:comment")
        if found:
            discussion.import_comments(self, target, found, entry.line)
            if isinstance(target, Article):
                comments_changed(target.pk)
