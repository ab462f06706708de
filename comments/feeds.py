from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom import pagecache

from .cache import comments_of
from .models import Comment


def public_comments():
    """Approved comments on published articles, newest first."""
    return (
        Comment.objects.approved()
        .filter(article__in=Article.objects.published(), author_deleted=False)
        .select_related("article")
        .order_by("-created_at", "-pk")
    )


class LatestCommentsFeed(Feed):
    description = _("The latest comments from readers.")

    def title(self):
        return gettext("%(site)s: latest comments") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("articles:index")

    def items(self):
        return public_comments()[:20]

    def item_title(self, item):
        return gettext("%(author)s on “%(article)s”") % {
            "author": item.author_name,
            "article": item.article.title,
        }

    def item_description(self, item):
        # Comments are plain text: readers' markup is shown, never interpreted.
        return linebreaks(item.body, autoescape=True)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author_name


class ArticleCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, article_id):
        article = get_object_or_404(Article.objects.published(), pk=article_id)
        pagecache.depends_on(request, comments_of(article.pk))
        return article

    def title(self, obj):
        return gettext("Comments on “%(article)s”") % {"article": obj.title}

    def description(self, obj):
        return gettext("The latest comments from readers on “%(article)s”.") % {
            "article": obj.title
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return public_comments().filter(article=obj)[:20]
