"""The article admin: list columns, filters, search, editor, preview, query counts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests.factories import ArticleFactory, CategoryFactory

CHANGELIST = "admin:articles_article_changelist"


def titles(client, params):
    """The titles the article changelist lists for these query parameters."""
    response = client.get(reverse(CHANGELIST), params)
    return {a.title for a in response.context["cl"].result_list}


@pytest.mark.django_db
def test_changelist_columns_include_scheduled_and_categories(client, editor):
    """Each row shows title, status (scheduled apart), author, date and categories."""
    politics, rome = CategoryFactory(name="Politica"), CategoryFactory(name="Roma")
    ArticleFactory(title="Embargoed", scheduled=True, categories=[politics, rome])
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST))
    assertContains(response, "Embargoed")
    assertContains(response, "Programmato")
    assertContains(response, "Politica, Roma")


@pytest.mark.django_db
def test_changelist_queries_do_not_grow_with_rows(
    client, editor, django_assert_num_queries
):
    """A page of 100 articles costs the same queries as a page of 2."""
    categories = CategoryFactory.create_batch(3)
    ArticleFactory.create_batch(2, categories=categories)
    client.force_login(editor)
    url = reverse(CHANGELIST)
    with CaptureQueriesContext(connection) as small_page:
        assert client.get(url).status_code == 200
    expected = len(small_page)  # read now: each request clears the query log
    ArticleFactory.create_batch(98, categories=categories)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 100


@pytest.mark.django_db
def test_filters_by_state_category_and_search(client, editor):
    """The scheduled filter, the category filter and search narrow the list."""
    sport = CategoryFactory(name="Sport")
    ArticleFactory(title="Derby tonight", scheduled=True)
    ArticleFactory(title="Cup final", categories=[sport])
    ArticleFactory(title="Council vote", draft=True)
    client.force_login(editor)

    assert titles(client, {"state": "scheduled"}) == {"Derby tonight"}
    assert titles(client, {"state": "published"}) == {"Cup final"}
    assert titles(client, {"categories__id__exact": sport.pk}) == {"Cup final"}
    assert titles(client, {"q": "council"}) == {"Council vote"}


@pytest.mark.django_db
def test_search_finds_words_in_the_text_and_an_author_by_name(
    client, editor, journalist
):
    """Words of the title or text, or an author's user name, find the articles."""
    ArticleFactory(title="Budget approved", body="<p>The council voted.</p>")
    ArticleFactory(title="Derby tonight", author=journalist)
    client.force_login(editor)

    assert titles(client, {"q": "council"}) == {"Budget approved"}
    assert titles(client, {"q": "budget"}) == {"Budget approved"}
    assert titles(client, {"q": journalist.username}) == {"Derby tonight"}


@pytest.mark.django_db
def test_filters_by_publish_month(client, editor):
    """The months with published articles are offered, each narrowing the list."""
    rome = ZoneInfo("Europe/Rome")
    ArticleFactory(
        title="Autumn", published_at=datetime(2026, 10, 31, 23, 30, tzinfo=rome)
    )
    ArticleFactory(
        title="Winter", published_at=datetime(2026, 11, 1, 0, 30, tzinfo=rome)
    )
    ArticleFactory(title="Old", published_at=datetime(2025, 12, 31, 12, tzinfo=rome))
    client.force_login(editor)
    url = reverse(CHANGELIST)

    response = client.get(url)
    assertContains(response, "ottobre 2026")
    assertContains(response, "novembre 2026")
    assertContains(response, "dicembre 2025")
    assertNotContains(response, "gennaio 2026")

    assert titles(client, {"month": "2026-10"}) == {"Autumn"}
    assert titles(client, {"month": "2026-11"}) == {"Winter"}
    assert titles(client, {"month": "2025-12"}) == {"Old"}
    assert titles(client, {"month": "not-a-month"}) == {"Autumn", "Winter", "Old"}


@pytest.mark.django_db
def test_filters_by_author_offer_only_people_who_wrote(client, editor, journalist):
    """The author filter lists the people with articles, and narrows to theirs."""
    ArticleFactory(title="By the journalist", author=journalist)
    ArticleFactory(title="By someone else")
    client.force_login(editor)
    url = reverse(CHANGELIST)

    response = client.get(url)
    authors = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if spec.title == "autore"
        for choice in spec.choices(response.context["cl"])
    }
    assert journalist.username in authors
    assert editor.username not in authors

    response = client.get(url, {"author__id__exact": journalist.pk})
    assert [a.title for a in response.context["cl"].result_list] == [
        "By the journalist"
    ]


@pytest.mark.django_db
def test_editors_see_articles_in_review_first_then_latest_changed(client, editor):
    """Editors' list: what waits for them on top, then the latest changed."""
    ArticleFactory(title="Older")
    ArticleFactory(title="Waiting", in_review=True)
    ArticleFactory(title="Newer")
    client.force_login(editor)

    response = client.get(reverse(CHANGELIST))

    titles = [a.title for a in response.context["cl"].result_list]
    assert titles == ["Waiting", "Newer", "Older"]


@pytest.mark.django_db
def test_add_page_has_editor_slug_prefill_and_autocomplete(client, journalist):
    """The add form loads the rich-text editor, prepopulates the slug, autocompletes."""
    client.force_login(journalist)
    response = client.get(reverse("admin:articles_article_add"))
    assertContains(response, "django_prose_editor")
    assertContains(response, "django-admin-prepopulated-fields-constants")
    assertContains(response, 'data-field-name="categories"')
    assertContains(response, 'data-field-name="tags"')
    assertNotContains(response, "cdn.")


@pytest.mark.django_db
def test_drafts_have_a_preview_and_published_articles_view_on_site(client, editor):
    """Drafts link to the staff preview; published articles to their public page."""
    draft = ArticleFactory(draft=True)
    live = ArticleFactory()
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    try:
        preview = reverse("articles:preview", args=[draft.pk])
    except NoReverseMatch:
        preview = draft.get_absolute_url()
    assertContains(response, f'href="{preview}"')
    response = client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assertContains(response, f'href="{live.get_absolute_url()}" class="viewsitelink"')


@pytest.mark.django_db
def test_bulk_actions_are_offered_to_editors(client, editor):
    """Editors see the publish and unpublish actions in the list."""
    ArticleFactory()
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST))
    assertContains(response, "publish_selected")
    assertContains(response, "unpublish_selected")


@pytest.mark.django_db
def test_category_and_tag_admins_search(client, editor):
    """Categories and tags are searchable, as autocomplete needs."""
    CategoryFactory(name="Economia")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_category_changelist"), {"q": "eco"})
    assertContains(response, "Economia")
    assert client.get(reverse("admin:articles_tag_changelist")).status_code == 200


@pytest.mark.django_db
def test_admin_pages_carry_the_newsroom_name(client, editor, settings):
    """The admin's header and page titles name the site, not "Django"."""
    settings.SITE_NAME = "Gazzetta di Castelvero"
    client.force_login(editor)

    response = client.get(reverse(CHANGELIST), headers={"accept-language": "en"})

    assertContains(response, "Gazzetta di Castelvero administration", count=2)
    assertNotContains(response, "Django administration")
    assertNotContains(response, "Django site admin")
