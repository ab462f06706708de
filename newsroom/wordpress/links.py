"""Redirects from the old addresses, and links between imported items."""

from itertools import batched
from urllib.parse import urlsplit

from django.contrib.flatpages.models import FlatPage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from articles import cache
from articles.models import Article

from ..models import ImportedItem
from . import content, redirects

Kind = ImportedItem.Kind
POST, PAGE = Kind.POST, Kind.PAGE
# Bodies are read this many at a time when links are rewritten.
CHUNK = 500
NOT_PUBLIC = (
    Article.Status.DRAFT,
    Article.Status.REVIEW,
    Article.Status.PRIVATE,
)


class LinksMixin:
    """The Importer's redirects and link rewriting (see importer.py for the run)."""

    def _redirect(self, old_url, new_path, article=None):
        if not old_url or not new_path or urlsplit(old_url).query:
            return  # /?p=ID and the like: answered by redirects.OldAddressMiddleware
        if urlsplit(old_url).hostname not in self.hosts:
            return
        if article is not None and article.status in NOT_PUBLIC:
            return
        if redirects.save(old_url, new_path):
            self.report.redirects += 1
        if article is not None:
            feed = reverse("comments:article-feed", args=[article.pk])
            if redirects.save(old_url.rstrip("/") + "/feed/", feed):
                self.report.redirects += 1

    def _redirect_attachment_pages(self, parent_wp_id, new_path, article=None):
        """
        The old pages of this post's attachments whose file was not imported
        lead to the post, as WordPress's own attachment pages do.
        """
        if article is not None and article.status in NOT_PUBLIC:
            return
        for child in self.children.get(parent_wp_id, []):
            if page := self.attachment_pages.get(child):
                self._redirect(page, new_path)

    def _global_redirects(self):
        feed = reverse("articles:feed")
        # WordPress's /feed/atom/ is an address of the site's own (its Atom feed).
        for old in ("/feed/rss/", "/feed/rss2/", "/rss/", "/feed/rdf/"):
            if redirects.save(old, feed):
                self.report.redirects += 1
        for category in self.categories.values():
            old = self.term_path(category)
            for suffix, name in (
                ("", "articles:category"),
                ("feed/", "articles:category-feed"),
            ):
                if redirects.save(old + suffix, reverse(name, args=[category.slug])):
                    self.report.redirects += 1
        for slug, tag in self.tags.items():
            for suffix, name in (("", "articles:tag"), ("feed/", "articles:tag-feed")):
                if redirects.save(
                    f"/tag/{slug}/{suffix}", reverse(name, args=[tag.slug])
                ):
                    self.report.redirects += 1
        for login, user in self.users.items():
            old = f"/author/{slugify(login)}/"
            if redirects.save(
                old, reverse("articles:author", args=[user.get_username()])
            ):
                self.report.redirects += 1

    def _rewrite_links(self):
        """
        Pass 4: links to the old site's posts and pages point at the new ones.
        Only bodies that name the old site are read, a chunk at a time.
        """
        records = (
            ImportedItem.objects.filter(source=self.source, kind__in=[POST, PAGE])
            .exclude(old_url="")
            .values_list("pk", "kind", "object_id", "old_url")
        )
        by_path, ids = {}, {POST: [], PAGE: []}
        for pk, kind, object_id, old_url in records.iterator():
            by_path[redirects.old_path(old_url)] = pk
            if object_id:
                ids[kind].append(object_id)
        if not self.hosts:
            return
        addresses = {}
        for model, field, kind in (
            (Article, "body", POST),
            (FlatPage, "content", PAGE),
        ):
            names_old_site = Q()
            for host in self.hosts:
                names_old_site |= Q(**{f"{field}__contains": host})
            for chunk in batched(ids[kind], CHUNK):
                rows = model._default_manager.filter(pk__in=chunk).filter(
                    names_old_site
                )
                for target in rows.iterator():
                    body = getattr(target, field)
                    new = content.rewrite_addresses(
                        body, lambda a: self._link_address(a, by_path, addresses)
                    )
                    if new != body:
                        with transaction.atomic():
                            setattr(target, field, new)
                            target.save()
                            cache.articles_changed()

    def _link_address(self, address, by_path, addresses):
        """The new address for an old one, or None (a link elsewhere)."""
        parts = urlsplit(address)
        if parts.path and not parts.path.endswith("/") and "." not in parts.path[-6:]:
            # WordPress answers a permalink without its final slash too.
            address = parts._replace(path=parts.path + "/").geturl()
            parts = urlsplit(address)
        if parts.hostname and parts.hostname not in self.hosts:
            return None
        if file_address := self._file_address(address):
            return file_address
        record = by_path.get(redirects.old_path(parts._replace(fragment="").geturl()))
        query = dict(p.partition("=")[::2] for p in parts.query.split("&") if p)
        key = record
        if key is None:
            wanted = next(
                (
                    (kinds, query[name])
                    for name, kinds in redirects.QUERY_KINDS.items()
                    if query.get(name, "").isdigit()
                ),
                None,
            )
            if wanted is None:
                return None
            key = wanted[1] + ":" + ",".join(wanted[0])
        if key not in addresses:
            if record is not None:
                item = ImportedItem.objects.filter(pk=record).first()
            else:
                item = ImportedItem.objects.filter(
                    source=self.source, kind__in=wanted[0], wp_id=wanted[1]
                ).first()
            addresses[key] = redirects.address_of(item) if item else None
        new = addresses[key]
        if new and parts.fragment:
            new += "#" + parts.fragment
        return new
