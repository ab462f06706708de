"""A reader's visit in a real browser: read, switch language, search, browse, feed."""

import re

import feedparser

from tests.browser.conftest import assert_no_csp_violation
from tests.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    CategoryFactory,
    TagFactory,
)


def test_reader_reads_switches_to_english_searches_browses_and_finds_the_feed(
    page, live_server
):
    """Home → article → English → search a body word → category → tag → RSS feed."""
    culture = CategoryFactory(name="Cultura", slug="cultura")
    museums = TagFactory(name="musei", slug="musei")
    profile = AuthorProfileFactory(display_name="Giulia Rossi")
    ArticleFactory(
        title="Riapre il museo civico",
        standfirst="Dopo tre anni di lavori le sale tornano visitabili.",
        body=(
            "<h2>Le sale</h2><p>Il restauro degli affreschi quattrocenteschi "
            "è terminato.</p><h3>Gli orari</h3><p>Aperto dal martedì.</p>"
        ),
        author=profile.user,
        categories=[culture],
        tags=[museums],
    )
    ArticleFactory(title="Il consiglio comunale approva il bilancio")

    failed = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    # Home, in Italian for an Italian browser, with the site's own stylesheet.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.evaluate("document.styleSheets.length") >= 1
    page.get_by_role("link", name="Riapre il museo civico").first.click()

    # The article, at its dated address.
    page.wait_for_url(re.compile(r"/\d{4}/\d{2}/\d{2}/riapre-il-museo-civico/$"))
    assert page.locator("h1").inner_text() == "Riapre il museo civico"
    assert "affreschi" in page.locator(".article__body").inner_text()
    assert page.locator("time").first.get_attribute("datetime")
    article_path = page.url.removeprefix(live_server.url)

    # The language switcher keeps the reader on the same article, in English.
    page.locator("button[lang=en]").click()
    page.wait_for_url(f"{live_server.url}/en{article_path}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Riapre il museo civico"

    # The search box in the header finds a word that is only in the body.
    page.locator("#site-search-q").fill("affreschi")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=affreschi$"))
    results = page.locator(".card")
    assert results.count() == 1
    assert "Riapre il museo civico" in results.inner_text()
    assert "affreschi" in results.locator(".card__snippet").inner_text()

    # The category named on the result lists its articles.
    results.locator(".kicker").get_by_role("link", name="Cultura").click()
    page.wait_for_url(f"{live_server.url}/en/category/cultura/")
    assert page.locator(".card").count() == 1
    assert "Riapre il museo civico" in page.locator("main").inner_text()

    # Back on the article, its tag lists the articles tagged with it.
    page.get_by_role("link", name="Riapre il museo civico").first.click()
    page.wait_for_url(f"{live_server.url}/en{article_path}")
    page.locator("a[rel=tag]", has_text="musei").click()
    page.wait_for_url(f"{live_server.url}/en/tag/musei/")
    assert "Riapre il museo civico" in page.locator("main").inner_text()
    assert "bilancio" not in page.locator("main").inner_text()

    # The site's feed is RSS 2.0 with both articles.
    response = page.request.get("/feed/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.body())
    assert feed.version == "rss20"
    assert {entry.title for entry in feed.entries} == {
        "Riapre il museo civico",
        "Il consiglio comunale approva il bilancio",
    }

    assert not failed, failed

    assert_no_csp_violation(page)
