"""newsroom/settings.py is driven by the environment and safe with nothing set."""

import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.cache import cache
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS = BASE_DIR / "newsroom" / "settings.py"
README = BASE_DIR / "README.md"
# Every environment variable settings.py reads, e.g. env.str("DJANGO_DEBUG", ...).
SETTINGS_VARIABLES = frozenset(
    re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS.read_text())
)


def clean_environ(**values):
    """The process environment without any setting, plus ``values``."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not (name.startswith("DJANGO_") or name in SETTINGS_VARIABLES)
    }
    return environ | values


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluate settings.py afresh under the given environment variables."""

    def load(**values):
        for name in os.environ.keys() - clean_environ().keys():
            monkeypatch.delenv(name)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def production_environ(**values):
    return clean_environ(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="news.example",
        DJANGO_HTTPS="1",
        **values,
    )


def run_manage(*args, environ):
    return subprocess.run(
        [sys.executable, "-W", "default", "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_without_a_warning_with_production_values():
    """Debug off, a real key, a host name and HTTPS: check --deploy is silent."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environ=production_environ()
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "Warning" not in output
    assert "WARNING" not in output


def test_deploy_check_flags_the_development_defaults():
    """With no environment the deploy check points at the insecure defaults."""
    result = run_manage("check", "--deploy", environ=clean_environ())
    output = result.stdout + result.stderr
    assert "security.W009" in output  # the development SECRET_KEY
    assert "security.W008" in output  # no HTTPS redirect


def test_defaults_are_sqlite_local_memory_cache_and_inline_tasks(load_settings):
    """With nothing set: SQLite in the project, locmem cache, tasks run at once."""
    config = load_settings()
    assert config["DEBUG"] is False
    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert (
        config["CACHES"]["default"]["BACKEND"]
        == "django.core.cache.backends.locmem.LocMemCache"
    )
    assert (
        config["TASKS"]["default"]["BACKEND"]
        == "django.tasks.backends.immediate.ImmediateBackend"
    )
    assert config["TIME_ZONE"] == "Europe/Rome"
    assert config["LANGUAGE_CODE"] == "it"
    assert config["SECRET_KEY"].startswith("django-insecure-")
    assert config["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert config["SECURE_SSL_REDIRECT"] is False
    assert config["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "localhost",
            "port": 25,
            "username": "",
            "password": "",
            "use_tls": False,
            "use_ssl": False,
            "timeout": 10,
        },
    }


@pytest.mark.parametrize(
    ("value", "debug"),
    [("1", True), ("0", False), ("", False), ("true", False), ("yes", False)],
)
def test_debug_is_on_only_when_django_debug_is_1(load_settings, value, debug):
    """DJANGO_DEBUG=1 and nothing else turns debugging on."""
    assert load_settings(DJANGO_DEBUG=value)["DEBUG"] is debug


def test_debug_prints_mail_to_the_console(load_settings):
    """While debugging, mail goes to the console unless EMAIL_URL says otherwise."""
    config = load_settings(DJANGO_DEBUG="1")
    assert config["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }


def test_email_url_configures_the_default_mailer(load_settings):
    """EMAIL_URL carries host, port, credentials (URL-encoded) and TLS."""
    config = load_settings(
        EMAIL_URL="submission://news%40example.org:p%2Fss@mail.example:587/?tls=True",
        DJANGO_DEFAULT_FROM_EMAIL="redazione@news.example",
    )
    assert config["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example",
            "port": 587,
            "username": "news@example.org",
            "password": "p/ss",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 10,
        },
    }
    assert config["DEFAULT_FROM_EMAIL"] == "redazione@news.example"
    assert config["SERVER_EMAIL"] == "redazione@news.example"


def test_database_url_selects_postgresql(load_settings):
    """DATABASE_URL is parsed into a PostgreSQL connection kept open for reuse."""
    config = load_settings(
        DATABASE_URL="postgres://news:s3cret@db.example:6543/newsroom"
    )
    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"]) == ("db.example", 6543)
    assert (database["USER"], database["PASSWORD"]) == ("news", "s3cret")
    assert database["NAME"] == "newsroom"
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_redis_url_selects_the_redis_cache(load_settings):
    """REDIS_URL swaps the local-memory cache for Redis."""
    config = load_settings(REDIS_URL="redis://cache.example:6379/2")
    assert config["CACHES"]["default"]["BACKEND"] == "newsroom.redis_cache.RedisCache"
    assert config["CACHES"]["default"]["LOCATION"] == "redis://cache.example:6379/2"


def redis_answers(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_cache_set_and_get_go_through_redis(load_settings, settings):
    """With REDIS_URL set, Django's cache stores and reads values in Redis."""
    import redis

    caches = load_settings(REDIS_URL="redis://127.0.0.1:6379/15")["CACHES"]
    key_prefix = f"test-{secrets.token_hex(4)}"
    settings.CACHES = {"default": caches["default"] | {"KEY_PREFIX": key_prefix}}
    try:
        cache.set("greeting", "ciao", timeout=30)
        assert cache.get("greeting") == "ciao"
        stored = redis.Redis.from_url("redis://127.0.0.1:6379/15").keys(
            f"{key_prefix}:*"
        )
        assert len(stored) == 1
        # One redis-py client serves every call, not a new one per call.
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
    finally:
        cache.clear()


def test_hosts_time_zone_and_site_url_come_from_the_environment(load_settings):
    """DJANGO_ALLOWED_HOSTS is comma-separated; SITE_URL loses a trailing slash."""
    config = load_settings(
        DJANGO_ALLOWED_HOSTS="news.example,www.news.example",
        DJANGO_TIME_ZONE="UTC",
        SITE_URL="https://news.example/",
    )
    assert config["ALLOWED_HOSTS"] == ["news.example", "www.news.example"]
    assert config["TIME_ZONE"] == "UTC"
    assert config["SITE_URL"] == "https://news.example"


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header(load_settings):
    """DJANGO_HTTPS=1 enables every HTTPS-only protection."""
    config = load_settings(DJANGO_HTTPS="1")
    assert config["SECURE_SSL_REDIRECT"] is True
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["CSRF_COOKIE_SECURE"] is True
    assert config["SECURE_HSTS_SECONDS"] >= 31536000
    assert config["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_hsts_subdomains_and_preload_are_the_operators_choice(load_settings):
    """HTTPS alone: HSTS for this host only, and the deploy check's two
    warnings about it silenced, as the README explains."""
    config = load_settings(DJANGO_HTTPS="1")
    assert config["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert config["SECURE_HSTS_PRELOAD"] is False
    assert set(config["SILENCED_SYSTEM_CHECKS"]) == {"security.W005", "security.W021"}

    config = load_settings(
        DJANGO_HTTPS="1", DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1"
    )
    assert config["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert config["SECURE_HSTS_PRELOAD"] is True
    assert config["SILENCED_SYSTEM_CHECKS"] == []


def test_hsts_preload_without_subdomains_stops_start_up(load_settings):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DJANGO_HSTS_INCLUDE_SUBDOMAINS"):
        load_settings(DJANGO_HTTPS="1", DJANGO_HSTS_PRELOAD="1")


def test_hsts_options_do_nothing_without_https(load_settings):
    config = load_settings(DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1")
    assert config["SECURE_HSTS_SECONDS"] == 0
    assert config["SECURE_HSTS_PRELOAD"] is False


def test_deploy_check_passes_with_every_hsts_option_on():
    environ = production_environ(
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1"
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues (0 silenced)" in output


def test_two_factor_is_optional_unless_required(load_settings):
    assert load_settings()["ADMIN_REQUIRE_2FA"] is False
    assert load_settings(ADMIN_REQUIRE_2FA="1")["ADMIN_REQUIRE_2FA"] is True


def test_csp_allows_pictures_from_the_media_bucket(load_settings):
    config = load_settings(
        AWS_STORAGE_BUCKET_NAME="pictures", AWS_S3_CUSTOM_DOMAIN="cdn.news.example"
    )
    assert config["SECURE_CSP"]["img-src"][-1] == "https://cdn.news.example"
    assert "https://cdn.news.example" not in load_settings()["SECURE_CSP"]["img-src"]


def test_tasks_backend_database_uses_the_database_queue(load_settings):
    """TASKS_BACKEND=database queues tasks for `manage.py db_worker`."""
    config = load_settings(TASKS_BACKEND="database")
    assert config["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_an_unknown_tasks_backend_is_refused_with_a_clear_error(load_settings):
    """A typo in TASKS_BACKEND stops start-up and names the allowed values."""
    with pytest.raises(Exception, match="TASKS_BACKEND.*immediate, database"):
        load_settings(TASKS_BACKEND="celery")


def test_production_static_files_are_hashed_compressed_and_served(settings, tmp_path):
    """collectstatic writes hashed, gzipped files that WhiteNoise serves itself."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--no-input", verbosity=0)

    url = static("django_prose_editor/editor.js")
    assert re.fullmatch(r"/static/django_prose_editor/editor\.[0-9a-f]{12}\.js", url)
    assert (
        (settings.STATIC_ROOT / url.removeprefix("/static/"))
        .with_suffix(".js.gz")
        .exists()
    )

    # A new client builds a new handler, so WhiteNoise indexes the new STATIC_ROOT.
    response = Client().get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    # Reading to the end closes the file, as a WSGI server would.
    assert b"".join(response.streaming_content).startswith(b"\x1f\x8b")


def test_readme_documents_every_environment_variable():
    """Each variable settings.py reads has a row in the README's table."""
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_URL"} <= SETTINGS_VARIABLES
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", README.read_text(), re.M))
    assert SETTINGS_VARIABLES - rows == set()
