import pytest

from django.urls import clear_url_caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast password hashing, throwaway media, and no real mail or Akismet key."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.AKISMET_API_KEY = ""
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }


@pytest.fixture(autouse=True)
def _current_site(settings):
    """
    The one Site (flatpages and redirects need django.contrib.sites), as
    newsroom.apps.sync_site keeps it, named for the test client's host so that
    feeds and the sitemap write http://testserver/ addresses. Django keeps the
    current Site in memory after its first lookup; it is put there directly, so
    query counts do not depend on which test ran first.
    """
    from django.contrib.sites.models import SITE_CACHE, Site

    SITE_CACHE[settings.SITE_ID] = Site(
        pk=settings.SITE_ID, domain="testserver", name=settings.SITE_NAME
    )
    yield
    SITE_CACHE.clear()


@pytest.fixture(autouse=True)
def _empty_caches(settings):
    """
    Every test starts with empty caches (rendered pages, imagekit's files) and
    the server-side page cache off, its fragments too; tests of caching turn
    them on with page_cache (or fragments alone with fragment_cache).
    """
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """The server-side page cache on, its fragments too, as in production."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600


@pytest.fixture
def fragment_cache(settings):
    """The fragments shared by pages kept, with the page cache itself off."""
    settings.FRAGMENT_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _default_language():
    """
    Start every test in the default language.

    LocaleMiddleware leaves the last request's language active in the thread, so
    without this a test that fetched /en/ would make the next test's reverse()
    and get_absolute_url() return /en/ addresses.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def _akismet_server_process():
    from tests.akismet_server import AkismetServer

    server = AkismetServer().start()
    yield server
    server.stop()


@pytest.fixture
def akismet_server(_akismet_server_process, settings):
    """A local Akismet-compatible server, with the site's key and URL pointing at it."""
    server = _akismet_server_process
    server.reset()
    settings.AKISMET_API_KEY = "local-test-key"
    settings.AKISMET_API_URL = server.url
    settings.AKISMET_TIMEOUT = 0.5
    yield server
    server.reset()


@pytest.fixture
def moderator(db):
    """A staff user in the "Moderator" group that the comments migration creates."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="maria", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.fixture
def journalist(db):
    """A staff user in the "Journalist" group that the articles migration creates."""
    from tests.factories import UserFactory

    return UserFactory(username="luca", is_staff=True, groups=["Journalist"])


@pytest.fixture
def editor(db):
    """A staff user in the "Editor" group that the articles migration creates."""
    from tests.factories import UserFactory

    return UserFactory(username="anna", is_staff=True, groups=["Editor"])


@pytest.fixture
def admin_login():
    """
    Log a user in through the admin login form, as a person does (the login
    throttling needs the request); return True if it let them in.
    ``admin_login(client, "anna", "secret")``.
    """
    from django.urls import reverse

    def login(client, username, password, **extra):
        response = client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": "/admin/"},
            **extra,
        )
        return response.status_code == 302

    return login


@pytest.fixture
def article_form_data():
    """
    Build the POST data of the article admin form for ``article``, with changes.

    ``article_form_data(article, title="New")``; ``status`` takes a workflow state
    ("draft", "review", "returned", "scheduled", "published").
    """

    def build(article=None, **changes):
        from django.utils import timezone

        data = {
            "title": "",
            "slug": "",
            "standfirst": "",
            "body": "",
            "featured_image": "",
            "categories": [],
            "tags": [],
            "status": "draft",
            "note": "",
            "author": "",
            "byline": "",
            "comments_open": "on",
            "published_at_0": "",
            "published_at_1": "",
            "version": "",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "revised_at_0": "",
            "revised_at_1": "",
        }
        if article is not None:
            data.update(
                title=article.title,
                slug=article.slug,
                standfirst=article.standfirst,
                body=article.body,
                featured_image=article.featured_image_id or "",
                categories=[c.pk for c in article.categories.all()],
                tags=[t.pk for t in article.tags.all()],
                status=article.state().value,
                author=article.author_id,
                byline=article.byline,
                version=article.version,
            )
            if not article.comments_open:
                del data["comments_open"]
            if article.is_sticky:
                data["is_sticky"] = "on"
            if article.noindex:
                data["noindex"] = "on"
            if article.revised_at:
                when = timezone.localtime(article.revised_at)
                data["revised_at_0"] = when.strftime("%Y-%m-%d")
                data["revised_at_1"] = when.strftime("%H:%M:%S")
            if article.published_at:
                when = timezone.localtime(article.published_at)
                data["published_at_0"] = when.strftime("%Y-%m-%d")
                data["published_at_1"] = when.strftime("%H:%M:%S")
        if "published_at" in changes:
            when = changes.pop("published_at")
            when = timezone.localtime(when) if when else None
            data["published_at_0"] = when.strftime("%Y-%m-%d") if when else ""
            data["published_at_1"] = when.strftime("%H:%M:%S") if when else ""
        if changes.get("comments_open") is False:
            del changes["comments_open"]
            data.pop("comments_open", None)
        data.update(changes)
        return data

    return build


@pytest.fixture
def comment_data():
    """Build the POST data of a valid comment form, shown a minute ago."""
    import time

    from django.core import signing

    from comments.forms import ISSUED_SALT

    def build(article, **fields):
        issued = {"a": article.pk, "t": time.time() - 60}
        return {
            "author_name": "Anna Bianchi",
            "author_email": "anna@example.org",
            "author_url": "",
            "body": "A fair point, well made.",
            "issued": signing.dumps(issued, salt=ISSUED_SALT),
            "homepage": "",
            **fields,
        }

    return build


@pytest.fixture
def post_comment(client, comment_data, django_capture_on_commit_callbacks):
    """
    Post a comment form to an article and run what waits for the commit (the
    spam check task, emails), as a real request would.
    """
    from django.urls import reverse

    def post(article, *, using=None, extra=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (using or client).post(
                reverse("comments:post", args=[article.pk]),
                comment_data(article, **fields),
                **(extra or {}),
            )

    return post


@pytest.fixture
def english_site(settings):
    """The site, and so the admin, in English: by default it speaks Italian."""
    default = settings.LANGUAGE_CODE
    settings.LANGUAGE_CODE = "en"
    # URL reversing caches language prefixes, which depend on LANGUAGE_CODE.
    clear_url_caches()
    with translation.override("en"):
        yield
    settings.LANGUAGE_CODE = default
    clear_url_caches()
