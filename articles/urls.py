from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from . import feeds, views
from .cache import reader_page


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitConverter:
    """A month or a day, always written with two digits (03, not 3)."""

    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "yyyy")
register_converter(TwoDigitConverter, "dd")

app_name = "articles"

# The query parameters reader's pages read; any other is ignored (page cache).
PAGE = ["page"]
# The article page: what the comment section under it reads (the thread's page,
# the comment to open at, the one replied to).
COMMENT_THREAD = ["cpage", "comment", "replyto"]

urlpatterns = [
    path(
        "",
        reader_page(views.ArticleArchiveIndexView.as_view(), params=PAGE),
        name="index",
    ),
    path("feed/", reader_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    # Translated address: /correzioni/ in Italian, /en/corrections/ in English.
    path(
        _("corrections/"),
        reader_page(views.CorrectionListView.as_view(), params=PAGE),
        name="corrections",
    ),
    path(
        "search/",
        reader_page(views.ArticleSearchView.as_view(), params=["q", *PAGE]),
        name="search",
    ),
    path(
        "<yyyy:year>/",
        reader_page(views.ArticleYearArchiveView.as_view(), params=PAGE),
        name="archive-year",
    ),
    path(
        "<yyyy:year>/<dd:month>/",
        reader_page(views.ArticleMonthArchiveView.as_view(), params=PAGE),
        name="archive-month",
    ),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/",
        reader_page(views.ArticleDayArchiveView.as_view(), params=PAGE),
        name="archive-day",
    ),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        reader_page(views.ArticleDateDetailView.as_view(), params=COMMENT_THREAD),
        name="detail",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path(
        "category/<slug:slug>/",
        reader_page(views.CategoryArticleListView.as_view(), params=PAGE),
        name="category",
    ),
    path(
        "category/<slug:slug>/feed/",
        reader_page(feeds.CategoryArticlesFeed()),
        name="category-feed",
    ),
    path(
        "tag/<slug:slug>/",
        reader_page(views.TagArticleListView.as_view(), params=PAGE),
        name="tag",
    ),
    path(
        "tag/<slug:slug>/feed/", reader_page(feeds.TagArticlesFeed()), name="tag-feed"
    ),
    path(
        "author/<str:username>/",
        reader_page(views.AuthorArticleListView.as_view(), params=PAGE),
        name="author",
    ),
]
