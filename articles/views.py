from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.dates import (
    ArchiveIndexView,
    DateDetailView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from newsroom import pagecache

from . import structured_data
from .models import Article, Category, Correction, Tag

SEARCH_MAX_LENGTH = 200


def can_preview(user):
    """Return True if the user may read articles that are not published yet."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


# Reader's lists stop after this many pages; older articles are reached through
# the monthly archive. Counting and skipping stay bounded however large the site.
MAX_PAGES = 50


class CappedPaginator(Paginator):
    """A paginator that counts no further than ``MAX_PAGES`` pages of rows."""

    @cached_property
    def count(self):
        # COUNT(*) over a LIMITed subquery: bounded work on a million rows. Only
        # the keys: the subquery needs neither the columns nor the annotations
        # (search ranks and headlines), nor any order.
        limit = MAX_PAGES * self.per_page
        return self.object_list.order_by().values("pk")[:limit].count()


class PublishedArticleMixin:
    date_field = "published_at"
    paginate_by = 20
    paginator_class = CappedPaginator

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("author__profile", "featured_image")
            .prefetch_related("categories")
        )


class ArticleListView(PublishedArticleMixin, ListView):
    """
    A paginated list of published articles.

    With ``require_articles``, a list with no article answers 404. The check
    reads the paginator's count, which the page needs anyway, instead of the
    extra EXISTS query that ``allow_empty = False`` makes.
    """

    require_articles = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.require_articles and not context["paginator"].count:
            raise Http404(_("There are no published articles here."))
        return context


class ArticleArchiveIndexView(PublishedArticleMixin, ArchiveIndexView):
    """The home page: the latest articles, newest first."""

    allow_empty = True  # An empty site says "no articles yet" instead of 404.
    # The months are shown in the "archive by month" box, so the query the view
    # makes anyway for date_list serves it too.
    date_list_period = "month"
    template_name = "articles/article_archive.html"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The months of every published article: the queryset's are the same.
        return Article.objects.published_months()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = [structured_data.website(self.request)]
        return context


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    month_format = "%m"
    # allow_empty = False would cost two more queries (the nearest non-empty
    # months); the archive box links the months that have articles instead, and
    # an empty month still answers 404 below.
    allow_empty = True

    def get_dated_items(self):
        date_list, object_list, extra = super().get_dated_items()
        if not date_list:
            raise Http404(_("No articles were published in this month."))
        return date_list, object_list, extra


def article_context(request, article):
    """
    What an article page shows besides the article: its corrections, related
    articles, every section (the navigation and the breadcrumbs share them) and
    the structured data for search engines. Each is read when the page first
    shows it, so a page put together from kept fragments reads none: at most
    two queries whatever the site's size (the sections, which the navigation
    then does not read again, and the related articles), a third for an article
    with corrections.
    """
    categories = SimpleLazyObject(lambda: list(Category.objects.all()))
    # Most articles have none: the article's query says so (with_corrections),
    # and only an article with corrections reads them.
    has_corrections = getattr(article, "has_corrections", True)
    corrections = SimpleLazyObject(
        lambda: list(article.corrections.all()) if has_corrections else []
    )
    related = SimpleLazyObject(
        lambda: list(
            Article.objects.published()
            .related_to(article)
            .only("title", "slug", "published_at", "created_at")
        )
    )
    return {
        "all_categories": categories,
        "corrections": corrections,
        "related_articles": related,
        "structured_data": SimpleLazyObject(
            lambda: [
                structured_data.news_article(request, article, corrections),
                structured_data.breadcrumbs(
                    request, article, {c.pk: c for c in categories}
                ),
            ]
        ),
    }


class ArticleYearArchiveView(PublishedArticleMixin, YearArchiveView):
    """A year's articles, newest first, with the months that have some."""

    make_object_list = True
    allow_empty = True  # 404 below, from the months the view reads anyway.

    def get_dated_items(self):
        date_list, object_list, extra = super().get_dated_items()
        if not date_list:
            raise Http404(_("No articles were published in this year."))
        return date_list, object_list, extra


class ArticleDayArchiveView(PublishedArticleMixin, DayArchiveView):
    """A day's articles, as WordPress has them at /2026/12/03/."""

    month_format = "%m"
    allow_empty = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The paginator's count, which the page needs anyway: no extra query.
        if not context["paginator"].count:
            raise Http404(_("No articles were published on this day."))
        return context


class CorrectionListView(ListView):
    """Every correction of a published article, newest first."""

    paginate_by = 20
    paginator_class = CappedPaginator
    template_name = "articles/correction_list.html"

    def get_queryset(self):
        return Correction.objects.published().select_related("article")


class ArticleDateDetailView(DateDetailView):
    """
    One article at its dated address.

    Readers see published articles only. Staff who may change articles also
    see drafts, articles in review and scheduled ones, never cached.
    """

    date_field = "published_at"
    month_format = "%m"

    def get_queryset(self):
        return (
            Article.objects.readable_by(self.request.user)
            .with_corrections()
            .select_related("author__profile", "featured_image")
        )

    def get_allow_future(self):
        return can_preview(self.request.user)

    def get_object(self, queryset=None):
        if can_preview(self.request.user):
            # An unpublished article may have no publish date yet, so its
            # address carries the creation date: the unique slug finds it.
            return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **article_context(self.request, self.object)}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
        return response


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(DetailView):
    """
    Any article, whatever its status, in the real article template.

    Only staff who may change articles get it; everyone else gets a 404, which
    says nothing about whether the article exists.
    """

    template_name = "articles/article_detail.html"
    extra_context = {"is_preview": True}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **article_context(self.request, self.object)}

    def get_queryset(self):
        if not can_preview(self.request.user):
            return Article.objects.none()
        return (
            Article.objects.readable_by(self.request.user)
            .with_corrections()
            .select_related("author__profile", "featured_image")
            .prefetch_related("categories", "tags")
        )


class CategoryArticleListView(ArticleListView):
    """A section: its own articles and those of its subcategories."""

    template_name = "articles/category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArticleListView(ArticleListView):
    template_name = "articles/tag.html"
    # A tag used only on unpublished articles has no public page.
    require_articles = True

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorArticleListView(ArticleListView):
    template_name = "articles/author.html"
    # Only people who signed a published article have a public page.
    require_articles = True

    def get_queryset(self):
        self.author = get_object_or_404(
            get_user_model().objects.select_related("profile"),
            username=self.kwargs["username"],
            is_active=True,
        )
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        profile = getattr(self.author, "profile", None)
        return super().get_context_data(author=self.author, profile=profile, **kwargs)


class ArticleSearchView(ArticleListView):
    """Search results for ?q=; with no query, only the form."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


# Google News reads articles of the last two days from its sitemap, at most
# 1,000 of them.
NEWS_SITEMAP_AGE = timedelta(hours=48)
NEWS_SITEMAP_SIZE = 1000


class NewsSitemapView(TemplateView):
    """The Google News sitemap: articles published in the last 48 hours."""

    template_name = "news_sitemap.xml"
    content_type = "application/xml; charset=utf-8"

    def get_context_data(self, **kwargs):
        since = timezone.now() - NEWS_SITEMAP_AGE
        articles = list(
            Article.objects.published()
            .filter(published_at__gte=since, noindex=False)
            .only("title", "slug", "published_at", "created_at")
            .order_by("-published_at", "-pk")[:NEWS_SITEMAP_SIZE]
        )
        if articles:
            # The page changes when its oldest article turns 48 hours old.
            pagecache.expires_by(
                self.request, articles[-1].published_at + NEWS_SITEMAP_AGE
            )
        return super().get_context_data(
            articles=articles,
            publication=settings.SITE_NAME,
            language=settings.LANGUAGE_CODE,
            **kwargs,
        )


class SitemapIndexView(TemplateView):
    """The sitemaps of the site: every page, and the news of the last two days."""

    template_name = "sitemap_index.xml"
    content_type = "application/xml; charset=utf-8"
