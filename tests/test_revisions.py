"""Revisions: every admin save is kept, compared and restorable as a new version."""

import pytest
from pytest_django.asserts import assertContains
from reversion.models import Version

from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def edited_article(client, editor, article_form_data):
    """An article saved three times through admin by an editor."""
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            title="Flood", body="<p>The river rose.</p>", author=editor.pk
        ),
    )
    article = Article.objects.get()
    for body in ("<p>The river rose by two metres.</p>", "<p>Wrong figures.</p>"):
        article.refresh_from_db()
        response = client.post(
            change_url(article), article_form_data(article, body=body)
        )
        assert response.status_code == 302
    article.refresh_from_db()
    return article


def versions(article):
    return Version.objects.get_for_object(article).order_by("pk")


@pytest.mark.django_db
def test_every_save_is_kept(client, edited_article):
    """Three admin saves leave three versions, listed in the article's history."""
    assert versions(edited_article).count() == 3
    response = client.get(
        reverse("admin:articles_article_history", args=[edited_article.pk])
    )
    assert response.status_code == 200
    assert len(response.context["action_list"]) == 3


@pytest.mark.django_db
def test_history_shows_a_readable_diff(client, edited_article):
    """The compare view shows what changed in the body between two versions."""
    first, _second, third = versions(edited_article)
    response = client.get(
        reverse("admin:articles_article_compare", args=[edited_article.pk]),
        {"version_id1": first.pk, "version_id2": third.pk},
    )
    assert response.status_code == 200
    assertContains(response, "river rose")
    assertContains(response, "Wrong figures")


@pytest.mark.django_db
def test_restoring_an_old_version_makes_a_new_one(
    client, edited_article, article_form_data
):
    """Restoring the second version brings its text back as a fourth version."""
    _first, second, _third = versions(edited_article)
    edited_article.refresh_from_db()
    status, version = edited_article.status, edited_article.version
    url = reverse(
        "admin:articles_article_revision", args=[edited_article.pk, second.pk]
    )
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "two metres" in form["body"].value()
    assert form["version"].value() == version
    response = client.post(
        url,
        article_form_data(
            edited_article, body=form["body"].value(), title=form["title"].value()
        ),
    )
    assert response.status_code == 302
    edited_article.refresh_from_db()
    assert edited_article.body == "<p>The river rose by two metres.</p>"
    assert edited_article.status == status
    assert edited_article.version == version + 1
    assert versions(edited_article).count() == 4


@pytest.mark.django_db
def test_viewing_an_old_version_changes_nothing(client, edited_article):
    """Opening a version to look at it leaves the article as it is."""
    first = versions(edited_article).first()
    client.get(
        reverse("admin:articles_article_revision", args=[edited_article.pk, first.pk])
    )
    edited_article.refresh_from_db()
    assert edited_article.body == "<p>Wrong figures.</p>"


@pytest.mark.django_db
def test_restore_keeps_the_workflow_state(client, editor, article_form_data):
    """Restoring a draft-time version of a live article keeps it live, same address."""
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_add"),
        article_form_data(title="Vote", body="<p>Early text.</p>", author=editor.pk),
    )
    article = Article.objects.get()
    client.post(
        change_url(article),
        article_form_data(article, body="<p>Final.</p>", status="published"),
    )
    article.refresh_from_db()
    assert article.is_published()
    first = versions(article).first()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = client.get(url)
    form = response.context["adminform"].form
    assert form["status"].value() == "published"
    client.post(url, article_form_data(article, body="<p>Early text.</p>"))
    article.refresh_from_db()
    assert article.body == "<p>Early text.</p>"
    assert article.is_published()


@pytest.mark.django_db
def test_journalist_cannot_read_others_history(client, journalist, edited_article):
    """Another author's history and diffs answer 403 to a journalist."""
    first, second, _ = versions(edited_article)
    client.force_login(journalist)
    response = client.get(
        reverse("admin:articles_article_compare", args=[edited_article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert response.status_code == 403
    response = client.get(
        reverse("admin:articles_article_history", args=[edited_article.pk])
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:articles_article_revision", args=[edited_article.pk, first.pk]),
        {},
    )
    assert response.status_code == 403
    edited_article.refresh_from_db()
    assert edited_article.body == "<p>Wrong figures.</p>"


@pytest.mark.django_db
def test_workflow_steps_survive_a_restore(client, editor, article_form_data):
    """Restoring an old version does not delete the workflow steps taken since."""
    article = ArticleFactory(draft=True, author=editor)
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, body="<p>One.</p>"))
    article.refresh_from_db()
    client.post(
        change_url(article),
        article_form_data(article, body="<p>Two.</p>", status="review"),
    )
    assert article.transitions.count() == 1
    first = versions(article).first()
    article.refresh_from_db()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    client.post(url, article_form_data(article, body="<p>One.</p>"))
    assert article.transitions.count() == 1
