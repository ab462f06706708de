from django.urls import path

from articles.cache import reader_page
from newsroom.csrf import origin_checked

from . import views
from .cache import COMMENTS
from .feeds import ArticleCommentsFeed, LatestCommentsFeed

app_name = "comments"

urlpatterns = [
    path(
        "comments/post/<int:article_id>/",
        # Readers post without a CSRF cookie: see newsroom/csrf.py.
        origin_checked(views.CommentPostView.as_view()),
        name="post",
    ),
    path("comments/privacy/", views.PrivacyView.as_view(), name="privacy"),
    path(
        "comments/feed/",
        reader_page(LatestCommentsFeed(), depends_on=[COMMENTS]),
        name="feed",
    ),
    path(
        "comments/feed/<int:article_id>/",
        reader_page(ArticleCommentsFeed()),
        name="article-feed",
    ),
]
