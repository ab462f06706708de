from django.views.generic.dates import ArchiveIndexView

from .models import Article


class PublishedArticleMixin:
    date_field = "published_at"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().select_related(
            "author__profile", "featured_image"
        )


class ArticleArchiveIndexView(PublishedArticleMixin, ArchiveIndexView):
    allow_empty = True
    template_name = "articles/article_list.html"
