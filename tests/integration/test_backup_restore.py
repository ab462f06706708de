"""
A backup restores into a working site: the README's pg_dump and media copy.

On the PostgreSQL of CI (127.0.0.1:5432, user postgres, trust authentication): a
database of its own gets the demo content (seed_demo, with its pictures in a
media folder of its own), is dumped with ``pg_dump -Fc`` while its media folder
goes into a tar archive, and both are restored into a fresh database and a
fresh folder with ``pg_restore`` and ``tar``. The restored site must then serve
the same articles and comments, pages and pictures, as the original. Marked
``integration``: ``make test-integration`` runs it, ``make test`` does not.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]

# Run by manage.py shell in each site: what a reader and an editor would see.
SNAPSHOT = """
import json
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.utils.html import escape
from articles.models import Article, Category, Image, Tag
from comments.models import Comment
from django.contrib.auth import get_user_model

static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=static, PAGE_CACHE_SECONDS=0):
    client = Client()
    pages = {}
    for article in Article.objects.published().order_by("pk"):
        response = client.get(article.get_absolute_url())
        text = response.content.decode()
        shown = sorted(
            c.pk for c in article.comments.approved() if c.body_html in text
        )
        pages[article.get_absolute_url()] = [
            response.status_code, escape(article.title) in text, shown
        ]
    home = client.get("/")
print(json.dumps({
    "articles": sorted(
        [a.pk, a.title, a.status, a.body] for a in Article.objects.all()
    ),
    "comments": sorted(
        [c.pk, c.article_id, c.status, c.author_name, c.body]
        for c in Comment.objects.all()
    ),
    "counts": [
        Category.objects.count(), Tag.objects.count(),
        get_user_model().objects.count(),
    ],
    "images": sorted(
        [i.file.name, default_storage.exists(i.file.name)]
        for i in Image.objects.all()
    ),
    "pages": pages,
    "home": [home.status_code, home.content.count(b"<article")],
}))
"""


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def site_env(database, media):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "TASKS_BACKEND": "immediate",
        "AKISMET_API_KEY": "",
        "REDIS_URL": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env, *args):
    return run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env)


def snapshot(env):
    return json.loads(manage(env, "shell", "-c", SNAPSHOT).splitlines()[-1])


@pytest.fixture
def databases_of_our_own(tmp_path):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb", "pg_isready"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: apt-get install postgresql-client.")
    if subprocess.run(["pg_isready", "-q", *PG]).returncode != 0:
        pytest.fail("PostgreSQL does not answer on 127.0.0.1:5432 (.ci/run starts it).")
    names = [f"newsroom_backup_{os.getpid()}_{n}" for n in ("live", "restored")]
    for name in names:
        run(["dropdb", *PG, "--if-exists", name])
        run(["createdb", *PG, name])
    yield names
    for name in names:
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name])


def test_a_dump_and_the_media_restore_the_same_site(databases_of_our_own, tmp_path):
    live_db, restored_db = databases_of_our_own
    live = site_env(live_db, tmp_path / "live-media")
    manage(live, "migrate", "--no-input", "-v0")
    manage(live, "seed_demo", "--password", "backup-test")
    before = snapshot(live)
    assert before["articles"] and before["comments"] and before["images"]
    assert all(exists for _, exists in before["images"])

    # The backup, as the README has it: the database and the media folder.
    dump = tmp_path / "newsroom.dump"
    run(["pg_dump", *PG, "-Fc", "-f", str(dump), live_db])
    media_archive = tmp_path / "media.tar"
    run(["tar", "-C", str(tmp_path / "live-media"), "-cf", str(media_archive), "."])

    # The restore: a fresh database and a fresh media folder.
    run(["pg_restore", *PG, "--no-owner", "--exit-on-error", "-d", restored_db, dump])
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    run(["tar", "-C", str(restored_media), "-xf", str(media_archive)])
    restored = site_env(restored_db, restored_media)

    after = snapshot(restored)
    assert after == before
    for status, title_shown, _ in after["pages"].values():
        assert (status, title_shown) == (200, True)
    assert any(shown for _, _, shown in after["pages"].values())
    assert after["home"][0] == 200
    assert manage(restored, "migrate", "--check", "--no-input").strip() == ""
