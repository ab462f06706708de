from datetime import timedelta

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def search(client, q):
    return client.get(reverse("articles:search"), {"q": q})


@pytest.mark.django_db
def test_search_finds_a_word_of_the_body(client):
    """A word that appears only in the body finds the article."""
    ArticleFactory(title="Parlamento", body="<p>Il governo presenta la manovra.</p>")
    ArticleFactory(title="Sport", body="<p>La squadra vince.</p>")

    response = search(client, "manovra")

    assertContains(response, "Parlamento")
    assertNotContains(response, "Sport</a>")


@pytest.mark.django_db
def test_search_finds_words_of_title_and_standfirst(client):
    """Title and standfirst are searched too."""
    ArticleFactory(title="Terremoto in Giappone", body="<p>Testo.</p>")
    ArticleFactory(title="Altro", standfirst="Il bilancio del nubifragio.")

    assertContains(search(client, "terremoto"), "Terremoto in Giappone")
    assertContains(search(client, "nubifragio"), "Altro")


@pytest.mark.django_db
def test_search_never_shows_unpublished_articles(client):
    """Drafts and scheduled articles stay hidden from search."""
    ArticleFactory(title="Bozza", body="<p>segreto</p>", draft=True)
    ArticleFactory(title="Embargo", body="<p>segreto</p>", scheduled=True)

    response = search(client, "segreto")

    assertNotContains(response, "Bozza")
    assertNotContains(response, "Embargo")
    assertContains(response, 'class="empty"')


@pytest.mark.django_db
def test_results_show_title_standfirst_and_highlighted_snippet(client):
    """Each result has its title, standfirst and the match in <mark>."""
    ArticleFactory(
        title="La riforma",
        standfirst="Cosa prevede il testo.",
        body="<p>Il Senato approva la riforma della scuola dopo il dibattito.</p>",
    )

    response = search(client, "scuola")

    assertContains(response, "La riforma")
    assertContains(response, "Cosa prevede il testo.")
    assertContains(response, "<mark>scuola</mark>")


@pytest.mark.django_db
def test_snippet_escapes_the_article_text(client):
    """Text around the match is escaped: only the <mark> tags are markup."""
    ArticleFactory(
        title="Codice",
        body="<p>Scrivere &lt;script&gt;alert(1)&lt;/script&gt; nel campo ricerca.</p>",
    )

    response = search(client, "ricerca")

    assertContains(response, "<mark>ricerca</mark>")
    assertNotContains(response, "<script>alert(1)")
    assertContains(response, "&lt;script&gt;alert(1)")


@pytest.mark.django_db
def test_search_keeps_the_query_in_the_box(client):
    """The form shows what the reader typed, escaped."""
    response = search(client, 'elezioni "<b>')

    assertContains(response, 'value="elezioni &quot;&lt;b&gt;"')


@pytest.mark.django_db
def test_search_says_when_nothing_is_found(client):
    """No match gets a clear message naming the query."""
    ArticleFactory(title="Qualcosa")

    response = search(client, "inesistente")

    assertContains(response, "Nessun risultato per “inesistente”.")


@pytest.mark.django_db
def test_empty_query_shows_only_the_form(client):
    """Without a query there are no results and no "nothing found"."""
    ArticleFactory(title="Qualcosa")

    for q in ("", "   "):
        response = search(client, q)
        assertContains(response, '<form class="search-form"')
        assertNotContains(response, "Qualcosa</a>")
        assertNotContains(response, 'class="empty"')
    assert client.get(reverse("articles:search")).status_code == 200


@pytest.mark.django_db
def test_search_results_paginate(client):
    """Search results are paged by twenty, the query kept in the page links."""
    ArticleFactory.create_batch(22, body="<p>inflazione</p>")

    response = search(client, "inflazione")

    assert len(response.context["object_list"]) == 20
    assertContains(response, "22 articoli trovati")
    assertContains(response, 'href="?q=inflazione&amp;page=2"')


@pytest.mark.django_db
def test_queryset_search_over_every_state():
    """Article.objects.search() is chainable and matches every field."""
    visible = ArticleFactory(title="Alluvione", published_at=timezone.now())
    ArticleFactory(title="Alluvione bozza", draft=True)

    assert list(Article.objects.published().search("alluvione")) == [visible]
    assert Article.objects.search("alluvione").count() == 2
    assert not Article.objects.search("").exists()


@pytest.mark.django_db
def test_fallback_orders_newest_first():
    """Without ranking (SQLite) the newest match comes first."""
    if connection.vendor == "postgresql":
        pytest.skip("ranked on PostgreSQL")
    old = ArticleFactory(
        body="<p>neve</p>", published_at=timezone.now() - timedelta(days=3)
    )
    new = ArticleFactory(body="<p>neve</p>")

    assert list(Article.objects.published().search("neve")) == [new, old]


@on_postgresql
@pytest.mark.django_db
def test_italian_stemming_finds_other_forms_of_a_word(client):
    """Searching "elezione" finds a body that says "elezioni"."""
    ArticleFactory(title="Voto", body="<p>Le elezioni regionali di domenica.</p>")

    response = search(client, "elezione")

    assertContains(response, "Voto")
    assertContains(response, "<mark>elezioni</mark>")


@on_postgresql
@pytest.mark.django_db
def test_english_stemming_works_too(client):
    """English words are stemmed as English: "running" finds "runs"."""
    ArticleFactory(title="Marathon", body="<p>She runs the marathon every year.</p>")

    assertContains(search(client, "running"), "Marathon")


@on_postgresql
@pytest.mark.django_db
def test_title_matches_rank_above_body_matches():
    """Weights: a match in the title outranks one deep in the body."""
    body_only = ArticleFactory(
        title="Cronaca",
        body="<p>Parla anche di pensioni.</p>",
        published_at=timezone.now(),
    )
    in_title = ArticleFactory(
        title="Pensioni, cosa cambia",
        body="<p>Testo.</p>",
        published_at=timezone.now() - timedelta(days=5),
    )

    assert list(Article.objects.published().search("pensioni")) == [in_title, body_only]


@on_postgresql
@pytest.mark.django_db
def test_search_vector_follows_edits():
    """The trigger refreshes the stored vector when the body changes."""
    article = ArticleFactory(body="<p>primo</p>")
    assert not Article.objects.search("secondo").exists()

    article.body = "<p>secondo</p>"
    article.save()

    assert list(Article.objects.search("secondo")) == [article]


@on_postgresql
@pytest.mark.django_db
def test_markup_in_the_body_is_not_searchable():
    """Tags and attributes are stripped before indexing."""
    ArticleFactory(body='<p><a href="https://example.com/strong">testo</a></p>')

    assert not Article.objects.search("href").exists()
    assert Article.objects.search("testo").exists()
