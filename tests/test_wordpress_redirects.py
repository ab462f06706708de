"""
Old WordPress addresses after an import: each answers 301 to the new page,
whatever its form, and what readers see is fresh at once.
"""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from articles.models import Article, Category, Tag
from comments.models import Comment
from newsroom.models import ImportRun

from .test_wordpress_import import comment, item, run, write

pytestmark = pytest.mark.django_db

CATEGORIES = """
<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>world</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name>
</wp:category>
<wp:category><wp:term_id>6</wp:term_id><wp:category_nicename>europe</wp:category_nicename>
<wp:category_parent>world</wp:category_parent>
<wp:cat_name><![CDATA[Europe]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>7</wp:term_id><wp:tag_slug>climate</wp:tag_slug>
<wp:tag_name><![CDATA[Climate]]></wp:tag_name></wp:tag>
"""
TERMS = (
    '<category domain="category" nicename="europe"><![CDATA[Europe]]></category>'
    '<category domain="post_tag" nicename="climate"><![CDATA[Climate]]></category>'
)


@pytest.fixture
def site(tmp_path):
    """A small old site: a post with comments, another linking to it, a page."""
    page = item(
        wp_id=30,
        title="About us",
        post_type="page",
        body="Who we are.",
        comments=comment(40),
    ).replace("/2020/05/01/post-30/", "/about/")
    linking = item(
        wp_id=11,
        title="Follow-up",
        body='See <a href="https://old.example/archives/10/#comment-21">this'
        '</a> and <a href="https://old.example/?p=10">that</a>.',
    )
    path = write(
        tmp_path,
        CATEGORIES,
        linking,
        item(
            wp_id=10, extra=TERMS, comments=comment(20) + comment(21, parent=20)
        ).replace("/2020/05/01/post-10/", "/archives/10/"),
        page,
    )
    run(path)
    return Article.objects.get(title="A post")


def location(client, address):
    response = client.get(address)
    assert response.status_code == 301, (address, response.status_code)
    return response["Location"]


def test_query_addresses_redirect(site, client):
    """/?p=ID, /?page_id=ID, /?cat=ID and ?replytocom=N answer 301."""
    assert location(client, "/?p=10") == site.get_absolute_url()
    assert location(client, "/?page_id=30") == "/about/"
    europe = Category.objects.get(slug="europe")
    assert location(client, "/?cat=6") == europe.get_absolute_url()
    reply = Comment.objects.get(former_id=21)
    assert location(client, "/?replytocom=21") == reply.get_absolute_url()
    assert location(client, "/?feed=rss2") == reverse("articles:feed")
    assert client.get("/?p=999").status_code == 200  # unknown: the home page


def test_paths_redirect_through_the_redirects_app(site, client):
    """Old permalinks, categories, tags, authors and feeds have their rows."""
    assert Redirect.objects.exists()
    new = location(client, "/archives/10/")
    assert new == site.get_absolute_url()
    assert client.get(new).status_code == 200
    feed = location(client, "/archives/10/feed/")
    assert feed == reverse("comments:article-feed", args=[site.pk])
    assert location(client, "/category/world/europe/") == "/category/europe/"
    assert location(client, "/feed/rss2/") == reverse("articles:feed")
    assert client.get("/feed/atom/")["Content-Type"].startswith("application/atom+xml")
    tag = Tag.objects.get(slug="climate")
    assert client.get("/tag/climate/").status_code == 200  # same address
    assert tag.get_absolute_url() == "/tag/climate/"


def test_links_between_posts_are_rewritten(site):
    """A link to another old post points at its new address, anchors kept."""
    follow_up = Article.objects.get(title="Follow-up")
    assert f'href="{site.get_absolute_url()}#comment-21"' in follow_up.body
    assert f'href="{site.get_absolute_url()}"' in follow_up.body
    assert "old.example" not in follow_up.body


def test_old_comment_anchor_lands_on_the_comment(site, client):
    """#comment-21 of the old page is an anchor on the new one."""
    response = client.get(site.get_absolute_url())
    assertContains(response, 'id="comment-21"')


def test_a_page_keeps_its_address_and_shows_in_the_footer(site, client):
    """An imported page is at its old address, in the footer, with its comments."""
    page = FlatPage.objects.get(url="/about/")
    response = client.get("/about/")
    assertContains(response, "Who we are.")
    assertContains(response, 'id="comment-40"')
    home = client.get("/")
    assertContains(home, '<a href="/about/">About us</a>')
    assert page.sites.exists()


def test_imported_content_shows_at_once_with_the_page_cache_on(
    page_cache, tmp_path, client, django_capture_on_commit_callbacks
):
    """A cached home page is refreshed by the import, with no wait."""
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, item(wp_id=1, title="Before")))
    assertContains(client.get("/"), "Before")
    assert client.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path, item(wp_id=1, title="After"), name="again.xml"))
    response = client.get("/")
    assertContains(response, "After")
    assertNotContains(response, "Before")


def test_hostile_addresses_never_fail(site, client):
    """Odd query values and paths answer normally, never a 500."""
    for address in (
        "/?p=1e9",
        "/?p=99999999999999999999999",
        "/?page_id=-1",
        "/?replytocom=%00",
        "/?cat=abc&p=",
        "/%ff%fe/",
    ):
        assert client.get(address).status_code in (200, 301, 302, 404), address


def test_admin_upload_runs_the_import_and_shows_the_report(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    """An administrator uploads an export; the page shows the report."""
    path = write(tmp_path, item())
    with open(path, "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsroom_importrun_add"),
            {"export": upload, "skip_pings": "on"},
            follow=True,
        )
    assert response.status_code == 200
    imported = ImportRun.objects.get()
    assert imported.status == ImportRun.Status.FINISHED, imported.error
    assert Article.objects.filter(title="A post").exists()
    page = admin_client.get(
        reverse("admin:newsroom_importrun_change", args=[imported.pk])
    )
    assertContains(page, "1 di 1")


def test_admin_upload_of_a_bad_file_reports_its_line(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    """A broken upload fails with the line named, and nothing imported."""
    path = tmp_path / "bad.xml"
    path.write_text("<rss><channel><item>")
    with open(path, "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:newsroom_importrun_add"), {"export": upload})
    failed = ImportRun.objects.get()
    assert failed.status == ImportRun.Status.FAILED
    assert "Line 1" in failed.error or "Riga 1" in failed.error


def test_only_administrators_import(client, editor):
    """Staff who are not superusers do not see the importer."""
    client.force_login(editor)
    assert client.get(reverse("admin:newsroom_importrun_add")).status_code == 403


def test_an_attachment_page_without_its_file_leads_to_its_post(tmp_path, client):
    """With no media source the file is not imported; its old page still works."""
    attachment = item(
        wp_id=50,
        title="Photo",
        post_type="attachment",
        status="inherit",
        extra="<wp:post_parent>10</wp:post_parent>"
        "<wp:attachment_url>https://old.example/files/photo.jpg</wp:attachment_url>",
    ).replace("/2020/05/01/post-50/", "/2020/05/01/post-10/photo/")
    run(write(tmp_path, attachment, item(wp_id=10)))
    article = Article.objects.get(title="A post")
    assert location(client, "/2020/05/01/post-10/photo/") == article.get_absolute_url()
