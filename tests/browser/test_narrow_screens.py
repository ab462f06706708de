"""Nothing a reader types makes a page wider than a phone (issue 12)."""

import pytest

from tests.browser.conftest import assert_no_csp_violation
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory

HOSTILE_COMMENTS = [
    "Leggete https://example.org/" + "percorso-molto-lungo/" * 12 + "fine.",
    "Una parola di trecento lettere: " + "a" * 300,
    'Tra virgolette "https://example.org/citata", e (https://example.org/tra).',
    "«https://example.org/caporali» e poi… https://example.org/punto.",
    "Emoji 🌍🔥💧 senza spazi " + "🌍" * 80,
    "نص من اليمين إلى اليسار مع رابط https://example.org/عربي في الوسط",
]


@pytest.mark.parametrize("width", [320, 390])
def test_pages_fit_the_screen_whatever_readers_type(page, live_server, width):
    section = CategoryFactory(name="Ambiente e territorio", slug="ambiente")
    for n in range(8):
        CategoryFactory(name=f"Sezione numero {n}", slug=f"sezione-{n}")
    article = ArticleFactory(
        title="Unaparolamoltolungaperuntitolo" * 4,
        categories=[section],
    )
    for text in HOSTILE_COMMENTS:
        CommentFactory(article=article, body=text, status="approved")
    page.set_viewport_size({"width": width, "height": 800})

    for path in (article.get_absolute_url(), "/", section.get_absolute_url()):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} is {overflow} px wider than {width} px"
        if path == article.get_absolute_url():
            assert page.locator(".comment").count() == len(HOSTILE_COMMENTS)
    assert_no_csp_violation(page)
