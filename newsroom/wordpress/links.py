"""Redirects from the old addresses, and links between imported items."""

from urllib.parse import urlsplit

from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from articles import cache
from articles.models import Article

from ..models import ImportedItem
from . import content, redirects

Kind = ImportedItem.Kind
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

    def _global_redirects(self):
        feed = reverse("articles:feed")
        for old in ("/feed/rss/", "/feed/rss2/", "/feed/atom/", "/rss/", "/feed/rdf/"):
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
            new = content.rewrite_addresses(
                body, lambda a: self._link_address(a, by_path)
            )
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
