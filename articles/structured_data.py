"""
What search engines read of a page besides its text: schema.org data as
JSON-LD (NewsArticle, BreadcrumbList, WebSite with a SearchAction), built as
plain dicts here and written into the page by ``{% json_ld %}``
(templatetags/news.py), escaped so that no value can close the script element.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

# The publisher's logo (static/), at least 112 pixels as Google asks.
LOGO = "logo.png"
# What <, > and & become inside the script element, as json_script does.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def to_script(data):
    """``data`` as the body of a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_ESCAPES))


def moment(value):
    """A date and time with its offset, to the second (ISO 8601)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def category_path(category, categories):
    """The category and its parents, top-level first; ``categories`` maps every
    category by primary key (the navigation reads them all anyway)."""
    path, seen = [], set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        path.append(category)
        category = categories.get(category.parent_id)
    return path[::-1]


def publisher(request):
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:index")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO)),
            "width": 600,
            "height": 600,
        },
    }


def image_urls(request, image):
    """The featured image's 16:9, 4:3 and 1:1 crops, 1200 pixels wide."""
    if image is None:
        return []
    return [
        request.build_absolute_uri(getattr(image, name).url)
        for name in ("crop_16x9", "crop_4x3", "crop_1x1")
    ]


def news_article(request, article, corrections=()):
    """The NewsArticle of an article page, with Google's required and
    recommended properties."""
    url = request.build_absolute_uri(article.get_absolute_url())
    author_url = request.build_absolute_uri(
        reverse("articles:author", kwargs={"username": article.author.get_username()})
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.standfirst or article.title,
        "image": image_urls(request, article.featured_image),
        "author": [{"@type": "Person", "name": article.byline_name, "url": author_url}],
        "publisher": publisher(request),
        "isAccessibleForFree": True,
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if article.published_at:
        data["datePublished"] = moment(article.published_at)
        data["dateModified"] = moment(article.modified_at())
    sections = [c.name for c in article.category_list]
    if sections:
        data["articleSection"] = sections
    keywords = [t.name for t in article.tag_list]
    if keywords:
        data["keywords"] = keywords
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": moment(correction.date),
            }
            for correction in corrections
        ]
    return data


def breadcrumbs(request, article, categories):
    """Home, the article's first section with its parents, the article."""
    first = next(iter(article.category_list), None)
    trail = [(settings.SITE_NAME, reverse("articles:index"))]
    if first is not None:
        trail += [
            (c.name, c.get_absolute_url()) for c in category_path(first, categories)
        ]
    trail.append((article.title, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def website(request):
    """The home page's WebSite, with the site search as its SearchAction."""
    search = request.build_absolute_uri(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:index")),
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }
