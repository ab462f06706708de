from django.contrib.sitemaps import Sitemap

from .models import Article, Category, Tag


class I18nSitemap(Sitemap):
    """Every page once per language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class ArticleSitemap(I18nSitemap):
    changefreq = "never"
    priority = 0.8

    def items(self):
        # Articles the editors keep from search engines are left out.
        return (
            Article.objects.published()
            .filter(noindex=False)
            .only("slug", "published_at", "updated_at", "created_at")
        )

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(I18nSitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return Category.objects.only("slug")


class TagSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        # Only tags of published articles have a public page.
        published = Article.tags.through.objects.filter(
            article__in=Article.objects.published()
        )
        return Tag.objects.filter(pk__in=published.values("tag_id")).only("slug")


sitemaps = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
