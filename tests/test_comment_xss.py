"""Whatever a reader types is shown as text: no field can inject markup or script."""

import akismet
import pytest
from pytest_django.asserts import assertContains, assertNotContains

from comments import spam
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><svg onload=alert(1)>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_is_escaped(client, payload):
    """HTML in the comment text is shown as text, never executed."""
    article = ArticleFactory()
    CommentFactory(article=article, approved=True, body=f"Look: {payload}")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert payload not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assertNotContains(response, "<script>alert")
    assertNotContains(response, "<svg onload")


@pytest.mark.django_db
def test_template_syntax_is_shown_literally(client):
    """Template tags in a comment are text, not evaluated."""
    article = ArticleFactory()
    CommentFactory(article=article, approved=True, body="{{ request }}{% debug %}")
    assertContains(client.get(article.get_absolute_url()), "{{ request }}{% debug %}")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_author_name_is_escaped(client, payload):
    """The author's name is escaped, in the comment and in the reply heading."""
    article = ArticleFactory()
    comment = CommentFactory(article=article, approved=True, author_name=payload)
    for url in (
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replyto={comment.pk}",
    ):
        response = client.get(url)
        assertNotContains(response, payload)
        assertNotContains(response, "<script>alert")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        'https://example.org/"onmouseover="alert(1)',
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_website_cannot_inject(client, url):
    """Only http(s) addresses become links, and quotes cannot break out."""
    article = ArticleFactory()
    CommentFactory(article=article, approved=True, author_name="Eve", author_url=url)
    response = client.get(article.get_absolute_url())
    assertNotContains(response, 'href="javascript:')
    assertNotContains(response, 'href="data:')
    assertNotContains(response, '"onmouseover="')


@pytest.mark.django_db
def test_posted_payloads_are_refused_or_escaped_everywhere(
    client, post_comment, settings, monkeypatch, akismet_sync_class
):
    """Posted through the form, payloads in every field end up as harmless text."""
    monkeypatch.setattr(spam, "client_class", _ham_client(akismet_sync_class))
    settings.AKISMET_API_KEY = "k"
    settings.COMMENTS_FLOOD_SECONDS = 0
    article = ArticleFactory()
    payload = PAYLOADS[1]
    response = post_comment(
        article,
        author_name=payload,
        body=payload,
        author_url="https://example.org/?q=<b>",
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == payload  # stored as typed, escaped on output
    page = client.get(article.get_absolute_url())
    assertNotContains(page, payload)
    assertContains(page, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_refused_form_echoes_input_escaped(client, post_comment, payload):
    """A form shown again with errors escapes what the reader typed."""
    article = ArticleFactory()
    response = post_comment(
        article, author_name=payload, author_email="bad", body=payload
    )
    assert response.status_code == 400
    assertNotContains(response, payload, status_code=400)
    assertNotContains(response, "<script>alert", status_code=400)


def _ham_client(base):
    class Ham(base):
        comment_check_response = akismet.CheckResponse.HAM

    return Ham
