"""
The reader's pages are valid HTML whatever readers type (issue 12), checked by
the Nu HTML checker (vnu.jar, which `make test-validator` installs from npm
into build/vnu and runs with the machine's Java).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from django.test import Client

from .factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR",
        Path(__file__).resolve().parent.parent
        / "build/vnu/node_modules/vnu-jar/build/dist/vnu.jar",
    )
)

pytestmark = [
    pytest.mark.validator,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="needs Java for vnu.jar"),
    pytest.mark.skipif(
        not VNU_JAR.exists(), reason=f"needs {VNU_JAR} (make test-validator)"
    ),
]

HOSTILE_COMMENTS = [
    "Leggete https://example.org/" + "percorso-molto-lungo/" * 12 + "fine.",
    "Una parola di trecento lettere: " + "a" * 300,
    'Tra virgolette "https://example.org/citata", e (https://example.org/tra).',
    "«https://example.org/caporali» e poi… https://example.org/punto. Ok!",
    "Fine frase https://example.org/a; e https://example.org/b? e <b>non</b> html",
    "Emoji 🌍🔥💧 senza spazi " + "🌍" * 80,
    "نص من اليمين إلى اليسار مع رابط https://example.org/عربي في الوسط",
    "Tra quadre [https://example.org/lista] e <https://example.org/angolo>!",
]


def validate(pages, tmp_path):
    """The checker's errors for each page, by address."""
    files = {}
    for n, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"page{n}.html"
        path.write_bytes(html)
        files[str(path)] = url
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')[
        "messages"
    ]
    errors = {}
    for message in messages:
        # vnu names a file "file:/tmp/..."
        where = message.get("url", "").removeprefix("file:")
        url = files.get(where, where)
        errors.setdefault(url, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    return errors


def test_pages_with_hostile_comments_are_valid_html(tmp_path, settings):
    settings.PAGE_CACHE_SECONDS = 0
    section = CategoryFactory(name="Ambiente", slug="ambiente")
    tag = TagFactory(name="Siccità", slug="siccita")
    article = ArticleFactory(
        title="Siccità: «acqua» & <bacini>", categories=[section], tags=[tag]
    )
    ArticleFactory(title="Un altro pezzo", categories=[section], tags=[tag])
    for text in HOSTILE_COMMENTS:
        CommentFactory(article=article, body=text, status="approved")
    day = article.published_at
    urls = [
        article.get_absolute_url(),
        "/en" + article.get_absolute_url(),
        "/",
        section.get_absolute_url(),
        tag.get_absolute_url(),
        "/search/?q=siccit%C3%A0",
        f"/{day:%Y}/",
        f"/{day:%Y}/{day:%m}/",
        "/correzioni/",
    ]
    pages = {}
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200, url
        pages[url] = response.content

    assert validate(pages, tmp_path) == {}


def test_the_checker_reports_what_is_wrong(tmp_path):
    """The wiring itself: an invalid page does not pass as valid."""
    broken = (
        b'<!DOCTYPE html><html lang="it"><title>x</title><p>'
        b'<time datetime="2026-12-03T07:43:53.977728+01:00">ora</time>'
        b'<a href="x"><a href="y">z</a></a>'
    )
    errors = validate({"/broken/": broken}, tmp_path)
    assert len(errors["/broken/"]) >= 2
