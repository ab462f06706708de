"""The comments under an article: count, threads, pages, reply links, queries."""

import re
from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse
from django.utils import timezone, translation

from comments.models import ModerationSettings
from newsroom.sanitize import comment_text_to_html
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def approved(article, **fields):
    return CommentFactory(article=article, approved=True, **fields)


def ids_in_order(response):
    return [
        int(i) for i in re.findall(r'<li id="comment-(\d+)"', response.content.decode())
    ]


def test_count_wording(client):
    """None: an invitation; one: "1 comment"; more: "N comments"."""
    article = ArticleFactory()
    url = article.get_absolute_url()
    assertContains(client.get(url), "Commenta per primo")
    approved(article)
    assertContains(client.get(url), "1 commento<")
    approved(article)
    CommentFactory(article=article)  # pending: not counted
    assertContains(client.get(url), "2 commenti")


def test_count_is_translated(client):
    """The count reads in Italian on the Italian site."""
    article = ArticleFactory()
    approved(article)
    with translation.override("it"):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def test_only_approved_comments_are_shown(client):
    """Pending, spam and trashed comments never reach readers."""
    article = ArticleFactory()
    approved(article, body="Visible remark")
    CommentFactory(article=article, body="Pending remark")
    CommentFactory(article=article, spam=True, body="Spam remark")
    CommentFactory(article=article, trashed=True, body="Trashed remark")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Visible remark")
    for hidden in ("Pending remark", "Spam remark", "Trashed remark"):
        assertNotContains(response, hidden)


def test_comments_in_date_order_with_anchor_and_date(client):
    """Oldest first, each with its #comment-<id> anchor and a localised date."""
    article = ArticleFactory()
    now = timezone.now()
    late = approved(article, created_at=now - timedelta(hours=1))
    early = approved(article, created_at=now - timedelta(hours=2))
    response = client.get("/en" + article.get_absolute_url())
    assert ids_in_order(response) == [early.pk, late.pk]
    assertContains(response, f'href="#comment-{early.pk}"')
    assertContains(
        response, f'datetime="{timezone.localtime(early.created_at):%Y-%m-%dT%H}'
    )


def test_author_links_to_their_website_nofollow(client):
    """The author's name links to their website with rel="nofollow ugc"."""
    article = ArticleFactory()
    approved(article, author_name="Paolo", author_url="https://paolo.example/")
    approved(article, author_name="Lucia")
    response = client.get(article.get_absolute_url())
    assertContains(
        response, '<a href="https://paolo.example/" rel="nofollow ugc">Paolo</a>'
    )
    assertNotContains(response, ">Lucia</a>")


def test_threads_nest_replies(client):
    """Replies are listed inside their parent's item, in a nested list."""
    article = ArticleFactory()
    root = approved(article)
    reply = approved(article, parent=root)
    other = approved(article)
    html = client.get(article.get_absolute_url()).content.decode()
    start = html.index(f'<li id="comment-{root.pk}"')
    nested = html.index('<ol class="comment-list comment-list--replies">', start)
    assert (
        start
        < nested
        < html.index(f'id="comment-{reply.pk}"')
        < html.index(f'id="comment-{other.pk}"')
    )
    assert html.count("<ol") == html.count("</ol>")
    assert html.count('<li id="comment-') == 3


def test_depth_limit_flattens_deeper_replies_and_hides_reply_links(client):
    """Beyond thread_depth replies stay at the last level, with no reply link there."""
    rules = ModerationSettings.load()
    rules.thread_depth = 2
    rules.save()
    article = ArticleFactory()
    a = approved(article)
    b = approved(article, parent=a)
    c = approved(article, parent=b)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'id="comment-{c.pk}" class="comment comment--depth-2' in html
    assert f"replyto={a.pk}#respond" in html
    assert f"replyto={b.pk}#respond" not in html
    assert html.count("<ol") == html.count("</ol>")


def test_reply_link_works_without_javascript(client):
    """?replyto=<id> shows the form as a reply to that comment, with a way back."""
    article = ArticleFactory()
    parent = approved(article, author_name="Giorgio")
    response = client.get(article.get_absolute_url() + f"?replyto={parent.pk}")
    assertContains(response, "Rispondi a Giorgio")
    assertContains(response, f'name="parent" value="{parent.pk}"')
    assertContains(response, "Annulla risposta")


def test_reply_to_unknown_comment_is_ignored(client):
    """A replyto that is not a shown comment gives the ordinary form."""
    article = ArticleFactory()
    pending = CommentFactory(article=article)
    response = client.get(article.get_absolute_url() + f"?replyto={pending.pk}")
    assertContains(response, "Lascia un commento")
    assertNotContains(response, f'name="parent" value="{pending.pk}"')


def test_long_threads_paginate(client, settings):
    """Top-level threads are split in pages; replies stay with their thread."""
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory()
    now = timezone.now()
    roots = [
        approved(article, created_at=now - timedelta(minutes=10 - i)) for i in range(3)
    ]
    reply = approved(article, parent=roots[1], created_at=now)
    first = client.get(article.get_absolute_url())
    assert ids_in_order(first) == [roots[0].pk, roots[1].pk, reply.pk]
    assertContains(first, "Pagina 1 di 2 dei commenti")
    assertContains(first, "?cpage=2#comments")
    second = client.get(article.get_absolute_url() + "?cpage=2")
    assert ids_in_order(second) == [roots[2].pk]
    assertContains(second, "4 commenti")
    # A reply link keeps the reader on the page of the thread.
    assertContains(second, f'href="?cpage=2&amp;replyto={roots[2].pk}#respond"')


def test_reply_links_replace_an_earlier_reply_choice(client):
    """On ?replyto=A, the link to reply to B asks for B alone."""
    article = ArticleFactory()
    a, b = approved(article), approved(article)
    response = client.get(article.get_absolute_url() + f"?replyto={a.pk}")
    assertContains(response, f'href="?replyto={b.pk}#respond"')
    assertNotContains(response, f"replyto={a.pk}&amp;replyto")


def test_after_posting_the_page_with_the_comment_opens(client, settings):
    """The ?comment=<id> after posting opens the page holding that comment."""
    settings.COMMENTS_PER_PAGE = 1
    article = ArticleFactory()
    now = timezone.now()
    approved(article, created_at=now - timedelta(minutes=3))
    root = approved(article, created_at=now - timedelta(minutes=2))
    reply = approved(article, parent=root, created_at=now)
    response = client.get(article.get_absolute_url() + f"?comment={reply.pk}")
    assert reply.pk in ids_in_order(response)
    assertContains(response, "Pagina 2 di 2 dei commenti")


def test_own_pending_comment_shown_only_to_its_browser(client, post_comment):
    """The author's browser sees its pending comment marked as awaiting moderation."""
    article = ArticleFactory()
    approved(article, body="Someone else's")
    post_comment(article, body="Mine, pending")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Mine, pending")
    assertContains(response, "Il tuo commento è in attesa di moderazione.")
    assertContains(response, "1 commento<")
    stranger = client.__class__().get(article.get_absolute_url())
    assertNotContains(stranger, "Mine, pending")


def test_tampered_pending_cookie_shows_nothing_extra(client):
    """Another reader's pending comment cannot be revealed by forging the cookie."""
    article = ArticleFactory()
    pending = CommentFactory(article=article, body="Private pending")
    client.cookies["comments_pending"] = f"[{pending.pk}]"
    assertNotContains(client.get(article.get_absolute_url()), "Private pending")


@pytest.mark.parametrize("count", [0, 50, 500])
def test_article_page_queries_do_not_grow_with_comments(
    client, count, django_assert_num_queries, settings
):
    """The same number of queries with 0, 50 or 500 threaded comments."""
    settings.COMMENTS_PER_PAGE = 1000
    article = ArticleFactory()
    parents = []
    for i in range(count):
        parent = parents[i // 3] if i >= 3 and i % 2 else None
        parents.append(CommentFactory(article=article, approved=True, parent=parent))
    client.get(article.get_absolute_url())  # warm caches (settings row, etc.)
    with django_assert_num_queries(_baseline(client)):
        response = client.get(article.get_absolute_url())
    assert len(ids_in_order(response)) == count


_BASELINE = {}


def _baseline(client):
    """Queries for an article page with no comments, measured once."""
    if "n" not in _BASELINE:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        article = ArticleFactory()
        client.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            client.get(article.get_absolute_url())
        _BASELINE["n"] = len(ctx.captured_queries)
    return _BASELINE["n"]


def test_comment_section_costs_two_queries(client, django_assert_num_queries):
    """The section itself: the moderation settings and the comments, nothing more."""
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    ModerationSettings.load()  # the row exists on any running site
    article = ArticleFactory()
    root = approved(article)
    approved(article, parent=root)
    request = RequestFactory().get(article.get_absolute_url())
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    template = Template("{% load comment_tags %}{% comment_section article %}")
    with django_assert_num_queries(2):
        html = template.render(RequestContext(request, {"article": article}))
    assert "2 commenti" in html


@pytest.mark.django_db
def test_preview_of_a_draft_says_comments_open_on_publication(client, editor):
    """
    A draft's preview shows no comment form, since posting on an unpublished
    article is refused; it says when comments open instead.
    """
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = client.get(reverse("articles:preview", kwargs={"pk": article.pk}))

    assertContains(
        response, "I commenti si apriranno quando l'articolo sarà pubblicato."
    )
    assertNotContains(response, 'class="comment-form"')
    assertNotContains(response, "I commenti sono chiusi.")


@pytest.mark.django_db
def test_edited_comment_text_shows_as_edited(client):
    """A moderator's edit changes what readers see, still escaped and linked."""
    from comments import moderation

    comment = CommentFactory(approved=True, body="First words")
    moderation.edit_body(comment, "Second words <b>bold</b> www.example.org", by=None)

    page = client.get(comment.article.get_absolute_url())

    assertNotContains(page, "First words")
    assertContains(page, "Second words &lt;b&gt;bold&lt;/b&gt;")
    assertContains(page, 'rel="nofollow ugc"')


@pytest.mark.parametrize(
    "text, link, after",
    [
        ('see "https://example.org/a" ok', "https://example.org/a", '" ok'),
        ("read https://example.org/b.", "https://example.org/b", "."),
        ("both https://example.org/c, then", "https://example.org/c", ", then"),
        ("«https://example.org/d»", "https://example.org/d", "»"),
        ("(https://example.org/e)", "https://example.org/e", ")"),
        ("[https://example.org/f]", "https://example.org/f", "]"),
        ("<https://example.org/g>!", "https://example.org/g", "&gt;!"),
        ("https://example.org/h?'", "https://example.org/h", "?'"),
    ],
)
def test_links_in_comments_end_before_trailing_punctuation(text, link, after):
    html = comment_text_to_html(text)
    assert f'href="{link}"' in html
    assert f">{link}</a>{after}" in html
    assert "&quot;" not in html.split("href=")[1].split(">")[0]
