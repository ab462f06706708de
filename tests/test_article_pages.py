import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import count_words

from .factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    ImageFactory,
    TagFactory,
    UserFactory,
)

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def editor(client):
    """A staff user who may change and review anyone's articles."""
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "review_article"])
    )
    return user


@pytest.fixture
def staff_without_permission():
    return UserFactory(username="intern", is_staff=True)


# Home


@pytest.mark.django_db
def test_home_lists_published_articles_newest_first(client):
    """The home page shows published articles, the newest at the top."""
    now = timezone.now()
    ArticleFactory(title="Older story", published_at=now - timedelta(days=2))
    ArticleFactory(title="Newer story", published_at=now - timedelta(hours=1))

    content = client.get(reverse("articles:index")).content.decode()

    assert content.index("Newer story") < content.index("Older story")


@pytest.mark.django_db
def test_home_hides_drafts_review_and_scheduled_articles(client):
    """Only published, already-due articles reach the home page."""
    ArticleFactory(title="Visible story")
    ArticleFactory(title="Draft story", draft=True)
    ArticleFactory(title="Review story", in_review=True)
    ArticleFactory(title="Embargoed story", scheduled=True)

    response = client.get(reverse("articles:index"))

    assertContains(response, "Visible story")
    assertNotContains(response, "Draft story")
    assertNotContains(response, "Review story")
    assertNotContains(response, "Embargoed story")


@pytest.mark.django_db
def test_home_shows_standfirst_byline_date_and_image(client):
    """Each item has its standfirst, byline, localised date and featured image."""
    image = ImageFactory(file__width=800, file__height=400, alt_text="Il Colosseo")
    ArticleFactory(
        title="Roma",
        standfirst="Il sommario della notizia.",
        byline="Redazione Esteri",
        featured_image=image,
        published_at=datetime(2025, 3, 5, 10, 0, tzinfo=ROME),
    )

    response = client.get(reverse("articles:index"))

    assertContains(response, "Il sommario della notizia.")
    assertContains(response, "Redazione Esteri")
    assertContains(response, '<time datetime="2025-03-05T10:00:00+01:00">')
    assertContains(response, "5 marzo 2025")
    assertContains(response, 'alt="Il Colosseo"')


@pytest.mark.django_db
def test_empty_home_says_there_are_no_articles(client):
    """A site with nothing published yet answers 200 with a message."""
    response = client.get(reverse("articles:index"))

    assert response.status_code == 200
    assertContains(response, 'class="empty"')


@pytest.mark.django_db
def test_pages_name_an_icon_the_site_has(client, settings):
    """Every page links its own icon, so browsers don't ask for a missing one."""
    response = client.get(reverse("articles:index"))

    match = re.search(r'<link rel="icon" href="([^"]+)"', response.content.decode())
    assert match, "no icon link"
    path = match[1].removeprefix(settings.STATIC_URL)
    assert "<svg" in Path(finders.find(path)).read_text()


@pytest.mark.django_db
def test_lists_paginate_by_twenty(client):
    """Twenty articles per page; the next page holds the rest; beyond is 404."""
    ArticleFactory.create_batch(25)

    first = client.get(reverse("articles:index"))
    second = client.get(reverse("articles:index"), {"page": 2})

    assert len(first.context["object_list"]) == 20
    assert len(second.context["object_list"]) == 5
    assertContains(first, '<nav class="pagination" aria-label=')
    assertContains(first, 'href="?page=2" rel="next"')
    assert client.get(reverse("articles:index"), {"page": 3}).status_code == 404


# Article page


@pytest.mark.django_db
def test_article_page_shows_everything_a_reader_needs(client):
    """Title, standfirst, byline, date, reading time, categories, tags, body."""
    category = CategoryFactory(name="Politica")
    tag = TagFactory(name="elezioni")
    author = UserFactory(username="giulia")
    AuthorProfileFactory(user=author, display_name="Giulia Bianchi")
    article = ArticleFactory(
        title="Il voto di domenica",
        standfirst="Cosa cambia.",
        author=author,
        body="<h2>Prima</h2><p>" + " ".join(["parola"] * 450) + "</p>",
        published_at=datetime(2025, 3, 5, 10, 0, tzinfo=ROME),
        categories=[category],
        tags=[tag],
    )

    response = client.get(article.get_absolute_url())

    assert article.get_absolute_url() == "/2025/03/05/il-voto-di-domenica/"
    assertContains(response, '<h1 class="article__title">Il voto di domenica</h1>')
    assertContains(response, "Cosa cambia.")
    assertContains(response, "Giulia Bianchi")
    assertContains(response, 'href="/author/giulia/"')
    assertContains(response, '<time datetime="2025-03-05T10:00:00+01:00">')
    assertContains(response, "2 minuti di lettura")
    assertContains(response, 'href="/category/politica/"')
    assertContains(response, 'href="/tag/elezioni/" rel="tag"')
    assertContains(response, "<h2>Prima</h2>", html=False)
    assertContains(response, '<section id="comments"')
    assertContains(response, '<article class="article')


@pytest.mark.django_db
def test_short_article_reads_in_one_minute(client):
    """Reading time is never less than a minute."""
    article = ArticleFactory(body="<p>Poche parole.</p>")

    assertContains(client.get(article.get_absolute_url()), "1 minuto di lettura")


@pytest.mark.django_db
def test_article_date_in_url_is_the_rome_date(client):
    """Just after midnight in Rome is still the previous day in UTC."""
    published = datetime(2025, 6, 1, 0, 30, tzinfo=ROME)
    article = ArticleFactory(title="Mezzanotte", published_at=published)

    assert article.get_absolute_url() == "/2025/06/01/mezzanotte/"
    assert client.get("/2025/06/01/mezzanotte/").status_code == 200
    assert client.get("/2025/05/31/mezzanotte/").status_code == 404


@pytest.mark.django_db
def test_featured_image_is_a_picture_with_webp_and_jpeg_srcsets(client):
    """The image comes in three widths, WebP first, with caption and credit."""
    image = ImageFactory(caption="Piazza Navona", credit="Mario Verdi")
    article = ArticleFactory(featured_image=image)

    response = client.get(article.get_absolute_url())
    content = response.content.decode()

    source = re.search(r'<source type="image/webp" srcset="([^"]+)"', content)
    assert source, content
    assert [c.split()[-1] for c in source.group(1).split(", ")] == [
        "480w",
        "960w",
        "1600w",
    ]
    img = re.search(r"<img [^>]*>", content.split("<picture>")[1]).group()
    assert 'srcset="' in img and ".jpg 480w" in img
    assert 'sizes="' in img
    assert 'width="1600" height="800"' in img
    # The page's largest picture: loaded at once, not lazily.
    assert 'loading="eager"' in img
    assert 'alt="A square in Rome at dusk"' in img
    assertContains(response, "Piazza Navona")
    assertContains(response, "Mario Verdi")


@pytest.mark.django_db
def test_small_image_lists_only_real_widths(client):
    """A picture narrower than the renditions is not announced as wider."""
    image = ImageFactory(file__width=700, file__height=350)
    article = ArticleFactory(featured_image=image)

    content = client.get(article.get_absolute_url()).content.decode()

    source = re.search(r'<source type="image/webp" srcset="([^"]+)"', content)
    assert [c.split()[-1] for c in source.group(1).split(", ")] == ["480w", "700w"]


@pytest.mark.django_db
def test_title_and_standfirst_are_escaped(client):
    """Markup in a title or standfirst is shown as text, never run."""
    article = ArticleFactory(
        title="<script>alert('t')</script>Titolo",
        standfirst="<script>alert('s')</script>Sommario",
        byline="<img src=x onerror=alert(1)>",
    )

    for url in (article.get_absolute_url(), reverse("articles:index")):
        response = client.get(url)
        assertNotContains(response, "<script>alert(")
        assertNotContains(response, "<img src=x")
        assertContains(response, "&lt;script&gt;alert(")


@pytest.mark.django_db
def test_hostile_body_is_sanitized_on_the_page(client):
    """The body is output as HTML only after the allow-list has cleaned it."""
    article = ArticleFactory(
        body='<p onclick="steal()">Testo<script>alert(1)</script>'
        '<a href="javascript:alert(2)">link</a></p>'
    )

    response = client.get(article.get_absolute_url())

    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "onclick")
    assertNotContains(response, "javascript:")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "traits", [{"draft": True}, {"in_review": True}, {"scheduled": True}]
)
def test_unpublished_articles_are_404_to_the_public(client, traits):
    """Drafts, articles in review and scheduled ones do not exist for readers."""
    article = ArticleFactory(title="Secret", **traits)
    if article.published_at is None:
        article.published_at = timezone.now() - timedelta(hours=1)
        article.save()

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_unpublished_article_is_404_to_staff_without_permission(
    client, staff_without_permission
):
    """Being staff is not enough: the change permission is needed."""
    article = ArticleFactory(draft=True)
    client.force_login(staff_without_permission)

    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("traits", [{"draft": True}, {"scheduled": True}])
def test_editor_sees_unpublished_article_at_its_url_uncached(client, editor, traits):
    """Staff who may change articles read them before publication, never cached."""
    article = ArticleFactory(title="Coming soon", **traits)
    client.force_login(editor)

    response = client.get(article.get_absolute_url())

    assertContains(response, "Coming soon")
    assertContains(response, 'class="preview-banner"')
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_published_article_is_not_marked_uncachable(client):
    """Only unpublished pages get never-cache headers."""
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assert "no-cache" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_preview_renders_any_status_for_editors(client, editor):
    """The staff preview shows a draft in the real article template."""
    article = ArticleFactory(title="Draft in progress", draft=True)
    client.force_login(editor)

    response = client.get(reverse("articles:preview", kwargs={"pk": article.pk}))

    assertContains(response, "Draft in progress")
    assertContains(response, 'class="preview-banner"')
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_preview_is_404_for_anonymous_and_staff_without_permission(
    client, staff_without_permission
):
    """Others get a 404, which does not reveal whether the article exists."""
    article = ArticleFactory(draft=True)
    url = reverse("articles:preview", kwargs={"pk": article.pk})

    assert client.get(url).status_code == 404
    client.force_login(staff_without_permission)
    assert client.get(url).status_code == 404


# Lists


@pytest.mark.django_db
def test_category_page_includes_subcategories(client):
    """A section lists its own articles and those of its subsections, any depth."""
    world = CategoryFactory(name="Esteri")
    europe = CategoryFactory(name="Europa", parent=world)
    italy = CategoryFactory(name="Balcani", parent=europe)
    sport = CategoryFactory(name="Sport")
    ArticleFactory(title="World story", categories=[world])
    ArticleFactory(title="Europe story", categories=[europe])
    ArticleFactory(title="Balkans story", categories=[italy, europe])
    ArticleFactory(title="Sport story", categories=[sport])
    ArticleFactory(title="Draft world story", categories=[world], draft=True)

    response = client.get(world.get_absolute_url())

    assertContains(response, "World story")
    assertContains(response, "Europe story")
    assertContains(response, "Balkans story", count=1)
    assertNotContains(response, "Sport story")
    assertNotContains(response, "Draft world story")
    assert len(response.context["object_list"]) == 3
    europe_page = client.get(europe.get_absolute_url())
    assertNotContains(europe_page, "World story")


@pytest.mark.django_db
def test_unknown_category_is_404(client):
    assert client.get("/category/nowhere/").status_code == 404


@pytest.mark.django_db
def test_tag_page_lists_published_articles_with_the_tag(client):
    """A tag lists its published articles only."""
    tag = TagFactory(name="clima")
    ArticleFactory(title="Tagged story", tags=[tag])
    ArticleFactory(title="Untagged story")
    ArticleFactory(title="Tagged draft", tags=[tag], draft=True)

    response = client.get(tag.get_absolute_url())

    assertContains(response, "Tagged story")
    assertNotContains(response, "Untagged story")
    assertNotContains(response, "Tagged draft")


@pytest.mark.django_db
def test_tag_used_only_on_drafts_has_no_page(client):
    """A tag with nothing published answers 404 instead of an empty page."""
    tag = TagFactory(name="segreto")
    ArticleFactory(tags=[tag], draft=True)

    assert client.get(tag.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_author_page_shows_profile_and_articles(client):
    """The author page has the display name, bio and their published articles."""
    user = UserFactory(username="marco")
    AuthorProfileFactory(user=user, display_name="Marco Neri", bio="Writes on Europe.")
    ArticleFactory(title="By Marco", author=user)
    ArticleFactory(title="By someone else")

    response = client.get(reverse("articles:author", kwargs={"username": "marco"}))

    assertContains(response, "Marco Neri")
    assertContains(response, "Writes on Europe.")
    assertContains(response, "By Marco")
    assertNotContains(response, "By someone else")


@pytest.mark.django_db
def test_author_without_published_articles_has_no_page(client):
    """Usernames of staff who never published are not revealed."""
    user = UserFactory(username="ghost")
    ArticleFactory(author=user, draft=True)

    url = reverse("articles:author", kwargs={"username": "ghost"})
    assert client.get(url).status_code == 404
    assert client.get("/author/nobody/").status_code == 404


@pytest.mark.django_db
def test_month_archive_lists_that_month_only(client):
    """/<yyyy>/<mm>/ lists the articles published in that month in Rome."""
    ArticleFactory(
        title="March story", published_at=datetime(2025, 3, 31, 23, 30, tzinfo=ROME)
    )
    ArticleFactory(
        title="April story", published_at=datetime(2025, 4, 2, 9, 0, tzinfo=ROME)
    )

    response = client.get(
        reverse("articles:archive-month", kwargs={"year": 2025, "month": 3})
    )

    assert response.request["PATH_INFO"] == "/2025/03/"
    assertContains(response, "March story")
    assertNotContains(response, "April story")


@pytest.mark.django_db
def test_month_without_articles_is_404(client):
    """An empty month has no page."""
    ArticleFactory(published_at=datetime(2025, 3, 3, 9, 0, tzinfo=ROME))
    ArticleFactory(draft=True)

    assert client.get("/2025/02/").status_code == 404


@pytest.mark.django_db
def test_sidebar_archive_links_months_with_articles(client):
    """The archive box links each month that has published articles."""
    ArticleFactory(published_at=datetime(2025, 1, 10, 9, 0, tzinfo=ROME))
    ArticleFactory(published_at=datetime(2025, 3, 10, 9, 0, tzinfo=ROME))

    response = client.get(reverse("articles:index"))

    assertContains(response, 'href="/2025/03/"')
    assertContains(response, 'href="/2025/01/"')
    assertNotContains(response, 'href="/2025/02/"')


# Layout


@pytest.mark.django_db
def test_skip_link_is_the_first_focusable_element(client):
    """Keyboard users can jump straight to the main content."""
    ArticleFactory()

    content = client.get(reverse("articles:index")).content.decode()
    body = content.split("<body>", 1)[1]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group()

    assert 'href="#main-content"' in first
    assert 'class="skip-link"' in first
    assert '<main id="main-content"' in body


@pytest.mark.django_db
def test_header_has_site_name_and_category_navigation(client):
    """Every page's header names the site and lists the sections."""
    CategoryFactory(name="Cultura")

    response = client.get(reverse("articles:index"))

    assertContains(response, 'rel="home">Newsroom</a>')
    assertContains(response, '<nav class="category-nav" aria-label=')
    assertContains(response, 'href="/category/cultura/"')


@pytest.mark.django_db
def test_page_announces_its_feed_and_language(client):
    """base.html links the RSS feed and sets the language of the page."""
    response = client.get(reverse("articles:index"))

    assertContains(response, '<html lang="it">')
    assertContains(response, '<link rel="alternate" type="application/rss+xml" title=')
    assertContains(response, 'hreflang="en" href="http://testserver/en/"')


@pytest.mark.django_db
def test_missing_page_uses_the_site_404_template(client):
    """An unknown address answers 404 with the site's own page."""
    response = client.get("/this/does/not/exist/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assertContains(response, 'href="#main-content"', status_code=404)


def test_500_template_renders_without_a_request():
    """The 500 page needs no database and no request context."""
    from django.template.loader import render_to_string

    with translation.override("en"):
        html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert 'href="#main-content"' in html


@pytest.mark.django_db
def test_dates_are_valid_html_to_the_second(client):
    """datetime attributes carry no microseconds (the HTML checker refuses them)."""
    article = ArticleFactory(
        published_at=timezone.now().replace(microsecond=123456) - timedelta(hours=1)
    )
    for url in [article.get_absolute_url(), reverse("articles:index")]:
        stamps = re.findall(r'datetime="([^"]+)"', client.get(url).text)
        assert stamps
        assert all(re.fullmatch(r"[\d-]+T[\d:]+[+-]\d\d:\d\d", s) for s in stamps)


@pytest.mark.django_db
def test_english_pages_mark_the_italian_article_text(client):
    article = ArticleFactory(title="Ponte riaperto", standfirst="Dopo due anni.")
    url = article.get_absolute_url()
    response = client.get("/en" + url)
    assertContains(response, '<html lang="en">')
    assertContains(response, '<h1 class="article__title" lang="it">Ponte riaperto')
    assertContains(response, '<div class="article__body" lang="it">')
    italian = client.get(url)
    assertContains(italian, '<h1 class="article__title">Ponte riaperto')


@pytest.mark.django_db
def test_the_lead_picture_loads_first(client):
    article = ArticleFactory(featured_image=ImageFactory())
    response = client.get(article.get_absolute_url())
    assertContains(response, 'loading="eager" fetchpriority="high"')


@pytest.mark.django_db
def test_the_reading_time_is_counted_when_the_body_is_saved(client, english_site):
    words = " ".join(["parola"] * 450)
    article = ArticleFactory(body=f"<h2>Titolo</h2><p>{words} &amp; altro</p>")

    assert article.word_count == 453
    assertContains(client.get(article.get_absolute_url()), "2 minutes read")

    article.body = "<p>Breve.</p>"
    article.save(update_fields=["body"])
    article.refresh_from_db()

    assert article.word_count == 1
    assertContains(client.get(article.get_absolute_url()), "1 minute read")


@pytest.mark.django_db
def test_the_migration_counts_the_words_of_existing_articles():
    import importlib

    from django.apps import apps

    from articles.models import Article

    migration = importlib.import_module("articles.migrations.0009_word_count")
    long, short = ArticleFactory(body="<p>" + "a " * 1200 + "</p>"), ArticleFactory()
    Article.objects.update(word_count=0)

    migration.count_existing(apps, None)

    assert dict(Article.objects.values_list("pk", "word_count")) == {
        long.pk: 1200,
        short.pk: count_words(short.body),
    }
