"""Roles: what journalists and editors may do in admin, enforced on crafted requests."""

import pytest
import reversion
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_migration_creates_groups_with_exactly_their_permissions():
    """The Journalist and Editor groups hold exactly the permissions of their role."""

    def codenames(name):
        return set(
            Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        )

    journalist = codenames("Journalist")
    editor = codenames("Editor")
    assert {"add_article", "change_article", "add_image"} <= journalist
    assert not journalist & {
        "publish_article",
        "review_article",
        "add_category",
        "change_category",
        "delete_category",
        "add_tag",
        "change_tag",
    }
    assert not any("comment" in c or c.endswith("_user") for c in journalist)
    assert {
        "publish_article",
        "review_article",
        "change_category",
        "change_tag",
        "delete_image",
    } <= editor
    assert not any("comment" in c or c.endswith("_user") for c in editor)


@pytest.mark.django_db
def test_journalist_posting_status_published_is_refused(
    client, journalist, article_form_data
):
    """A forged status=published is a form error; the article stays as it was."""
    article = ArticleFactory(draft=True, author=journalist, title="Draft")
    client.force_login(journalist)
    response = client.post(
        change_url(article),
        article_form_data(article, title="Changed", status="published"),
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.status) == ("Draft", Article.Status.DRAFT)
    assert not article.transitions.exists()


@pytest.mark.django_db
def test_journalist_posting_a_schedule_is_refused(
    client, journalist, article_form_data
):
    """Scheduling is for editors: a forged state and date change nothing."""
    article = ArticleFactory(draft=True, author=journalist)
    client.force_login(journalist)
    response = client.post(
        change_url(article),
        article_form_data(article, status="scheduled", published_at_0="2099-01-01"),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


@pytest.mark.django_db
def test_journalist_cannot_add_a_published_article(
    client, journalist, article_form_data
):
    """Creating an article already published is refused and nothing is created."""
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(title="Scoop", status="published"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_journalists_articles_are_theirs_whatever_author_is_posted(
    client, journalist, editor, article_form_data
):
    """A journalist's new article gets them as author, even if another is posted."""
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(title="Mine", author=editor.pk),
    )
    assert response.status_code == 302
    assert Article.objects.get().author == journalist


@pytest.mark.django_db
def test_journalist_cannot_edit_someone_elses_article(
    client, journalist, article_form_data
):
    """Another author's draft answers 403 to a journalist, and stays unchanged."""
    article = ArticleFactory(draft=True, title="Theirs")
    client.force_login(journalist)
    assert client.get(change_url(article)).status_code == 403
    response = client.post(change_url(article), article_form_data(article, title="X"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Theirs"


@pytest.mark.parametrize(
    "traits",
    [{"in_review": True}, {}, {"scheduled": True}],
    ids=["in review", "published", "scheduled"],
)
@pytest.mark.django_db
def test_journalist_cannot_edit_own_article_once_submitted(
    client, journalist, article_form_data, traits
):
    """Their own article in review or published is read-only: a POST gets 403."""
    article = ArticleFactory(author=journalist, title="Submitted", **traits)
    client.force_login(journalist)
    response = client.get(change_url(article))
    assert response.status_code == 200
    assertNotContains(response, 'name="_save"')
    response = client.post(change_url(article), article_form_data(article, title="X"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Submitted"


@pytest.mark.django_db
def test_journalist_edits_own_sent_back_article(client, journalist, article_form_data):
    """A sent-back article is the journalist's to fix again."""
    article = ArticleFactory(returned=True, author=journalist)
    client.force_login(journalist)
    response = client.post(
        change_url(article), article_form_data(article, title="Fixed")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status) == ("Fixed", Article.Status.RETURNED)


@pytest.mark.django_db
def test_journalist_cannot_delete_a_published_article(client, journalist):
    """Deleting their own published article answers 403; their draft may go."""
    published = ArticleFactory(author=journalist)
    draft = ArticleFactory(draft=True, author=journalist)
    client.force_login(journalist)
    url = reverse("admin:articles_article_delete", args=[published.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=published.pk).exists()
    url = reverse("admin:articles_article_delete", args=[draft.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_journalist_has_no_bulk_publish_or_delete(client, journalist):
    """Bulk publish, unpublish and delete are hidden; a forged action does nothing."""
    article = ArticleFactory(draft=True, author=journalist)
    client.force_login(journalist)
    url = reverse("admin:articles_article_changelist")
    response = client.get(url)
    assertNotContains(response, "publish_selected")
    assertNotContains(response, "delete_selected")
    for action in ("publish_selected", "delete_selected"):
        client.post(
            url, {"action": action, "_selected_action": [article.pk], "post": "yes"}
        )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_journalist_sees_only_own_articles(client, journalist):
    """The journalist's article list holds their own articles and nobody else's."""
    ArticleFactory(draft=True, author=journalist, title="My draft")
    ArticleFactory(draft=True, title="Colleague's draft")
    client.force_login(journalist)
    response = client.get(reverse("admin:articles_article_changelist"))
    assertContains(response, "My draft")
    assertNotContains(response, "Colleague&#x27;s draft")
    assertNotContains(response, "Colleague's draft")


@pytest.mark.django_db
def test_journalist_cannot_touch_categories_or_users(client, journalist):
    """Categories are read-only (autocomplete works) and users out of reach."""
    category = CategoryFactory(name="Politica")
    client.force_login(journalist)
    assert client.get(reverse("admin:articles_category_add")).status_code == 403
    response = client.post(
        reverse("admin:articles_category_change", args=[category.pk]),
        {"name": "Hacked", "slug": "hacked", "position": 0},
    )
    assert response.status_code == 403
    category.refresh_from_db()
    assert category.name == "Politica"
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Pol",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "categories",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Politica"


@pytest.mark.django_db
def test_editor_edits_and_publishes_anyones_article(client, editor, article_form_data):
    """An editor changes and publishes another author's article in review."""
    article = ArticleFactory(in_review=True, title="Theirs")
    client.force_login(editor)
    response = client.post(
        change_url(article),
        article_form_data(article, title="Edited", status="published"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Edited"
    assert article.is_published()


@pytest.mark.django_db
def test_editor_manages_categories(client, editor):
    """Editors add categories."""
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_category_add"),
        {"name": "Cronaca", "slug": "cronaca", "position": 1, "description": ""},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_moderator_and_anonymous_have_no_article_admin(client, moderator):
    """Anonymous visitors are sent to log in; moderators get 403 on articles."""
    url = reverse("admin:articles_article_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.force_login(moderator)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_journalist_cannot_delete_someone_elses_image(client, journalist):
    """A journalist deletes images they uploaded, never a colleague's."""
    theirs = ImageFactory(uploaded_by=UserFactory())
    mine = ImageFactory(uploaded_by=journalist)
    client.force_login(journalist)
    url = reverse("admin:articles_image_delete", args=[theirs.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert theirs.__class__.objects.filter(pk=theirs.pk).exists()
    url = reverse("admin:articles_image_delete", args=[mine.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


# The admin's rules hold outside the admin: preview and the staff article page.


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_a_journalist_cannot_preview_someone_elses_unpublished_article(
    client, journalist, editor, state
):
    theirs = ArticleFactory(author=editor, title="Embargoed piece", **{state: True})
    own = ArticleFactory(author=journalist, title="My own draft", draft=True)
    client.force_login(journalist)

    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 404
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assertContains(client.get(reverse("articles:preview", args=[own.pk])), "My own")
    assertContains(client.get(own.get_absolute_url()), "My own draft")


@pytest.mark.django_db
def test_an_editor_previews_everyone_s_articles(client, journalist, editor):
    draft = ArticleFactory(author=journalist, title="Draft by Luca", draft=True)
    client.force_login(editor)

    assertContains(client.get(reverse("articles:preview", args=[draft.pk])), "Luca")


@pytest.mark.django_db
def test_the_recover_list_shows_a_journalist_only_their_own_articles(
    client, journalist, editor
):
    with reversion.create_revision():
        own = ArticleFactory(author=journalist, title="Mine, deleted", draft=True)
    with reversion.create_revision():
        theirs = ArticleFactory(author=editor, title="Editor's, deleted", draft=True)
    own_version = Version.objects.get_for_object(own).get()
    their_version = Version.objects.get_for_object(theirs).get()
    own.delete()
    theirs.delete()
    client.force_login(journalist)

    response = client.get(reverse("admin:articles_article_recoverlist"))
    assertContains(response, "Mine, deleted")
    assertNotContains(response, "Editor&#x27;s, deleted")
    assertNotContains(response, "Editor's, deleted")
    recover = "admin:articles_article_recover"
    assert client.get(reverse(recover, args=[their_version.pk])).status_code == 404
    assert client.get(reverse(recover, args=[own_version.pk])).status_code == 200
    client.force_login(editor)
    assertContains(
        client.get(reverse("admin:articles_article_recoverlist")), "deleted", count=2
    )
