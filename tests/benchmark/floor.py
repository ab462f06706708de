"""
The floor for Django: the benchmark's article page with no framework features.

This module is at once the settings, the URLconf and the view of a minimal
Django site. No middleware, no sessions, no i18n, no context processors: one URL,
two ORM queries (the article with its author, its approved comments) and one
template compiled once, fed a thread that is built in Python. gunicorn serves it
with ``django.core.wsgi:get_wsgi_application()`` and
``DJANGO_SETTINGS_MODULE=tests.benchmark.floor``.
"""

import os

import dj_database_url

from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "floor-benchmark-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = __name__
MIDDLEWARE = []
# The models live in these apps; their admin, templates and tags are not used.
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    # A comment may hang on a static page (imported from WordPress).
    "django.contrib.sites",
    "django.contrib.flatpages",
    "imagekit",
    "articles",
    "comments",
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Rome")
USE_I18N = False

PAGE = Engine(debug=False).from_string(
    """<!doctype html>
<html lang="it"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ article.title }}</title></head>
<body><main id="main-content"><article>
<h1>{{ article.title }}</h1>
<p class="standfirst">{{ article.standfirst }}</p>
<p class="byline">{{ byline }} · <time datetime="{{ article.published_at|date:'c' }}">
{{ article.published_at|date:'j F Y, H:i' }}</time></p>
{{ article.body|safe }}
</article>
<section id="comments"><h2>{{ comments|length }} commenti</h2>
<ol class="comments">{% for c, depth in comments %}
<li id="comment-{{ c.pk }}" class="depth-{{ depth }}">
<p class="author">{{ c.author_name }} <time datetime="{{ c.created_at|date:'c' }}">
{{ c.created_at|date:'j F Y, H:i' }}</time></p>
{{ c.body|linebreaks }}<a href="?replytocom={{ c.pk }}#respond">Rispondi</a></li>
{% endfor %}</ol></section></main></body></html>"""
)


def threaded(comments):
    """Return (comment, depth) pairs in thread order: each reply after its parent."""
    children = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    ordered = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, ()):
            ordered.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return ordered


def article(request, slug):
    from articles.models import Article
    from comments.models import Comment

    item = Article.objects.select_related("author").get(slug=slug)
    comments = Comment.objects.filter(article=item, status="approved").only(
        "pk", "parent_id", "author_name", "body", "created_at"
    )
    byline = item.byline or item.author.get_full_name() or item.author.username
    context = Context(
        {"article": item, "byline": byline, "comments": threaded(comments)}
    )
    return HttpResponse(PAGE.render(context))


urlpatterns = [path("floor/<slug:slug>/", article)]
