"""
The comment thread under an article: its comments arranged in threads and
pages, the reply links, and the form to add one. ``section`` builds the context
that ``{% comment_section %}`` renders.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from crispy_forms.utils import render_crispy_form

from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from newsroom import pagecache
from newsroom.templatetags.site import datetime_attr

from . import moderation, receipts
from .cache import comments_of
from .cookies import AUTHOR_COOKIE, PENDING_COOKIE, pending_ids, remembered_author
from .forms import CommentForm, issue_token
from .models import Comment, ModerationSettings

# After posting, the article opens at the page of the thread holding the comment.
FOCUS_PARAMETER = "comment"


@dataclass
class Node:
    """One comment in the flattened thread, with the markup it needs around it."""

    comment: Comment
    depth: int
    can_reply: bool = False
    opens: bool = False  # its replies follow, in a nested list
    closes: range = range(0)  # nested lists to close after it

    @property
    def pending(self):
        return self.comment.status == Comment.Status.PENDING

    @property
    def reportable(self):
        """Readers may report published comments (not their own pending ones)."""
        comment = self.comment
        return comment.status == Comment.Status.APPROVED and not comment.author_deleted

    @property
    def body_html(self):
        # Comment.save() derived it with comment_text_to_html, which escapes
        # everything the reader typed.
        return mark_safe(self.comment.body_html)

    @property
    def author_link(self):
        url = self.comment.author_url
        return url if url.lower().startswith(("http://", "https://")) else ""


def build_thread(comments, max_depth):
    """
    Arrange comments (oldest first) into threads.

    Returns the root comments, the editors' featured ones first, and a function
    giving the flattened nodes of a list of roots. Replies deeper than max_depth
    are shown at max_depth, after their parent; a reply whose parent is not
    shown starts a thread of its own.
    """
    shown = {c.pk for c in comments}
    children = defaultdict(list)
    roots = []
    for comment in comments:
        if comment.parent_id in shown:
            children[comment.parent_id].append(comment)
        else:
            roots.append(comment)
    # The editors' selection comes first, each in its own order (sort is stable).
    roots.sort(key=lambda c: not c.featured)
    max_depth = max(max_depth, 1)

    def flatten(page_roots):
        nodes = []
        stack = [(root, 1) for root in reversed(page_roots)]
        while stack:
            comment, depth = stack.pop()
            nodes.append(Node(comment, min(depth, max_depth)))
            stack.extend((c, depth + 1) for c in reversed(children[comment.pk]))
        for node, following in zip(nodes, [*nodes[1:], None], strict=False):
            next_depth = following.depth if following else 1
            node.opens = next_depth > node.depth
            node.closes = range(0 if node.opens else node.depth - next_depth)
        return nodes

    return roots, flatten


def render_thread(nodes, query, own=frozenset()):
    """
    The HTML of the thread's nodes: the list items and their nested lists.

    Built in Python rather than in a template loop: a page of 50 comments costs
    Django's template engine about 1,000 nodes, which was most of the article
    page's rendering time (see README, "Benchmark"). Everything the reader
    wrote is escaped here, except body_html, which Comment.save() derived with
    comment_text_to_html from escaped text. ``query`` is the request's query
    string, kept in the reply links as {% querystring %} would keep it.
    ``own`` holds the ids of the comments this browser posted: their author
    gets the link to the status page (edit, delete) while it may still edit.
    """
    reply_query = query.copy()
    reply_query.pop("replyto", None)
    # The usual case, a page address with no query: no encoding per comment.
    prefix = escape(
        f"?{reply_query.urlencode()}&replyto=" if reply_query else "?replyto="
    )
    awaiting = escape(gettext("Your comment is awaiting moderation."))
    follow = escape(gettext("Follow it"))
    change = escape(gettext("Edit or delete"))
    deleted = escape(gettext("Comment deleted by its author."))
    reply = escape(gettext("Reply"))
    report = escape(gettext("Report"))
    # Reversed once: a reverse() per comment would cost the thread's rendering.
    report_prefix = escape(reverse("comments:report", args=[1]).removesuffix("1/"))
    staff_label = escape(gettext("Newsroom staff"))
    staff = f'<span class="comment__badge comment__badge--staff">{staff_label}</span>\n'
    featured_label = escape(gettext("Selected by the editors"))
    featured = f'<p class="comment__featured">{featured_label}</p>\n'
    shown = {node.comment.pk for node in nodes}
    parts = []
    for node in nodes:
        comment = node.comment
        pk = comment.pk
        # An imported comment also answers to its number on the old site, so
        # old links ending in #comment-<number> land on it; never when another
        # comment on the page has that number as its own.
        former = comment.former_id
        former_anchor = (
            f' id="comment-{former}"' if former and former not in shown else ""
        )
        name = escape(comment.author_name)
        author = (
            f'<a href="{escape(node.author_link)}" rel="nofollow ugc">{name}</a>'
            if node.author_link
            else name
        )
        if comment.author_deleted:
            author = ""
        created = timezone.localtime(comment.created_at)
        pending = " comment--pending" if node.pending else ""
        if comment.kind != Comment.Kind.COMMENT:
            pending += f" comment--{comment.kind}"
        if comment.featured:
            pending += " comment--featured"
        if comment.by_staff:
            pending += " comment--staff"
        parts.append(
            f'<li id="comment-{pk}" class="comment comment--depth-{node.depth}'
            f'{pending}">\n'
            f'<article class="comment__body"{former_anchor}'
            f' aria-labelledby="comment-{pk}-author">\n'
            f"{featured if comment.featured else ''}"
            f'<header class="comment__meta">\n'
            f'<span id="comment-{pk}-author" class="comment__author">{author}</span>\n'
            f"{staff if comment.by_staff else ''}"
            f'<a class="comment__permalink" href="#comment-{pk}"><time datetime="'
            f'{datetime_attr(created)}">'
            f"{escape(formats.date_format(created, 'DATETIME_FORMAT'))}</time></a>\n"
            f"</header>\n"
        )
        if node.pending:
            # Shown to its author alone (comments.cookies): their status link.
            parts.append(
                f'<p class="comment__status" role="status">{awaiting}'
                f' <a href="{escape(receipts.status_url(comment))}"'
                f' rel="nofollow">{follow}</a></p>\n'
            )
        elif comment.pk in own and receipts.editable(comment):
            parts.append(
                f'<p class="comment__status"><a href="'
                f'{escape(receipts.status_url(comment))}" rel="nofollow">{change}'
                f"</a></p>\n"
            )
        if comment.author_deleted:
            parts.append(
                f'<p class="comment__text comment__text--deleted">{deleted}</p>\n'
            )
        else:
            parts.append(f'<div class="comment__text">{node.body_html}</div>\n')
        links = []
        if node.can_reply:
            label = gettext("Reply to %(name)s") % {"name": comment.author_name}
            links.append(
                f'<a class="comment__reply" href="{prefix}{pk}#respond"'
                f' rel="nofollow" aria-label="{escape(label)}">{reply}</a>'
            )
        if node.reportable:
            label = gettext("Report the comment by %(name)s") % {
                "name": comment.author_name
            }
            links.append(
                f'<a class="comment__report" href="{report_prefix}{pk}/"'
                f' rel="nofollow" aria-label="{escape(label)}">{report}</a>'
            )
        if links:
            parts.append(f'<p class="comment__actions">{" ".join(links)}</p>\n')
        parts.append("</article>\n")
        if node.opens:
            parts.append('<ol class="comment-list comment-list--replies">\n')
        else:
            parts.append("</li>\n" + "</ol></li>\n" * len(node.closes))
    return mark_safe("".join(parts))


def _root_of(comment_id, comments):
    parents = {c.pk: c.parent_id for c in comments}
    seen = set()
    while parents.get(comment_id) in parents and comment_id not in seen:
        seen.add(comment_id)
        comment_id = parents[comment_id]
    return comment_id


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def section(request, article):
    """
    The context of the comments under an article and the form to add one.

    One query fetches the approved comments (and the reader's own pending ones);
    threads, pages and reply links are worked out here. ``request`` may be None
    (a page rendered outside a request): no pending comments, no form values.
    """
    if request is not None:
        # The page shows this article's comments: it is stale when they change.
        pagecache.depends_on(request, comments_of(article.pk))
        # The reader's pending comments and remembered name are theirs alone.
        pagecache.personal_cookies(request, PENDING_COOKIE, AUTHOR_COOKIE)
    rules = ModerationSettings.load()
    own_pending = pending_ids(request) if request else []
    comments = list(Comment.objects.shown(article=article, own_pending=own_pending))
    approved_count = sum(
        c.status == Comment.Status.APPROVED and not c.author_deleted for c in comments
    )
    roots, flatten = build_thread(comments, rules.thread_depth)

    paginator = Paginator(roots, settings.COMMENTS_PER_PAGE)
    query = request.GET if request else {}
    number = _int(query.get("cpage"))
    focus = _int(query.get(FOCUS_PARAMETER))
    if number is None and focus is not None:
        root = _root_of(focus, comments)
        index = next((i for i, c in enumerate(roots) if c.pk == root), 0)
        number = index // paginator.per_page + 1
    page = paginator.get_page(number)
    nodes = flatten(page.object_list)

    closed = moderation.comments_closed(article, rules)
    if (
        request is not None
        and not closed
        and rules.close_after_days
        and article.published_at
    ):
        # The form goes away by itself when comments close.
        pagecache.expires_by(
            request, article.published_at + timedelta(days=rules.close_after_days)
        )
    reply_to = None
    for node in nodes:
        node.can_reply = (
            not closed
            and not node.pending
            and not node.comment.author_deleted
            and node.depth < max(rules.thread_depth, 1)
        )
        if node.can_reply and node.comment.pk == _int(query.get("replyto")):
            reply_to = node.comment

    form = form_html = None
    if not closed:
        user = getattr(request, "user", None)
        remembered = remembered_author(request) if request else {}
        form = CommentForm(
            article=article,
            user=user,
            initial={
                "author_name": remembered.get("name", ""),
                "author_email": remembered.get("email", ""),
                "author_url": remembered.get("url", ""),
                "remember": bool(remembered),
                "parent": reply_to.pk if reply_to else None,
            },
        )
        if request is not None:
            # On a cached page the form's "shown at" time is signed afresh for
            # each reader, not frozen with the page.
            form.fields["issued"].initial = pagecache.per_request(
                request, issue_token, article.pk
            )
        if not remembered and form.user is None:
            form_html = _rendered_form(form, reply_to)
    return {
        "article": article,
        "count": approved_count,
        "nodes": nodes,
        "thread": render_thread(
            nodes, request.GET if request else QueryDict(), own=set(own_pending)
        ),
        "page": page,
        "closed": closed,
        "unpublished": not article.is_published(),
        "form": form,
        "form_html": form_html,
        "reply_to": reply_to,
        "post_url": reverse("comments:post", args=[article.pk]),
        "request": request,
        "user": getattr(request, "user", None),
    }


def page_section(page):
    """
    The comments under a static page: imported with it, shown as they were.
    New comments go on articles only, so there is no form.
    """
    comments = list(Comment.objects.shown(page=page))
    if not comments:
        return {"count": 0}
    rules = ModerationSettings.load()
    roots, flatten = build_thread(comments, rules.thread_depth)
    nodes = flatten(roots)
    return {
        "count": len(comments),
        "nodes": nodes,
        "thread": render_thread(nodes, QueryDict()),
    }


# The empty comment form as crispy-forms renders it, per language and reply
# target: the same for every reader whose form holds no value of their own (the
# "shown at" time is a per-request placeholder, filled in on the way out).
_rendered_forms = {}
RENDERED_FORMS = 1_000


def _rendered_form(form, reply_to):
    issued = form.fields["issued"].initial
    if not pagecache.is_per_request(issued):
        return None
    key = (get_language(), reply_to.pk if reply_to else None, issued)
    html = _rendered_forms.get(key)
    if html is None:
        html = render_crispy_form(form, helper=form.helper)
        if len(_rendered_forms) >= RENDERED_FORMS:
            _rendered_forms.clear()
        _rendered_forms[key] = html
    return mark_safe(html)
