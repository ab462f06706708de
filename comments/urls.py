from django.urls import path

from . import views
from .feeds import ArticleCommentsFeed, LatestCommentsFeed

app_name = "comments"

urlpatterns = [
    path(
        "comments/post/<int:article_id>/",
        views.CommentPostView.as_view(),
        name="post",
    ),
    path("comments/privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("comments/feed/", LatestCommentsFeed(), name="feed"),
    path(
        "comments/feed/<int:article_id>/", ArticleCommentsFeed(), name="article-feed"
    ),
]
