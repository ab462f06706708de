from django import template

from .. import thread

register = template.Library()


@register.inclusion_tag("comments/includes/comments.html", takes_context=True)
def comment_section(context, article):
    """The comments under an article and the form to add one (``thread.section``)."""
    return thread.section(context.get("request"), article)


@register.inclusion_tag("comments/includes/page_comments.html")
def page_comments(page):
    """The comments under a static page, with no form (``thread.page_section``)."""
    return thread.page_section(page)
