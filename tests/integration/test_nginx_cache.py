"""
nginx in front of gunicorn, with tests/nginx/newsroom.conf.template as it is.

The production setup on free ports of 127.0.0.1: gunicorn (debug off, a real
secret key, its own SQLite database, the page cache in Redis db 12 when Redis
answers on 127.0.0.1:6379) behind nginx's proxy_cache. Marked ``integration``:
``make test-integration`` runs it, ``make test`` does not.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from newsroom.pagecache import CSRF_PLACEHOLDER, S_MAXAGE

pytestmark = pytest.mark.integration

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATE = BASE_DIR / "tests" / "nginx" / "newsroom.conf.template"
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 12
START_TIMEOUT = 30  # seconds for gunicorn or nginx to answer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def flush_redis():
    import redis

    redis.Redis(*REDIS, db=REDIS_DB).flushdb()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def header(self, name):
        return self.headers.get(name, "")


@dataclass
class Reader:
    """A browser without a cache: keeps cookies, follows no redirect."""

    port: int
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, data=None, origin=None):
        headers = {"Host": "127.0.0.1"}
        if origin:
            headers["Origin"] = origin
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode())
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, origin="http://127.0.0.1"):
        """A browser's form post: with the Origin of the page it was on."""
        return self.request("POST", path, data, origin)


def hidden(response, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', response.text)
    assert match, f"no {name} field in the page"
    return match.group(1)


class Stack:
    """The processes started for the tests, always stopped at the end."""

    def __init__(self, root):
        self.root = root
        self.procs = []

    def start(self, name, args, env):
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        proc = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append((name, proc, log))
        return proc

    def wait_http(self, name, proc, port):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited at start:\n{self.log(name)}")
            try:
                Reader(port).get("/robots.txt")
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail(
            f"{name} did not answer within {START_TIMEOUT} s:\n{self.log(name)}"
        )

    def log(self, name):
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self):
        for _name, proc, log in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            log.close()


@pytest.fixture(scope="module")
def site():
    """gunicorn + nginx with three published articles; everything removed after."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if nginx is None:
        pytest.fail("nginx not found: apt-get install nginx-light (.ci/run does).")
    # nginx's workers drop root for an unprivileged user, who must read the
    # static files: a world-readable folder, not pytest's private tmp_path.
    root = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    root.chmod(0o755)
    stack = Stack(root)
    use_redis = redis_answers()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(root / "static"),
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "TASKS_BACKEND": "immediate",
        "AKISMET_API_KEY": "",
        "COMMENTS_MIN_FORM_SECONDS": "1",
        "COMMENTS_FLOOD_SECONDS": "0",
        "TRUSTED_PROXIES": "127.0.0.1",
        "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}" if use_redis else "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        if use_redis:
            flush_redis()
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"]):
            subprocess.run(manage + command, cwd=BASE_DIR, env=env, check=True)
        (root / "media").mkdir()
        (root / "media" / "hello.txt").write_text("an upload\n")
        articles = json.loads(
            django_shell(
                env,
                "import json\n"
                "from tests.factories import ArticleFactory\n"
                "arts = {k: ArticleFactory(title=f'Integrazione {k}') "
                "for k in ('hit', 'change', 'post', 'admin')}\n"
                "print(json.dumps({k: [a.pk, a.get_absolute_url()] "
                "for k, a in arts.items()}))",
            ).splitlines()[-1]
        )

        app_port = free_port()
        app = stack.start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{app_port}",
                "--workers",
                "2",
            ],
            env,
        )
        stack.wait_http("gunicorn", app, app_port)

        port = free_port()
        site_conf = TEMPLATE.read_text()
        for name, value in {
            "LISTEN": f"127.0.0.1:{port}",
            "SERVER_NAME": "127.0.0.1",
            "UPSTREAM": f"127.0.0.1:{app_port}",
            "CACHE_PATH": str(root / "nginx-cache"),
            "STATIC_ROOT": str(root / "static"),
            "MEDIA_ROOT": str(root / "media"),
        }.items():
            site_conf = site_conf.replace("${" + name + "}", value)
        assert "${" not in site_conf.replace("'${", "").replace(" ${", "")
        (root / "newsroom.conf").write_text(site_conf)
        (root / "nginx.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {root}/tmp-body;
    proxy_temp_path {root}/tmp-proxy;
    fastcgi_temp_path {root}/tmp-fastcgi;
    uwsgi_temp_path {root}/tmp-uwsgi;
    scgi_temp_path {root}/tmp-scgi;
    include {root}/newsroom.conf;
}}
"""
        )
        proxy = stack.start(
            "nginx",
            [
                nginx,
                "-c",
                str(root / "nginx.conf"),
                "-p",
                str(root),
                "-e",
                str(root / "nginx-error.log"),
            ],
            env,
        )
        stack.wait_http("nginx", proxy, port)
        yield Site(port=port, env=env, articles=articles, root=root)
    finally:
        stack.stop()
        if use_redis:
            flush_redis()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Site:
    port: int
    env: dict
    articles: dict
    root: Path

    def reader(self):
        return Reader(self.port)

    def url(self, name):
        return self.articles[name][1]

    def pk(self, name):
        return self.articles[name][0]

    def shell(self, code):
        return django_shell(self.env, code)


def django_shell(env, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_second_anonymous_get_is_a_proxy_hit(site):
    """
    nginx keeps a reader's page and serves the next reader from its cache: the
    page sets no cookie and carries no CSRF token, as any shared cache needs.
    """
    first_reader, second_reader = site.reader(), site.reader()

    first = first_reader.get(site.url("hit"))
    second = second_reader.get(site.url("hit"))
    again = first_reader.get(site.url("hit"))

    assert first.status == 200
    assert first.header("X-Cache-Status") == "MISS"
    assert second.header("X-Cache-Status") == "HIT"
    assert again.header("X-Cache-Status") == "HIT"
    assert "Integrazione hit" in second.text
    assert f"s-maxage={S_MAXAGE}" in second.header("Cache-Control")
    for reader, page in ((first_reader, first), (second_reader, second)):
        assert CSRF_PLACEHOLDER not in page.text
        assert "per-request-placeholder" not in page.text
        assert hidden(page, "csrfmiddlewaretoken") == ""
        assert "Set-Cookie" not in page.headers
        assert "Cookie" not in page.header("Vary")
        assert not reader.cookies


def test_a_published_change_is_served_within_s_maxage(site):
    """
    An edit saved through the app (ORM + the app's invalidation, as the admin
    does) reaches readers through nginx within the page's s-maxage.
    """
    url = site.url("change")
    site.reader().get(url)
    assert site.reader().get(url).header("X-Cache-Status") == "HIT"

    site.shell(
        "from django.db import transaction\n"
        "from articles import cache\n"
        "from articles.models import Article\n"
        "with transaction.atomic():\n"
        f"    a = Article.objects.get(pk={site.pk('change')})\n"
        "    a.title = 'Integrazione cambiata'\n"
        "    a.save()\n"
        "    cache.articles_changed()\n"
    )
    changed_at = time.monotonic()
    deadline = changed_at + S_MAXAGE + 5
    while time.monotonic() < deadline:
        page = site.reader().get(url)
        if "Integrazione cambiata" in page.text:
            break
        time.sleep(0.25)
    else:
        pytest.fail(f"the change did not show within {S_MAXAGE + 5} s")

    assert time.monotonic() - changed_at <= S_MAXAGE + 1.5
    assert site.reader().get(url).header("X-Cache-Status") == "HIT"


def count_comments(site, marker):
    return int(
        site.shell(
            "from comments.models import Comment\n"
            f"print(Comment.objects.filter(body__contains={marker!r}).count())"
        ).split()[-1]
    )


def test_a_comment_posted_through_nginx_is_accepted_and_never_cached(site):
    """
    A reader served from nginx's cache posts the comment form (accepted by its
    Origin, with no CSRF cookie); every POST reaches the app, and the reader's
    own pending comment is served to them only, past the cache.
    """
    url = site.url("post")
    site.reader().get(url)
    reader = site.reader()
    page = reader.get(url)
    assert page.header("X-Cache-Status") == "HIT"
    action = re.search(
        r'class="comment-form" method="post" action="([^"]+)"', page.text
    )
    form = {
        "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
        "issued": hidden(page, "issued"),
        "author_name": "Lettrice di prova",
        "author_email": "lettrice@example.org",
        "author_url": "",
        "homepage": "",
        "parent": "",
    }
    time.sleep(1.2)  # COMMENTS_MIN_FORM_SECONDS=1 for this site

    posted = [
        reader.post(action.group(1), {**form, "body": f"Commento via nginx {n}"})
        for n in (1, 2)
    ]

    for response in posted:
        assert response.status == 302, response.text[:500]
        assert response.header("X-Cache-Status") in ("", "BYPASS")
    assert count_comments(site, "Commento via nginx") == 2
    # The same POST from another site's page is refused.
    stranger = site.reader()
    refused = stranger.post(
        action.group(1),
        {**form, "body": "Commento rubato"},
        origin="https://evil.example",
    )
    assert refused.status == 403
    assert count_comments(site, "Commento rubato") == 0

    mine = reader.get(url)
    theirs = site.reader().get(url)
    assert mine.header("X-Cache-Status") == "BYPASS"
    assert "Commento via nginx 1" in mine.text
    assert "no-store" in mine.header("Cache-Control")
    assert "Commento via nginx" not in theirs.text
    assert theirs.header("X-Cache-Status") in ("HIT", "MISS", "EXPIRED")


def test_admin_pages_are_never_cached(site):
    """The admin always comes from the app: each visitor gets their own token."""
    readers = [site.reader(), site.reader()]

    pages = [reader.get("/admin/login/") for reader in readers]

    for page in pages:
        assert page.status == 200
        assert page.header("X-Cache-Status") == ""
        assert "private" in page.header("Cache-Control") or "no-cache" in page.header(
            "Cache-Control"
        )
    tokens = [hidden(page, "csrfmiddlewaretoken") for page in pages]
    assert tokens[0] != tokens[1]
    assert readers[0].cookies["csrftoken"] != readers[1].cookies["csrftoken"]
    redirect = site.reader().get("/admin/")
    assert redirect.status == 302
    assert redirect.header("X-Cache-Status") == ""


def test_static_files_and_uploads_are_served_by_nginx(site):
    """Collected static files for a year, immutable; uploads from the media folder."""
    page = site.reader().get(site.url("hit"))
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)

    css = site.reader().get(stylesheet)
    upload = site.reader().get("/media/hello.txt")

    assert css.status == 200
    assert "immutable" in css.header("Cache-Control")
    assert "max-age=31536000" in css.header("Cache-Control")
    assert css.header("Content-Type").startswith("text/css")
    assert upload.status == 200
    assert upload.text == "an upload\n"
