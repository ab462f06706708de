"""Template tags of the articles: sections, sidebar boxes, images, search."""

import html
import re
from urllib.parse import quote, urlencode

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsroom.sanitize import strip_html

from .. import structured_data
from ..models import (
    RENDITION_WIDTHS,
    SEARCH_MARK_START,
    SEARCH_MARK_STOP,
    Article,
    Category,
)

register = template.Library()

WORDS_PER_MINUTE = 200
SNIPPET_CHARS = 220


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context):
    """
    The sections of the site, each with its subsections, in one query; none
    when the view already read them (``all_categories``).
    """
    categories = context.get("all_categories")
    if categories is None:
        categories = list(Category.objects.all())
    children = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    current = context.get("category")
    return {
        "sections": [
            {"category": c, "children": children.get(c.pk, [])}
            for c in children.get(None, [])
        ],
        "current": current,
    }


@register.inclusion_tag("articles/includes/latest_articles.html")
def latest_articles(count=5):
    """The latest published articles, for a sidebar box."""
    articles = Article.objects.published().only(
        "title", "slug", "published_at", "created_at"
    )[:count]
    return {"articles": articles}


@register.inclusion_tag("articles/includes/archive_months.html")
def archive_months(months=None):
    """
    The months that have published articles, newest first.

    A view that already listed them (the home page's ``date_list``) passes them
    in, which saves the query.
    """
    if months is None:
        months = Article.objects.published_months()
    return {"months": months}


@register.filter
def reading_time(article):
    """'4 minutes' to read the body, at 200 words a minute, never less than 1."""
    minutes = max(1, round(article.word_count / WORDS_PER_MINUTE))
    return ngettext("%(minutes)d minute read", "%(minutes)d minutes read", minutes) % {
        "minutes": minutes
    }


@register.inclusion_tag("articles/includes/picture.html")
def picture(image, sizes="100vw", loading="lazy"):
    """
    An image as <picture>: WebP renditions first, JPEG for older browsers.

    Renditions never upscale, so a small original yields fewer, smaller
    candidates; widths in srcset are the real ones.
    """
    if image is None:
        return {"image": None}
    webp, jpeg = image.renditions("webp"), image.renditions("jpeg")
    largest = webp[-1][1]
    return {
        "image": image,
        "webp_srcset": ", ".join(f"{url} {width}w" for url, width in webp),
        "jpeg_srcset": ", ".join(f"{url} {width}w" for url, width in jpeg),
        "src": getattr(image, f"jpeg_{RENDITION_WIDTHS[1]}").url,
        "width": largest,
        "height": image.height_at(largest),
        "sizes": sizes,
        "loading": loading,
    }


def _marked(text, words):
    """Escape ``text`` and wrap every occurrence of ``words`` in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


@register.simple_tag
def search_snippet(article, query):
    """
    A short passage of the body around the match, with the match in <mark>.

    On PostgreSQL the passage comes from the database (``search_headline``);
    elsewhere it is cut here around the first word of the query found.
    Everything but the <mark> tags is escaped.
    """
    headline = getattr(article, "search_headline", None)
    if headline is not None:
        parts = re.split(
            f"({re.escape(SEARCH_MARK_START)}|{re.escape(SEARCH_MARK_STOP)})",
            headline,
        )
        out = []
        for part in parts:
            if part == SEARCH_MARK_START:
                out.append("<mark>")
            elif part == SEARCH_MARK_STOP:
                out.append("</mark>")
            else:
                out.append(escape(" ".join(html.unescape(part).split())))
        return mark_safe("".join(out))
    text = " ".join(html.unescape(strip_html(article.body)).split())
    words = [w for w in query.split() if w]
    lowered = text.lower()
    hits = [i for i in (lowered.find(w.lower()) for w in words) if i >= 0]
    start = max(0, min(hits) - SNIPPET_CHARS // 3) if hits else 0
    end = start + SNIPPET_CHARS
    if start:
        # Begin at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < min(hits) else start
    snippet = _marked(text[start:end], words)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + snippet + suffix)


@register.simple_tag
def json_ld(data):
    """
    ``data`` as a <script type="application/ld+json"> element: a data block,
    which the CSP lets through as it runs nothing; <, > and & are escaped, so
    no value can end the element.
    """
    return format_html(
        '<script type="application/ld+json">{}</script>',
        structured_data.to_script(data),
    )


@register.inclusion_tag("articles/includes/share_links.html", takes_context=True)
def share_links(context, article):
    """
    Plain links that share the article by mail, WhatsApp, Telegram, Facebook, X
    and LinkedIn: no third-party script, nothing loaded from elsewhere.
    """
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    title = article.title
    services = [
        ("email", _("Email"), "mailto:", {"subject": title, "body": url}),
        ("whatsapp", "WhatsApp", "https://wa.me/", {"text": f"{title} {url}"}),
        ("telegram", "Telegram", "https://t.me/share/url", {"url": url, "text": title}),
        (
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php",
            {"u": url},
        ),
        ("x", "X", "https://x.com/intent/post", {"url": url, "text": title}),
        (
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/",
            {"url": url},
        ),
    ]
    return {
        "url": url,
        "links": [
            (name, label, f"{base}?{urlencode(query, quote_via=quote)}")
            for name, label, base, query in services
        ],
    }
