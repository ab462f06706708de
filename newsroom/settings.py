"""
Settings for newsroom: one module, configured by environment variables.

With nothing set it runs a development site on SQLite, with background tasks run
in-process. Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

from django_prose_editor.config import html_tags
from environs import Env, validate
from js_asset import static_lazy

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()

# Core

DEBUG = env.str("DJANGO_DEBUG", "") == "1"
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    "django-insecure-development-key-do-not-use-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Addresses of the reverse proxies in front of the app (nginx, a load balancer):
# a request from one of them is taken to come from the address it names last in
# X-Forwarded-For. Requests from anywhere else keep REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", [])
SITE_NAME = env.str("SITE_NAME", "Newsroom")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Sites: required by flatpages and redirects; one site (SITE_ID), kept in step
    # with SITE_URL and SITE_NAME by newsroom's post_migrate (see newsroom/apps.py).
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "django_prose_editor",
    "django_tasks_db",
    "imagekit",
    "reversion",
    "reversion_compare",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "newsroom",
    "articles",
    "comments",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress query addresses (/?p=ID...): before the page cache, which
    # would serve them the home page (issue 11).
    "newsroom.wordpress.redirects.OldAddressMiddleware",
    # Outside the page cache: every response, a cached one too, gets the policy
    # built for it (with no nonce unless the page used one).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.SecurityHeadersMiddleware",
    # Before the session: a cached page is served without touching it.
    "newsroom.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "newsroom.middleware.ControlCharactersMiddleware",
    "newsroom.middleware.BrowserLanguageMiddleware",
    "newsroom.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old WordPress paths: the redirects app's table, on a 404 (issue 11).
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.pagecache.csrf_placeholder",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL through DATABASE_URL

DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis through REDIS_URL, local memory otherwise

REDIS_URL = env.str("REDIS_URL", "")
# Seconds to wait for Redis to connect or answer before serving without it.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", 0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, reusing its redis-py clients (see the module).
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # A Redis that does not answer costs a request this long at most
            # (then the cache is skipped for a few seconds, see the module).
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }
    # Sessions in Redis, backed by the database: shared by every app server, and
    # read from the database while Redis is unreachable.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Reader's pages kept in the cache (newsroom/pagecache.py), in seconds; 0 turns it off.
# On by default only with Redis: local memory is per process, and a change made
# through one process would not reach the pages cached by another.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0)
# Parts shared by many pages (the comment thread and form, the article, the
# navigation, the sidebar, the footer) kept in the cache, in seconds; 0 turns it
# off. A page that is not in the page cache is put together from them. On by
# default only with Redis, for the same reason.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", 600 if REDIS_URL else 0)

# Background tasks: in-process by default, a database queue in production

TASKS_BACKEND = env.str(
    "TASKS_BACKEND", "immediate", validate=validate.OneOf(["immediate", "database"])
)
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
    }
}

# Authentication

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Axes first: it refuses a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day

# Admin login throttling (django-axes): failures are counted per user name and
# address, and per address across user names; either limit locks that pair or
# address out for the cool-off period. Attempts and locks are in the admin.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "newsroom.security.failure_limit"
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# The same client address as the comment flood limit, behind TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.views.login_locked"
# Failures are logged with the user name and the address (never the password).
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False
# Successful logins are not stored: the failures are what the admin needs.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor sign-in (django-otp, TOTP): staff may turn it on; with
# ADMIN_REQUIRE_2FA every staff member must, before using the admin.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = SITE_NAME

# Internationalisation: Italian first, English second

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "newsroom" / "locale"]
# Dates as the Italian press writes them: "5 novembre 2026".
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

# Static files and media

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media on S3-compatible storage (django-storages) when a bucket is named, so
# that every app server sees every upload.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", "")
# Where media files are served from, other than the site (for the CSP's img-src).
MEDIA_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_ORIGINS = [
        f"https://{env.str('AWS_S3_CUSTOM_DOMAIN', '')}"
        if env.str("AWS_S3_CUSTOM_DOMAIN", "")
        else env.str("AWS_S3_ENDPOINT_URL", "") or "https://*.amazonaws.com"
    ]
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", "") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", "") or None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
        },
    }

# Email: one URL, e.g. smtp://user:password@mail.example:587/?tls=True
# (console output while debugging, the SMTP server on localhost otherwise)

_email = env.dj_email_url(
    "EMAIL_URL", default="console:" if DEBUG else "smtp://localhost:25"
)
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email_options = {
        "host": _email["EMAIL_HOST"] or "localhost",
        "port": _email["EMAIL_PORT"] or 25,
        "username": _email["EMAIL_HOST_USER"] or "",
        "password": _email["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": _email["EMAIL_USE_TLS"],
        "use_ssl": _email["EMAIL_USE_SSL"],
        "timeout": _email["EMAIL_TIMEOUT"] or 10,
    }
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _email_options = {"file_path": _email["EMAIL_FILE_PATH"]}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security: DJANGO_HTTPS=1 behind TLS turns on every HTTPS-only protection

HTTPS = env.bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
# HSTS for every subdomain, and the browsers' preload list, commit the whole
# domain to HTTPS for a long time: only the operator can decide that.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env.bool(
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS", False
)
SECURE_HSTS_PRELOAD = HTTPS and env.bool("DJANGO_HSTS_PRELOAD", False)
if SECURE_HSTS_PRELOAD and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    # The preload list takes only domains whose subdomains are covered too.
    raise ImproperlyConfigured(
        "DJANGO_HSTS_PRELOAD=1 needs DJANGO_HSTS_INCLUDE_SUBDOMAINS=1 as well."
    )
SILENCED_SYSTEM_CHECKS = []
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # check --deploy asks for both; leaving them out is the operator's choice,
    # made with the variables above and documented in the README.
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (Django's own): no inline script or style anywhere
# but where a page gives a nonce (the admin); violations go to /csp-report/.
CSP_REPORT_PATH = "/csp-report/"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Pictures also come from the media bucket or its domain, when there is one.
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "report-uri": CSP_REPORT_PATH,
    "report-to": "csp",
}
# Features the site never uses, denied to every page (Permissions-Policy).
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Logging: everything an operator needs goes to stderr

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# Third-party apps

CRISPY_ALLOWED_TEMPLATE_PACKS = ["newsroom"]
CRISPY_TEMPLATE_PACK = "newsroom"
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
# The article editor's extension that gives its own <style> the CSP nonce.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/admin/editor_nonce.js")],
        "extensions": {"StyleNonce": html_tags([])},
    }
]

# Image library: the largest upload accepted, in megabytes

IMAGES_MAX_UPLOAD_MB = env.int("IMAGES_MAX_UPLOAD_MB", 10)

# Akismet: spam checking is off while AKISMET_API_KEY is empty

AKISMET_API_KEY = env.str("AKISMET_API_KEY", "")
AKISMET_BLOG_URL = env.str("AKISMET_BLOG_URL", SITE_URL)
AKISMET_API_URL = env.str("AKISMET_API_URL", "https://rest.akismet.com").rstrip("/")
AKISMET_TIMEOUT = env.float("AKISMET_TIMEOUT", 5.0)
AKISMET_IS_TEST = env.bool("AKISMET_IS_TEST", DEBUG)
# Days a comment's check (and a report to Akismet) is retried while Akismet does
# not answer, before it is left to the moderators; WordPress also gives 15.
AKISMET_RETRY_DAYS = env.int("AKISMET_RETRY_DAYS", 15)

# Comments

COMMENTS_FLOOD_SECONDS = env.int("COMMENTS_FLOOD_SECONDS", 15)
COMMENTS_MIN_FORM_SECONDS = env.int("COMMENTS_MIN_FORM_SECONDS", 3)
COMMENTS_MAX_LENGTH = env.int("COMMENTS_MAX_LENGTH", 5000)
# Top-level comments per page under an article (replies stay with their thread).
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", 50)
# Days after which a comment's IP address, user agent and Akismet data are blanked
# by `manage.py purge_comments`.
COMMENTS_RETENTION_DAYS = env.int("COMMENTS_RETENTION_DAYS", 60)
# A spam wave: this many comments sharing a link, a text or a network within
# this many minutes are grouped in the queue, and held while the wave is on.
COMMENTS_WAVE_SIZE = env.int("COMMENTS_WAVE_SIZE", 10)
COMMENTS_WAVE_MINUTES = env.int("COMMENTS_WAVE_MINUTES", 10)
# The daily mail to moderators of what waits (manage.py mail_queue_digest).
COMMENTS_DIGEST = env.bool("COMMENTS_DIGEST", False)
# Minutes after posting during which its author may still edit a published
# comment (a pending one may be edited until it is decided).
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", 10)
# A verified commenter with this many approved comments, and no spam or trash
# verdict in the last COMMENTS_TRUST_CLEAN_DAYS days, is trusted: published
# right after the spam check, skipping the hold rules.
COMMENTS_TRUST_APPROVED = env.int("COMMENTS_TRUST_APPROVED", 3)
COMMENTS_TRUST_CLEAN_DAYS = env.int("COMMENTS_TRUST_CLEAN_DAYS", 90)
# Reports from this many distinct readers hide a comment until a moderator
# looks; a reader (by IP address) may send this many reports an hour.
COMMENTS_REPORTS_TO_HIDE = env.int("COMMENTS_REPORTS_TO_HIDE", 3)
COMMENTS_REPORTS_PER_HOUR = env.int("COMMENTS_REPORTS_PER_HOUR", 10)
