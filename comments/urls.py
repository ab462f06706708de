from django.urls import path
from django.utils.translation import gettext_lazy as _

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
    # Translated address, as in the mail's language: /commenti/disiscrizione/…
    # in Italian, /en/comments/unsubscribe/… in English. Never page-cached.
    path(
        _("comments/unsubscribe/<str:token>/"),
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
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
