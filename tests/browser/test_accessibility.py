"""axe-core finds no accessibility violation on the reader's pages (issue 12)."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import assert_no_csp_violation
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    TagFactory,
)

AXE = Path(
    os.environ.get(
        "AXE_JS",
        Path(__file__).resolve().parents[2]
        / "build/axe/node_modules/axe-core/axe.min.js",
    )
)

pytestmark = pytest.mark.skipif(
    not AXE.exists(), reason=f"needs {AXE} (make test-browser installs it)"
)


def violations(page):
    # Evaluated through the browser's debugging protocol, not as a page script:
    # the site's Content-Security-Policy stays as strict as for readers.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


def test_reader_pages_have_no_accessibility_violation(page, live_server):
    section = CategoryFactory(name="Ambiente", slug="ambiente")
    tag = TagFactory(name="Siccità", slug="siccita")
    article = ArticleFactory(title="Siccità al sud", categories=[section], tags=[tag])
    ArticleFactory(title="Bacini vuoti", categories=[section], tags=[tag])
    CommentFactory(article=article, status="approved", body="Vedi https://example.org/")

    found = {}
    for path in (
        "/",
        article.get_absolute_url(),
        section.get_absolute_url(),
        "/search/?q=siccit%C3%A0",
        "/correzioni/",
        "/en/",
    ):
        page.goto(live_server.url + path)
        found[path] = violations(page)
    # The comment form shown again with its errors.
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(".comment-form button[type=submit]").click()
    page.wait_for_load_state()
    found["comment form with errors"] = violations(page)

    assert found == {key: [] for key in found}
    assert_no_csp_violation(page)
