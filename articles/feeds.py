from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .models import Article, Category, Tag


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the latest published articles."""

    feed_type = Rss201rev2Feed

    def title(self):
        return _("%(site)s: latest articles") % {"site": settings.SITE_NAME}

    def description(self):
        return _("The latest articles published on %(site)s.") % {
            "site": settings.SITE_NAME
        }

    def link(self):
        return reverse("articles:index")

    def get_articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return (
            self.get_articles(obj)
            .select_related("author__profile")
            .prefetch_related("categories")
            .order_by("-published_at", "-pk")[:20]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Moves with a substantial update (Article.revised_at), not with every
        # save; the guid stays the article's address.
        return item.modified_at()

    def item_author_name(self, item):
        return item.byline_name

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same articles as Atom 1.0, whose entries carry their update time."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class CategoryArticlesFeed(LatestArticlesFeed):
    """The latest articles of a section, subcategories included."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return _("%(site)s: latest in %(category)s") % {
            "site": settings.SITE_NAME,
            "category": obj.name,
        }

    def description(self, obj):
        return _("The latest articles in %(category)s.") % {"category": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def get_articles(self, obj):
        return Article.objects.published().in_category(obj)


class TagArticlesFeed(LatestArticlesFeed):
    """The latest articles with a tag."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return _("%(site)s: articles tagged “%(tag)s”") % {
            "site": settings.SITE_NAME,
            "tag": obj.name,
        }

    def description(self, obj):
        return _("The latest articles tagged “%(tag)s”.") % {"tag": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def get_articles(self, obj):
        return Article.objects.published().filter(tags=obj)
