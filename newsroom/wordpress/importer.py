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

import hashlib
import logging
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from articles import cache
from comments.cache import comments_changed
from articles.models import (
    Article,
    ArticleTransition,
    AuthorProfile,
    Category,
    Image,
    Tag,
    unique_slug,
)

from ..models import ImportedItem, ImportRun
from . import content, discussion, media, reader, redirects
from .report import Report

logger = logging.getLogger(__name__)
Kind = ImportedItem.Kind
Status = Article.Status

# Part of every item's digest: a new version of the importer imports again.
VERSION = "1"
LOG_EVERY = 1000
POST_STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "pending": Status.REVIEW,
    "private": Status.PRIVATE,
}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
JOURNALIST_GROUP = "Journalist"


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


def digest(element, leave_out=("wp:comment",)):
    parts = [VERSION.encode()]
    parts += [ET.tostring(child) for child in element if child.tag not in leave_out]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def meta(element):
    return {
        reader.text(m, "wp:meta_key"): reader.text(m, "wp:meta_value")
        for m in element.findall("wp:postmeta")
    }


class Importer:
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
        self.images = {}  # wp id -> Image
        self.new_addresses = {}  # old address of a file -> its address here
        self.zone = timezone.get_default_timezone()

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
        client = media.http_client(self.media_timeout) if self.fetch_media else None
        self.client = client
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
            if client is not None:
                client.close()
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
                    caption = content.plain_text(reader.text(element, "excerpt:encoded"))
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

    # Authors and terms -----------------------------------------------------------

    def _terms(self, entries):
        categories = []
        for entry in entries:
            if entry.tag == "wp:author":
                self._each(self._author, entry)
            elif entry.tag == "wp:category":
                categories.append(entry)
            elif entry.tag == "wp:tag":
                self._each(self._tag, entry)
            else:
                taxonomy = reader.text(entry.element, "wp:term_taxonomy")
                if taxonomy == "category":
                    continue  # also listed as wp:category
                if taxonomy == "post_tag":
                    continue
                self.report.note(
                    gettext("terms of taxonomy “%(name)s” (not imported)")
                    % {"name": taxonomy}
                )
        for entry in categories:
            self._each(self._category, entry)
        parents = {}
        for entry in categories:
            slug = self._slug(reader.text(entry.element, "wp:category_nicename"))
            parents[slug] = self._slug(reader.text(entry.element, "wp:category_parent"))
        self._set_parents(parents)

    def _author(self, entry):
        element = entry.element
        login = reader.text(element, "wp:author_login")
        self.report.read("author")
        if not login:
            self.report.skip("author", "?", gettext("no login."), entry.line)
            return
        user = self.user_for(login, element)
        if (wp_id := reader.text(element, "wp:author_id")) and user is not None:
            self.users_by_wp_id[wp_id] = user

    def user_for(self, login, element=None):
        """The user for a WordPress login: mapped, imported before, or new."""
        # Some exports write a stray bracket around a login (">name").
        login = login.strip().strip("<>").strip() or "wordpress"
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        if login in self.author_map:
            user = self.author_map[login]
            self.report.outcome("author", "unchanged")
        elif (record := self.existing(Kind.AUTHOR, login, User))[1] is not None:
            user = record[1]
            self.report.outcome("author", "unchanged")
        else:
            username = "".join(
                ch if ch.isalnum() or ch in "@.+-_" else "-" for ch in login
            )[:150]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = self._new_user(username, element)
                self.report.outcome("author", "imported")
            else:
                self.report.outcome("author", "unchanged")
                self.report.note(gettext("authors matched to existing users by login"))
            self.remember(Kind.AUTHOR, login, user, "")
        self.users[login] = user
        return user

    def _new_user(self, username, element):
        User = get_user_model()
        get = (lambda tag: reader.text(element, tag)) if element is not None else str
        user = User.objects.create_user(
            username=username,
            email=get("wp:author_email")[:254] if element is not None else "",
            first_name=get("wp:author_first_name")[:150] if element is not None else "",
            last_name=get("wp:author_last_name")[:150] if element is not None else "",
            password=None,  # unusable: they choose one through the password reset
            is_staff=True,
        )
        group = Group.objects.filter(name=JOURNALIST_GROUP).first()
        if group is not None:
            user.groups.add(group)
        display = get("wp:author_display_name") if element is not None else ""
        AuthorProfile.objects.create(
            user=user, display_name=content.plain_text(display)[:150]
        )
        return user

    @staticmethod
    def _slug(value):
        return slugify(unquote(value or ""))[:120]

    def _category(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:term_id")
        slug = self._slug(reader.text(element, "wp:category_nicename"))
        name = content.plain_text(reader.text(element, "wp:cat_name"))[:100]
        self.report.read("category")
        if not slug and not name:
            self.report.skip("category", wp_id, gettext("no name."), entry.line)
            return
        fields = {
            "name": name or slug,
            "description": content.plain_text(
                reader.text(element, "wp:category_description")
            ),
        }
        self.categories[slug] = self._term(
            Kind.CATEGORY, wp_id or slug, Category, slug, fields, digest(element)
        )

    def _tag(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:term_id")
        slug = self._slug(reader.text(element, "wp:tag_slug"))
        name = content.plain_text(reader.text(element, "wp:tag_name"))[:100]
        self.report.read("tag")
        if not slug and not name:
            self.report.skip("tag", wp_id, gettext("no name."), entry.line)
            return
        self.tags[slug] = self._term(
            Kind.TAG, wp_id or slug, Tag, slug, {"name": name or slug}, digest(element)
        )

    def _term(self, kind, wp_id, model, slug, fields, checksum):
        record, obj = self.existing(kind, wp_id, model)
        label = kind.value
        if obj is not None and record.checksum == checksum:
            self.report.outcome(label, "unchanged")
            return obj
        if obj is None:
            obj = model.objects.filter(slug=slug).first() if slug else None
        if obj is None and model is Tag:
            obj = Tag.objects.filter(name=fields["name"]).first()
        outcome = "updated" if obj is not None else "imported"
        obj = obj or model(slug=slug)
        for name, value in fields.items():
            setattr(obj, name, value)
        if model is Tag and Tag.objects.filter(name=obj.name).exclude(pk=obj.pk).exists():
            obj.name = f"{obj.name} ({slug})"[:100]
        obj.save()
        self.report.outcome(label, outcome)
        self.remember(kind, wp_id, obj, checksum)
        cache.articles_changed()
        return obj

    def _used_term(self, model, known, slug, name):
        """
        A post's category or tag: the one the file listed under that slug, or
        else under that name (exports do not always agree with themselves), or
        a new one.
        """
        found = known.get(slug) or next(
            (term for term in known.values() if term.name == name), None
        )
        if found is None:
            found = model.objects.filter(slug=slug).first() or (
                model.objects.filter(name=name).first() if name else None
            )
        if found is None:
            found = model.objects.create(name=name or slug, slug=slug)
            self.report.note(
                gettext("categories and tags used by posts but not listed, created")
            )
            cache.articles_changed()
        known[slug] = found
        return found

    def _set_parents(self, parents):
        for slug, parent_slug in parents.items():
            child = self.categories.get(slug)
            parent = self.categories.get(parent_slug) if parent_slug else None
            if child is None:
                continue
            ancestor = parent
            while ancestor is not None:  # never a loop of parents
                if ancestor.pk == child.pk:
                    parent = None
                    break
                ancestor = ancestor.parent
            if child.parent_id != (parent.pk if parent else None):
                child.parent = parent
                child.save(update_fields=["parent"])
                cache.articles_changed()

    def term_path(self, category):
        """WordPress's address of a category: /category/parent/child/."""
        slugs, seen = [], set()
        while category is not None and category.pk not in seen:
            seen.add(category.pk)
            slugs.insert(0, category.slug)
            category = category.parent
        return "/category/" + "/".join(slugs) + "/"

    # Attachments -----------------------------------------------------------------

    def _attachment(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:post_id")
        url = reader.text(element, "wp:attachment_url")
        self.report.read("attachment")
        checksum = digest(element)
        record, image = self.existing(Kind.ATTACHMENT, wp_id, Image)
        if record is not None and record.checksum == checksum:
            if image is not None or record.content_type_id is None:
                self._known_file(wp_id, url, image, record.old_url)
                self.report.outcome("attachment", "unchanged")
                return
        if not url:
            self.report.skip("attachment", wp_id, gettext("no file address."), entry.line)
            return
        fields = meta(element)
        relative = media.upload_path(url, fields.get("_wp_attached_file", ""))
        try:
            data = self._file(url, relative)
        except media.MediaError as exc:
            self.report.skip("attachment", wp_id, str(exc), entry.line)
            return
        if data is None:  # a dry run with --fetch-media: not fetched
            self.report.outcome("attachment", "imported")
            return
        found = media.picture(data)
        if found is None or found[0] not in media.IMAGE_FORMATS:
            address = "" if self.dry_run else media.store_other(relative, data)
            self.report.note(gettext("attachments that are not pictures, kept as files"))
            self.remember(Kind.ATTACHMENT, wp_id, None, checksum, old_url=address)
            self._known_file(wp_id, url, None, address)
            self._redirect(reader.text(element, "link"), address)
            self.report.outcome("attachment", "imported")
            return
        title = content.plain_text(reader.text(element, "title"))
        outcome = "updated" if image is not None else "imported"
        image = image or Image()
        image.alt_text = (fields.get("_wp_attachment_image_alt") or title or relative)[:250]
        image.caption = content.plain_text(reader.text(element, "excerpt:encoded"))[:300]
        image.uploaded_by = self.user_for(reader.text(element, "dc:creator") or "wordpress")
        image.file.save(media.file_name(relative), ContentFile(data), save=False)
        image.width, image.height = found[1], found[2]
        image.save()
        self.remember(Kind.ATTACHMENT, wp_id, image, checksum, guid=reader.text(element, "guid"), old_url=url)
        self._known_file(wp_id, url, image)
        self._redirect(reader.text(element, "link"), image.file.url)
        if urlsplit(url).hostname in self.hosts:
            self._redirect(url, image.file.url)
        self.report.outcome("attachment", outcome)
        cache.articles_changed()

    def _known_file(self, wp_id, url, image, address=""):
        if image is not None:
            self.images[wp_id] = image
            address = image.file.url
        if address:
            self.new_addresses[media.original_address(url)] = address
            url, caption = self.attachments.get(wp_id, (url, ""))
            self.attachments[wp_id] = (address, caption)

    def _file(self, url, relative):
        if self.media_dir:
            return media.from_directory(self.media_dir, relative)
        if self.fetch_media:
            return None if self.dry_run else media.fetch(self.client, url)
        raise media.MediaError(
            gettext("no file to import: give --media-dir or --fetch-media.")
        )

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
            self.report.skip("post", wp_id, gettext("in the trash or never saved."), entry.line)
            return
        if status not in POST_STATUSES:
            self.report.skip(
                "post", wp_id,
                gettext("unknown status “%(status)s”.") % {"status": status},
                entry.line,
            )
            return
        when = self.date(element, "wp:post_date_gmt", "wp:post_date")
        if when is None and status in ("publish", "future", "private"):
            self.report.skip("post", wp_id, gettext("missing date."), entry.line)
            return
        checksum = digest(element)
        record, article = self.existing(Kind.POST, wp_id, Article)
        if article is not None and record.checksum == checksum:
            self.report.outcome("post", "unchanged")
        else:
            article = self._save_post(entry, wp_id, status, when, article, checksum)
        self._comments(article, entry)
        self._redirect(reader.text(element, "link"), article.get_absolute_url(), article)

    def _save_post(self, entry, wp_id, status, when, article, checksum):
        element = entry.element
        outcome = "updated" if article is not None else "imported"
        article = article or Article()
        article.title = self._title(element, wp_id)
        if not article.slug:
            wanted = self._slug(reader.text(element, "wp:post_name")) or slugify(article.title)
            article.slug = unique_slug(article, wanted or f"post-{wp_id}")
        article.standfirst = content.plain_text(reader.text(element, "excerpt:encoded"))
        article.body = self._body(element, wp_id)
        article.author = self.user_for(reader.text(element, "dc:creator") or "wordpress")
        article.status = POST_STATUSES[status]
        article.published_at = when if status in ("publish", "future", "private") else None
        if reader.text(element, "wp:post_password"):
            article.status = Status.DRAFT
            article.published_at = when
            self.report.note(gettext("password-protected posts, imported unpublished"))
        article.comments_open = reader.text(element, "wp:comment_status") == "open"
        article.is_sticky = reader.text(element, "wp:is_sticky") == "1"
        thumbnail = meta(element).get("_thumbnail_id", "")
        article.featured_image = self.images.get(thumbnail)
        if thumbnail and article.featured_image is None:
            self.report.note(gettext("featured images not found among the attachments"))
        article.save()
        if outcome == "imported" and when is not None:
            Article.objects.filter(pk=article.pk).update(created_at=min(when, timezone.now()))
        categories, tags = [], []
        for term in element.findall("category"):
            domain, slug = term.get("domain"), self._slug(term.get("nicename", ""))
            name = content.plain_text(term.text or "")[:100]
            if domain == "category":
                categories.append(self._used_term(Category, self.categories, slug, name))
            elif domain == "post_tag":
                tags.append(self._used_term(Tag, self.tags, slug, name))
            else:
                self.report.note(
                    gettext("terms of taxonomy “%(name)s” (not imported)") % {"name": domain}
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
        self.remember(Kind.POST, wp_id, article, checksum, guid=reader.text(element, "guid"), old_url=reader.text(element, "link"))
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
                "page", wp_id,
                gettext("status “%(status)s” is not imported.") % {"status": status},
                entry.line,
            )
            return
        checksum = digest(element)
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
                self.report.note(gettext("pages not public, shown to logged-in staff only"))
            page.save()
            page.sites.add(settings.SITE_ID)
            self.remember(Kind.PAGE, wp_id, page, checksum, guid=reader.text(element, "guid"), old_url=link)
            self.report.outcome("page", outcome)
            pages_changed()
        self._comments(page, entry)
        self._redirect(link, page.url, None)

    def _page_url(self, link, wp_id):
        path = unquote(urlsplit(link).path or "")
        while "//" in path:
            path = path.replace("//", "/")
        path = "/" + path.strip("/") + "/" if path.strip("/") else ""
        fallback = f"/pages/{wp_id}/"
        if not path or len(path) > 100 or FlatPage.objects.filter(url=path).exists():
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

    # Redirects and links -------------------------------------------------------

    def _redirect(self, old_url, new_path, article=None):
        if not old_url or not new_path or urlsplit(old_url).query:
            return  # /?p=ID and the like: answered by redirects.OldAddressMiddleware
        if urlsplit(old_url).hostname not in self.hosts:
            return
        if article is not None and article.status in (Status.DRAFT, Status.REVIEW, Status.PRIVATE):
            return
        if redirects.save(old_url, new_path):
            self.report.redirects += 1
        if article is not None:
            feed = reverse("comments:article-feed", args=[article.pk])
            if redirects.save(old_url.rstrip("/") + "/feed/", feed):
                self.report.redirects += 1

    def _global_redirects(self):
        feed = reverse("articles:feed")
        for old in ("/feed/rss/", "/feed/rss2/", "/feed/atom/", "/rss/", "/feed/rdf/"):
            if redirects.save(old, feed):
                self.report.redirects += 1
        for slug, category in self.categories.items():
            old = self.term_path(category)
            for suffix, name in (("", "articles:category"), ("feed/", "articles:category-feed")):
                if redirects.save(old + suffix, reverse(name, args=[category.slug])):
                    self.report.redirects += 1
        for slug, tag in self.tags.items():
            for suffix, name in (("", "articles:tag"), ("feed/", "articles:tag-feed")):
                if redirects.save(f"/tag/{slug}/{suffix}", reverse(name, args=[tag.slug])):
                    self.report.redirects += 1
        for login, user in self.users.items():
            old = f"/author/{slugify(login)}/"
            if redirects.save(old, reverse("articles:author", args=[user.get_username()])):
                self.report.redirects += 1

    def _rewrite_links(self):
        """Pass 4: links to the old site's posts and pages point at the new ones."""
        items = ImportedItem.objects.filter(
            source=self.source, kind__in=[Kind.POST, Kind.PAGE]
        ).select_related("content_type")
        by_path = {}
        for item in items.iterator():
            if item.old_url:
                by_path[redirects.old_path(item.old_url)] = item
        for item in by_path.values():
            target = item.target
            if target is None:
                continue
            body_field = "body" if item.kind == Kind.POST else "content"
            body = getattr(target, body_field)
            new = content.rewrite_addresses(body, lambda a: self._link_address(a, by_path))
            if new != body:
                with transaction.atomic():
                    setattr(target, body_field, new)
                    target.save()
                    cache.articles_changed()

    def _link_address(self, address, by_path):
        parts = urlsplit(address)
        if parts.hostname and parts.hostname not in self.hosts:
            return None
        if file_address := self._file_address(address):
            return file_address
        found = by_path.get(redirects.old_path(parts._replace(fragment="").geturl()))
        if found is None and parts.query:
            query = dict(p.partition("=")[::2] for p in parts.query.split("&"))
            for name, kinds in redirects.QUERY_KINDS.items():
                if query.get(name, "").isdigit():
                    found = ImportedItem.objects.filter(
                        source=self.source, kind__in=kinds, wp_id=query[name]
                    ).first()
                    break
        if found is None:
            return None
        new = redirects.address_of(found)
        if new and parts.fragment:
            new += "#" + parts.fragment
        return new


def pages_changed():
    """Static pages are listed in every page's footer."""
    cache.articles_changed()
