from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path(
        "comments/post/<int:article_id>/",
        views.CommentPostView.as_view(),
        name="post",
    ),
    path("comments/privacy/", views.PrivacyView.as_view(), name="privacy"),
]
