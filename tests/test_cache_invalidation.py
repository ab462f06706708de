"""
With the page cache on, every write that changes what readers see shows at once
on every affected page; a scheduled article appears by itself at its time.
"""

import time
from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from comments import moderation

from .factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

ARTICLE_CHANGELIST = reverse("admin:articles_article_changelist")
QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def site():
    """A published article in a section, with a tag and an author page."""
    author = UserFactory(username="giulia")
    section = CategoryFactory(name="Cronaca", slug="cronaca")
    tag = TagFactory(name="clima", slug="clima")
    article = ArticleFactory(
        title="Old headline", author=author, categories=[section], tags=[tag]
    )
    return article


@pytest.fixture
def post_committed(client, django_capture_on_commit_callbacks):
    """client.post, then the work it left for after the commit (cache bumps)."""

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


def pages(article):
    when = timezone.localtime(article.published_at)
    return [
        "/",
        article.get_absolute_url(),
        "/category/cronaca/",
        "/tag/clima/",
        "/author/giulia/",
        reverse(
            "articles:archive-month", kwargs={"year": when.year, "month": when.month}
        ),
        "/feed/",
        "/category/cronaca/feed/",
        "/tag/clima/feed/",
    ]


def warm(urls):
    """Fetch every page twice, so that each is a cache hit before the change."""
    for url in urls:
        Client().get(url)
        assert Client().get(url)["X-Page-Cache"] == "hit", url


def fetch(url):
    return Client().get(url)


def test_editing_an_article_in_admin_shows_everywhere(
    client, editor, site, article_form_data, post_committed
):
    """A new title through the admin form: every page and feed shows it at once."""
    urls = pages(site)
    warm(urls + ["/sitemap.xml"])
    client.force_login(editor)

    response = post_committed(
        reverse("admin:articles_article_change", args=[site.pk]),
        article_form_data(site, title="New headline", status="published"),
    )
    assert response.status_code == 302

    for url in urls:
        page = fetch(url)
        assertContains(page, "New headline", msg_prefix=url)
        assertNotContains(page, "Old headline", msg_prefix=url)


def test_publishing_through_admin_shows_everywhere(
    client, editor, site, article_form_data, post_committed
):
    """A new article published from the add form appears on every list at once."""
    urls = [u for u in pages(site) if u != site.get_absolute_url()]
    warm(urls + ["/sitemap.xml"])
    client.force_login(editor)

    post_committed(
        reverse("admin:articles_article_add"),
        article_form_data(
            title="Breaking story",
            slug="breaking-story",
            status="published",
            author=site.author_id,
            categories=[site.categories.get().pk],
            tags=[site.tags.get().pk],
        ),
    )

    article = Article.objects.get(slug="breaking-story")
    assert article.is_published()
    for url in urls:
        assertContains(fetch(url), "Breaking story", msg_prefix=url)
    assertContains(fetch("/sitemap.xml"), "breaking-story")


def test_unpublishing_with_the_bulk_action_removes_everywhere(
    client, editor, site, post_committed
):
    """Unpublished in bulk: gone from every list, and its page answers 404."""
    other = ArticleFactory(title="Other story")
    urls = pages(site)
    warm(urls + ["/sitemap.xml", other.get_absolute_url()])
    client.force_login(editor)

    post_committed(
        ARTICLE_CHANGELIST,
        {"action": "unpublish_selected", helpers.ACTION_CHECKBOX_NAME: [site.pk]},
    )

    assert fetch(site.get_absolute_url()).status_code == 404
    assertNotContains(fetch("/"), "Old headline")
    assertNotContains(fetch("/feed/"), "Old headline")
    assertNotContains(fetch("/sitemap.xml"), site.slug)
    assertContains(fetch(other.get_absolute_url()), "Other story")


def test_workflow_functions_refresh_the_pages(
    editor, site, django_capture_on_commit_callbacks
):
    """publish() and unpublish() called directly (tasks, shell) refresh too."""
    draft = ArticleFactory(title="Draft story", draft=True)
    warm(["/", "/feed/"])

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(draft, by=editor)
    assertContains(fetch("/"), "Draft story")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(draft, by=editor)
    assertNotContains(fetch("/"), "Draft story")
    assertNotContains(fetch("/feed/"), "Draft story")


def test_deleting_an_article_in_admin_removes_it(client, editor, site, post_committed):
    """Deleted through the admin: 404 on its page, gone from the lists."""
    url = site.get_absolute_url()
    warm(["/", url])
    client.force_login(editor)

    post_committed(
        reverse("admin:articles_article_delete", args=[site.pk]), {"post": "yes"}
    )

    assert not Article.objects.filter(pk=site.pk).exists()
    assert fetch(url).status_code == 404
    assertNotContains(fetch("/"), "Old headline")


def test_scheduled_article_appears_by_itself_at_its_time(
    editor, site, django_capture_on_commit_callbacks
):
    """
    No write happens when a scheduled article's time comes: cached pages expire
    at that moment by themselves.
    """
    draft = ArticleFactory(title="Embargoed story", draft=True)
    due = timezone.now() + timedelta(seconds=4)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(draft, due, by=editor)
    fetch("/")
    page = fetch("/")
    assert page["X-Page-Cache"] == "hit"
    assertNotContains(page, "Embargoed story")

    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.2)

    assertContains(fetch("/"), "Embargoed story")


def test_restoring_a_revision_refreshes_the_article(
    client, editor, article_form_data, post_committed
):
    """Restoring an older version through the admin shows its text at once."""
    from reversion.models import Version

    client.force_login(editor)
    post_committed(
        reverse("admin:articles_article_add"),
        article_form_data(
            title="Flood",
            body="<p>First text.</p>",
            status="published",
            author=editor.pk,
        ),
    )
    article = Article.objects.get()
    post_committed(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, body="<p>Wrong text.</p>"),
    )
    url = article.get_absolute_url()
    warm([url])
    assertContains(fetch(url), "Wrong text.")

    first = Version.objects.get_for_object(article).order_by("pk").first()
    article.refresh_from_db()
    response = post_committed(
        reverse("admin:articles_article_revision", args=[article.pk, first.pk]),
        article_form_data(article, body="<p>First text.</p>"),
    )
    assert response.status_code == 302

    assertContains(fetch(url), "First text.")


@pytest.mark.parametrize("model", ["category", "tag"])
def test_renaming_a_section_or_tag_shows_on_every_page(
    client, editor, site, model, post_committed
):
    """The navigation, the kicker and the tag list show the new name."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    warm(["/", site.get_absolute_url()])
    obj = site.categories.get() if model == "category" else site.tags.get()
    data = {"name": "Renamed", "slug": obj.slug}
    if model == "category":
        data |= {"parent": "", "description": "", "position": 0}

    response = post_committed(
        reverse(f"admin:articles_{model}_change", args=[obj.pk]), data
    )
    assert response.status_code == 302

    assertContains(fetch(site.get_absolute_url()), "Renamed")
    if model == "category":
        assertContains(fetch("/"), "Renamed")


@pytest.fixture
def commented(site):
    """The article with one pending comment, its pages cached."""
    comment = CommentFactory(article=site, body="A reader's view")
    urls = [site.get_absolute_url(), "/comments/feed/", f"/comments/feed/{site.pk}/"]
    warm(urls)
    return comment, urls


@pytest.mark.parametrize("verb", ["approve", "mark_not_spam"])
def test_approving_a_comment_shows_it(
    client, moderator, commented, verb, post_committed
):
    """Approved in the moderation queue: on the article and in both comment feeds."""
    comment, urls = commented
    if verb == "mark_not_spam":
        comment.status = "spam"
        comment.save()
    client.force_login(moderator)

    post_committed(
        QUEUE + "?status=all",
        {"action": verb, helpers.ACTION_CHECKBOX_NAME: [comment.pk]},
    )

    comment.refresh_from_db()
    assert comment.status == "approved"
    for url in urls:
        assertContains(fetch(url), "A reader", msg_prefix=url)


@pytest.mark.parametrize("verb", ["unapprove", "mark_spam", "trash", "delete"])
def test_hiding_a_comment_removes_it(client, moderator, site, verb, post_committed):
    """Unapproved, spam, trash or deleted: gone from the article and the feeds."""
    comment = CommentFactory(article=site, body="Soon hidden words", approved=True)
    urls = [site.get_absolute_url(), "/comments/feed/", f"/comments/feed/{site.pk}/"]
    warm(urls)
    for url in urls:
        assertContains(fetch(url), "Soon hidden words")
    client.force_login(moderator)
    if verb == "delete":
        moderator.user_permissions.add(
            *Permission.objects.filter(codename="delete_comment")
        )
        data = {"action": "delete_selected", "post": "yes"}
    else:
        data = {"action": verb}

    post_committed(
        QUEUE + "?status=all", data | {helpers.ACTION_CHECKBOX_NAME: [comment.pk]}
    )

    for url in urls:
        assertNotContains(fetch(url), "Soon hidden words", msg_prefix=url)


def test_a_new_pending_comment_leaves_the_cache_alone(site, post_comment):
    """Posting (pending) changes nothing others see: their page stays cached."""
    url = site.get_absolute_url()
    warm([url])

    post_comment(site, body="Waiting words")

    page = fetch(url)
    assert page["X-Page-Cache"] == "hit"
    assertNotContains(page, "Waiting words")


def test_editing_an_approved_comment_shows_the_new_text(
    moderator, site, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=site, body="Typo here", approved=True)
    warm([site.get_absolute_url()])

    with django_capture_on_commit_callbacks(execute=True):
        moderation.edit_body(comment, "Typo fixed", by=moderator)

    assertContains(fetch(site.get_absolute_url()), "Typo fixed")


def test_erasing_a_commenters_data_shows_at_once(
    site, django_capture_on_commit_callbacks
):
    """comment_data erase: the article shows the anonymised name."""
    CommentFactory(
        article=site, approved=True, author_name="Zelda Q", author_email="z@example.org"
    )
    warm([site.get_absolute_url()])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("comment_data", "erase", "z@example.org", "--no-input")

    assertNotContains(fetch(site.get_absolute_url()), "Zelda Q")


def test_other_articles_stay_cached_when_a_comment_changes(
    moderator, site, django_capture_on_commit_callbacks
):
    """A comment decision refreshes its own article, not every article."""
    other = ArticleFactory(title="Quiet story")
    comment = CommentFactory(article=site)
    warm([other.get_absolute_url(), site.get_absolute_url()])

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(comment, by=moderator)

    assert fetch(other.get_absolute_url())["X-Page-Cache"] == "hit"
    assert fetch(site.get_absolute_url())["X-Page-Cache"] == "miss"
