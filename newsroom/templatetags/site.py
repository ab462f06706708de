"""Template tags every page uses: the site's name, its languages, its static pages."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language, get_language_info

from .. import pagecache, pages

register = template.Library()


@register.tag
def fragment(parser, token):
    """
    ``{% fragment "label" value ... %}…{% endfragment %}``: a part of a reader's
    page that is the same for everyone who gets it with these values, rendered
    once and reused until the page's data changes (``pagecache.fragment``).
    Nothing inside may set a variable that the rest of the page reads.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            "'fragment' takes a label and optionally the values it varies with."
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class FragmentNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context):
        label, *vary = (value.resolve(context) for value in self.values)
        return pagecache.fragment(
            context.get("request"), label, vary, lambda: self.nodelist.render(context)
        )


@register.filter
def datetime_attr(value):
    """
    A moment as the HTML ``datetime`` attribute takes it: local time with its
    offset, to the second (the HTML checker refuses microseconds).
    """
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` on this site, as a whole address (canonical links, social cards)."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def content_language():
    """
    The language the newsroom writes its articles in (LANGUAGE_CODE): pages of
    the other language mark the article text with it.
    """
    return settings.LANGUAGE_CODE


@register.simple_tag
def site_name():
    """The newsroom's name, from the SITE_NAME setting."""
    return settings.SITE_NAME


@register.simple_tag
def footer_pages():
    """The static pages listed in the footer: (title, address) pairs."""
    return pages.footer_pages()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """One small form per other language, posting to set_language."""
    request = context["request"]
    current = get_language()
    return {
        "languages": [
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "next": translate_url(request.get_full_path(), code),
            }
            for code, name in settings.LANGUAGES
            if code != current
        ],
    }


@register.inclusion_tag("includes/hreflang_links.html", takes_context=True)
def hreflang_links(context):
    """<link rel="alternate" hreflang> for this page in every language."""
    request = context["request"]
    path = request.path
    links = [
        {
            "code": code,
            "url": request.build_absolute_uri(translate_url(path, code)),
        }
        for code, name in settings.LANGUAGES
    ]
    if len({link["url"] for link in links}) < len(links):
        # Not a translated page, e.g. a 404: there is nothing to point to.
        return {"links": []}
    default = request.build_absolute_uri(translate_url(path, settings.LANGUAGE_CODE))
    return {"links": links, "default": default}
