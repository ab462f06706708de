"""
The parts of a reader's page that are the same for everyone (the article, its
comment thread and form, the navigation, the sidebar, the footer) are rendered
once and reused by every page that is not in the page cache, until the data
they show changes (newsroom.pagecache.fragment). Readers see no difference.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.core import signing
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from articles.cache import articles_changed
from comments import moderation
from comments.forms import ISSUED_SALT
from comments.models import Comment
from newsroom.pagecache import CSRF_PLACEHOLDER

from .factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]

ISSUED = re.compile(r'name="issued" value="([^"]+)"')


@pytest.fixture
def article():
    article = ArticleFactory(
        title="Siccità al nord",
        author=UserFactory(username="giulia"),
        categories=[CategoryFactory(name="Cronaca", slug="cronaca")],
        tags=[TagFactory(name="clima", slug="clima")],
    )
    CommentFactory(article=article, approved=True, body="Il primo commento.")
    return article


def without_tokens(html):
    """The page with the form's per-reader "shown at" value taken out."""
    return ISSUED.sub('name="issued" value=""', html.decode())


def fragment_keys():
    backend = caches["default"]
    return [key for key in backend._cache if "fragment:" in key]


def test_a_page_out_of_the_cache_is_put_together_from_kept_parts(
    article, settings, django_assert_num_queries
):
    """
    The second rendering reads only the article itself, and readers get the
    same page, byte for byte, as one rendered whole.
    """
    url = article.get_absolute_url()
    settings.FRAGMENT_CACHE_SECONDS = 0
    whole = Client().get(url)
    settings.FRAGMENT_CACHE_SECONDS = 600
    Client().get(url)

    with django_assert_num_queries(1):
        reused = Client().get(url)

    assert reused.status_code == 200
    assert "X-Page-Cache" not in reused  # the page cache itself is off
    assert without_tokens(reused.content) == without_tokens(whole.content)
    assert fragment_keys()


def test_each_reader_still_gets_a_form_shown_now(article):
    """
    The form's signed time is filled in for each response, not kept with the
    form, and the page sets no cookie.
    """
    url = article.get_absolute_url()
    start = datetime.now(UTC) + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        Client().get(url)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        later = Client().get(url)

    token = ISSUED.search(later.content.decode()).group(1)
    shown = signing.loads(token, salt=ISSUED_SALT)
    assert shown["a"] == article.pk
    assert shown["t"] == pytest.approx((start + timedelta(minutes=5)).timestamp(), 1)
    assert "per-request-placeholder" not in later.content.decode()
    assert not later.cookies
    assert "Cookie" not in later.get("Vary", "")


def test_a_comment_posted_from_a_reused_form_is_accepted(
    client, article, django_capture_on_commit_callbacks
):
    """The form as the kept parts give it is one a reader can post."""
    url = article.get_absolute_url()
    Client().get(url)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2)):
        page = client.get(url)
    token = ISSUED.search(page.content.decode()).group(1)

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=3)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("comments:post", args=[article.pk]),
                {
                    "author_name": "Anna Bianchi",
                    "author_email": "anna@example.org",
                    "body": "Scritto dal modulo riusato.",
                    "issued": token,
                },
                HTTP_ORIGIN="http://testserver",
            )

    assert response.status_code == 302
    assert Comment.objects.filter(body="Scritto dal modulo riusato.").exists()


def test_a_published_comment_shows_at_once(
    article, moderator, django_capture_on_commit_callbacks
):
    """Approving a comment ends the kept thread of its article only."""
    other = ArticleFactory(title="Altra notizia")
    Client().get(article.get_absolute_url())
    Client().get(other.get_absolute_url())
    pending = CommentFactory(article=article, body="Un commento nuovo.")

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(pending, by=moderator)

    assertContains(Client().get(article.get_absolute_url()), "Un commento nuovo.")
    assertNotContains(Client().get(other.get_absolute_url()), "Un commento nuovo.")


def test_an_edited_article_shows_at_once_on_its_page_and_in_sidebars(
    article, django_capture_on_commit_callbacks
):
    """A new title reaches the article, its head and the other pages' sidebar."""
    other = ArticleFactory(title="Altra notizia")
    Client().get(article.get_absolute_url())
    Client().get(other.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Pioggia al nord"
        article.save()
        articles_changed()

    mine = Client().get(article.get_absolute_url())
    assertContains(mine, '<h1 class="article__title">Pioggia al nord</h1>', html=True)
    assertContains(mine, '<meta property="og:title" content="Pioggia al nord">')
    assertNotContains(mine, "Siccità")
    assertContains(Client().get(other.get_absolute_url()), "Pioggia al nord")


def test_a_readers_own_pending_comment_is_theirs_alone(client, article, post_comment):
    """
    The author of a pending comment gets the page rendered for them, and the
    parts kept for everyone never hold their comment.
    """
    url = article.get_absolute_url()
    Client().get(url)  # the parts are kept

    post_comment(article, body="Le mie parole in attesa.")
    mine = client.get(url)
    stranger = Client().get(url)

    assert Comment.objects.pending().filter(body="Le mie parole in attesa.").exists()
    assertContains(mine, "Le mie parole in attesa.")
    assertNotContains(stranger, "Le mie parole in attesa.")


def test_signed_in_readers_get_their_own_page(client, article, journalist):
    """A session: the whole page is rendered for it, with the real CSRF token."""
    url = article.get_absolute_url()
    Client().get(url)
    client.force_login(journalist)

    response = client.get(url)

    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_a_signed_in_readers_comment_form_carries_their_token(
    client, article, journalist
):
    """The comment form of a signed-in reader holds the token of their cookie."""
    Client().get(article.get_absolute_url())
    client.force_login(journalist)

    page = client.get(article.get_absolute_url()).content.decode()

    form = re.search(r'<form class="comment-form".*?</form>', page, re.S).group()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    assert token.group(1) != CSRF_PLACEHOLDER


def test_each_site_address_has_its_own_parts(article, settings):
    """
    Parts with whole addresses (share links, structured data) follow the
    address the page was asked at: its scheme and its host.
    """
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    url = article.get_absolute_url()
    Client().get(url)

    secure = Client().get(url, secure=True)
    other = Client().get(url, HTTP_HOST="news.example.org")

    assertContains(secure, f"https://testserver{url}")
    assertNotContains(secure, "http://testserver/")
    assertContains(other, f"http://news.example.org{url}")
    assertNotContains(other, "http://testserver/")


def test_reply_and_comment_pages_are_kept_apart(article):
    """The thread asked with ?replyto= is not the one without."""
    comment = article.comments.get()
    url = article.get_absolute_url()
    Client().get(url)

    reply = Client().get(f"{url}?replyto={comment.pk}")
    plain = Client().get(url)

    assert reply.content != plain.content
    assertContains(reply, f'name="parent" value="{comment.pk}"')
    assertNotContains(plain, f'name="parent" value="{comment.pk}"')


def test_each_language_has_its_own_parts(article):
    """The English page after the Italian one is English throughout."""
    Client().get(article.get_absolute_url())

    english = Client().get("/en" + article.get_absolute_url())

    assertContains(english, '<html lang="en">')
    assertContains(english, "Skip to content")
    assertNotContains(english, "Vai al contenuto")


def test_a_missing_page_keeps_no_part(article):
    """Addresses that answer 404 leave nothing in the cache, however many."""
    for n in range(5):
        assert Client().get(f"/category/nowhere-{n}/").status_code == 404

    assert not fragment_keys()


def test_without_a_cache_the_page_is_rendered_whole(article, settings):
    """With the cache unreachable (a dummy cache) every part is rendered each time."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    url = article.get_absolute_url()

    first = Client().get(url)
    second = Client().get(url)

    assertContains(first, "Il primo commento.")
    assert without_tokens(first.content) == without_tokens(second.content)
