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
    # Translated address: /commenti/segnala/<id>/ in Italian. The form is a
    # reader's page (no cookie for an anonymous reader); it posts, checked by
    # its origin, to itself.
    path(
        _("comments/report/<int:comment_id>/"),
        origin_checked(reader_page(views.ReportView.as_view(), depends_on=[COMMENTS])),
        name="report",
    ),
    path(
        "comments/privacy/",
        reader_page(views.PrivacyView.as_view()),
        name="privacy",
    ),
    # Translated addresses: /commenti/i-miei-dati/ in Italian. The request form
    # is on the privacy page, a reader's page; it posts, checked by its origin.
    path(
        _("comments/my-data/"),
        origin_checked(reader_page(views.DataRequestView.as_view())),
        name="data-request",
    ),
    # The mailed link's page: the signed token authorizes. Never page-cached.
    path(
        _("comments/my-data/<str:token>/"),
        origin_checked(views.MyDataView.as_view()),
        name="my-data",
    ),
    # Translated address, as in the mail's language: /commenti/disiscrizione/…
    # in Italian, /en/comments/unsubscribe/… in English. Never page-cached.
    path(
        _("comments/unsubscribe/<str:token>/"),
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path(
        _("comments/status/<str:token>/"),
        # Its author acts from any browser, signed in or not: the signed link is
        # what authorizes; posts are checked as the comment form's are.
        origin_checked(views.CommentStatusView.as_view()),
        name="status",
    ),
    path(
        _("comments/confirm-email/<str:token>/"),
        origin_checked(views.ConfirmEmailView.as_view()),
        name="confirm-email",
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
