from django import template

from newsroom import pagecache

from .. import thread

register = template.Library()

SECTION_TEMPLATE = "comments/includes/comments.html"


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """
    The comments under an article and the form to add one (``thread.section``),
    the same for every reader without comments of their own: rendered once per
    change of the thread, the page of it and the reply asked for.
    """
    request = context.get("request")

    def render():
        section = thread.section(request, article)
        section_template = context.template.engine.get_template(SECTION_TEMPLATE)
        return section_template.render(context.new(section))

    query = request.GET.urlencode() if request is not None else ""
    return pagecache.fragment(request, "comments", [article.pk, query], render)


@register.inclusion_tag("comments/includes/page_comments.html")
def page_comments(page):
    """The comments under a static page, with no form (``thread.page_section``)."""
    return thread.page_section(page)
