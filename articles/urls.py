from django.urls import path, register_converter

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

urlpatterns = [
    path("", reader_page(views.ArticleArchiveIndexView.as_view()), name="index"),
    path("feed/", reader_page(feeds.LatestArticlesFeed()), name="feed"),
    path("search/", reader_page(views.ArticleSearchView.as_view()), name="search"),
    path(
        "<yyyy:year>/<dd:month>/",
        reader_page(views.ArticleMonthArchiveView.as_view()),
        name="archive-month",
    ),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        reader_page(views.ArticleDateDetailView.as_view()),
        name="detail",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path(
        "category/<slug:slug>/",
        reader_page(views.CategoryArticleListView.as_view()),
        name="category",
    ),
    path(
        "category/<slug:slug>/feed/",
        reader_page(feeds.CategoryArticlesFeed()),
        name="category-feed",
    ),
    path(
        "tag/<slug:slug>/", reader_page(views.TagArticleListView.as_view()), name="tag"
    ),
    path(
        "tag/<slug:slug>/feed/", reader_page(feeds.TagArticlesFeed()), name="tag-feed"
    ),
    path(
        "author/<str:username>/",
        reader_page(views.AuthorArticleListView.as_view()),
        name="author",
    ),
]
