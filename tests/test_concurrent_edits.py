"""Two people editing one article: the second save is refused, nothing is lost."""

import pytest
from pytest_django.asserts import assertContains

from django.test import Client
from django.urls import reverse

from articles import workflow
from tests.factories import ArticleFactory, UserFactory


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_second_save_is_refused_and_keeps_the_typed_text(editor, article_form_data):
    """Both open one version: the first save wins, the second is refused, text kept."""
    other = UserFactory(username="bruno", is_staff=True, groups=["Editor"])
    article = ArticleFactory(draft=True, body="<p>Original.</p>")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    opened = article_form_data(article)
    assert (
        first.get(change_url(article)).context["adminform"].form["version"].value()
        == article.version
    )

    response = first.post(change_url(article), {**opened, "body": "<p>First.</p>"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == opened["version"] + 1

    response = second.post(
        change_url(article), {**opened, "body": "<p>Second, typed with care.</p>"}
    )
    assert response.status_code == 200
    assertContains(response, "Qualcun altro ha salvato questo articolo")
    assertContains(response, "Second, typed with care.")
    article.refresh_from_db()
    assert article.body == "<p>First.</p>"
    assert article.version == opened["version"] + 1


@pytest.mark.django_db
def test_workflow_step_makes_an_open_form_stale(editor, article_form_data, client):
    """A bulk publish in between also refuses the save of a form opened before it."""
    article = ArticleFactory(draft=True, title="Before")
    opened = article_form_data(article, title="Typed meanwhile")
    workflow.publish(article, by=editor)
    client.force_login(editor)
    response = client.post(change_url(article), opened)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    article.refresh_from_db()
    assert article.title == "Before"
    assert article.is_published()


@pytest.mark.django_db
def test_successive_saves_increment_the_version(client, journalist, article_form_data):
    """Each successful save moves the version on by one."""
    article = ArticleFactory(draft=True, author=journalist)
    client.force_login(journalist)
    start = article.version
    for n in range(1, 4):
        article.refresh_from_db()
        data = article_form_data(article, title=f"Take {n}")
        assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.version) == ("Take 3", start + 3)
