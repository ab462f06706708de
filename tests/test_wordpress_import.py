"""
Importing a WordPress export with `manage.py import_wordpress`: WordPress's own
theme unit test data (a real export) and hand-made files for the hard cases.
"""

import io
import tracemalloc
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image as PILImage

from django.core.management import CommandError, call_command
from django.test import override_settings

from articles.models import Article, Category, Image, Tag
from comments.models import Comment, CommentEvent
from newsroom.models import ImportedItem, ImportRun

FIXTURE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "fixtures"
    / "wxr"
    / "themeunittestdata.wordpress.xml"
)
WP = "{https://wordpress.org/export/1.2/}"

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, **options)
    return out.getvalue()


def media_dir_for(path, target):
    """A copy of the uploads folder with a small picture for every attachment."""
    tree = ET.parse(path)
    for item in tree.getroot().find("channel").findall("item"):
        if item.findtext(f"{WP}post_type") != "attachment":
            continue
        url = item.findtext(f"{WP}attachment_url")
        relative = url.split(".wordpress.com/", 1)[1]
        file = target / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith((".jpg", ".gif")):
            PILImage.new("RGB", (40, 30), "teal").save(
                file, "JPEG" if relative.endswith(".jpg") else "GIF"
            )
        else:
            file.write_bytes(b"an audio or video file")
    return target


def file_counts():
    """What the fixture holds, counted from the file itself."""
    channel = ET.parse(FIXTURE).getroot().find("channel")
    items = channel.findall("item")
    posts = [i for i in items if i.findtext(f"{WP}post_type") == "post"]
    comments = [c for i in items for c in i.findall(f"{WP}comment")]
    return {
        "posts": Counter(p.findtext(f"{WP}status") for p in posts),
        "pages": sum(i.findtext(f"{WP}post_type") == "page" for i in items),
        "attachments": sum(i.findtext(f"{WP}post_type") == "attachment" for i in items),
        "categories": len(channel.findall(f"{WP}category")),
        "tags": len(channel.findall(f"{WP}tag")),
        "authors": len(channel.findall(f"{WP}author")),
        "comments": Counter(c.findtext(f"{WP}comment_approved") for c in comments),
        "types": Counter(
            c.findtext(f"{WP}comment_type") or "comment" for c in comments
        ),
        "replies": {
            c.findtext(f"{WP}comment_id"): c.findtext(f"{WP}comment_parent")
            for c in comments
            if c.findtext(f"{WP}comment_parent") not in ("0", "", None)
        },
    }


@pytest.fixture
def imported(tmp_path):
    media = media_dir_for(FIXTURE, tmp_path / "uploads")
    output = run(FIXTURE, media_dir=media)
    return output, media


def test_fixture_counts_match_the_issue():
    """The file itself holds what issue 11 says it does."""
    counts = file_counts()
    assert counts["posts"] == {"publish": 56, "draft": 1, "future": 1}
    assert counts["pages"] == 21
    assert counts["attachments"] == 37
    assert counts["categories"] == 68
    assert counts["tags"] == 110
    assert counts["authors"] == 2
    assert counts["comments"] == {"1": 30, "0": 3}
    assert counts["types"] == {"comment": 29, "pingback": 2, "trackback": 2}
    assert len(counts["replies"]) == 10


def test_theme_unit_test_data_is_imported_whole(imported):
    """Every post, page, picture, term, author and comment arrives."""
    articles = Article.objects.all()
    assert articles.count() == 58
    # 56 published on WordPress, one of them password-protected: imported
    # unpublished, beside the draft.
    assert Article.objects.published().count() == 55
    assert articles.filter(status=Article.Status.DRAFT).count() == 2
    assert Article.objects.scheduled().count() == 1
    assert articles.filter(is_sticky=True).count() == 1
    protected = articles.get(title__startswith="Template: Password Protected")
    assert not protected.is_published()
    from django.contrib.flatpages.models import FlatPage

    assert FlatPage.objects.count() == 21
    assert Image.objects.count() == 35  # and 2 files that are not pictures
    assert ImportedItem.objects.filter(kind="attachment").count() == 37
    assert Category.objects.count() == 68
    assert Category.objects.filter(parent__isnull=False).count() == 10
    assert Tag.objects.count() >= 110
    assert ImportedItem.objects.filter(kind="tag").count() == 110
    assert ImportedItem.objects.filter(kind="author").count() == 2
    comments = Comment.objects.all()
    assert comments.count() == 33
    assert comments.filter(status=Comment.Status.APPROVED).count() == 30
    assert comments.filter(status=Comment.Status.PENDING).count() == 3
    kinds = Counter(comments.values_list("kind", flat=True))
    assert kinds == {"comment": 29, "pingback": 2, "trackback": 2}


def test_pictures_and_links_point_at_the_new_site(imported):
    """Featured images come along; body pictures are the library's renditions."""
    articles = Article.objects.all()
    assert articles.exclude(featured_image=None).count() == 6  # _thumbnail_id
    assert articles.filter(body__contains="srcset").exists()
    assert not articles.filter(body__contains='src="https://wpthemetestdata').exists()
    # Links to posts and attachment pages of the old site now lead here; what is
    # left names files and posts the export does not hold.
    old = articles.filter(body__contains='href="https://wpthemetestdata.wordpress.com')
    assert old.count() <= 1


def test_threads_stay_whole(imported):
    """All 10 replies hang under the comment they answered on WordPress."""
    replies = file_counts()["replies"]
    by_former = {c.former_id: c for c in Comment.objects.all()}
    for reply, parent in replies.items():
        assert by_former[int(reply)].parent == by_former[int(parent)]


def test_comment_counts_per_article_match_wordpress(imported):
    """Each post and page has as many approved comments as WordPress showed."""
    channel = ET.parse(FIXTURE).getroot().find("channel")
    for item in channel.findall("item"):
        wanted = sum(
            c.findtext(f"{WP}comment_approved") == "1"
            for c in item.findall(f"{WP}comment")
        )
        record = ImportedItem.objects.filter(
            kind__in=["post", "page"], wp_id=item.findtext(f"{WP}post_id")
        ).first()
        if record is None:
            continue
        assert record.target.comments.approved().count() == wanted


def test_imported_comments_are_not_checked_again_and_keep_history(imported):
    """No Akismet check is queued; each comment says it was imported."""
    assert not Comment.objects.check_due().exists()
    assert set(Comment.objects.values_list("check_state", flat=True)) == {"imported"}
    events = CommentEvent.objects.all()
    assert events.count() == 33
    assert all("WordPress" in e.message for e in events)


def test_retention_applies_at_once(tmp_path, settings):
    """IP addresses older than the retention period are never stored."""
    path = write(
        tmp_path,
        item(
            comments=comment(1, date="2010-01-01 10:00:00", ip="192.0.2.1")
            + comment(2, date="2999-01-01 10:00:00", ip="192.0.2.2")
        ),
    )
    run(path)
    assert Comment.objects.get(former_id=1).ip_address is None
    assert Comment.objects.get(former_id=2).ip_address == "192.0.2.2"


def test_second_run_changes_nothing(imported):
    """Running the same file again leaves every row as it was."""
    _output, media = imported
    before = {
        "articles": list(Article.objects.values_list("pk", "updated_at", "version")),
        "comments": Comment.objects.count(),
        "events": CommentEvent.objects.count(),
        "images": Image.objects.count(),
    }
    output = run(FIXTURE, media_dir=media)
    after = {
        "articles": list(Article.objects.values_list("pk", "updated_at", "version")),
        "comments": Comment.objects.count(),
        "events": CommentEvent.objects.count(),
        "images": Image.objects.count(),
    }
    assert before == after
    report = ImportRun.objects.order_by("-pk").first().report
    for kind in ("post", "page", "attachment", "comment", "category", "tag"):
        assert set(report["counts"][kind]) <= {"read", "unchanged", "skipped"}, kind
    assert report["redirects"] == 0
    assert "0" in output


def test_a_changed_item_is_updated_not_duplicated(tmp_path):
    """A post edited on WordPress since the last run is updated in place."""
    run(write(tmp_path, item(title="First title")))
    run(write(tmp_path, item(title="Second title")))
    assert list(Article.objects.values_list("title", flat=True)) == ["Second title"]


def test_old_post_links_redirect_to_the_new_pages(imported, client):
    """Every published post's old address answers 301, then 200."""
    for record in ImportedItem.objects.filter(kind="post"):
        article = record.target
        if not article.is_published():
            continue
        from urllib.parse import urlsplit

        parts = urlsplit(record.old_url)
        old = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(old)
        if response.status_code == 200:  # the address has not changed
            assert old == article.get_absolute_url()
            continue
        assert response.status_code == 301, old
        assert client.get(response["Location"]).status_code == 200, old


def test_pages_threads_and_old_comment_anchors_show(imported, client):
    """A page with comments shows its thread; old #comment-N anchors still land."""
    response = client.get("/about/page-with-comments/")
    assert response.status_code == 200
    assert b'id="comment-168"' in response.content
    article = Article.objects.get(title="Template: Comments")
    page = client.get(article.get_absolute_url())
    assert b'id="comment-881"' in page.content


def test_an_interrupted_run_continues_where_it_stopped(tmp_path, monkeypatch):
    """Stopped after two posts, the next run imports the rest, duplicating none."""
    from newsroom.wordpress import importer

    path = write(tmp_path, *(item(wp_id=n, title=f"Post {n}") for n in range(1, 6)))
    original = importer.Importer._save_post
    calls = []

    def stop_on_the_third(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(importer.Importer, "_save_post", stop_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run(path)
    assert Article.objects.count() == 2
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    monkeypatch.setattr(importer.Importer, "_save_post", original)
    output = run(path)
    assert Article.objects.count() == 5
    assert "1" in output.splitlines()[0]  # says which run it continues
    report = ImportRun.objects.order_by("-pk").first().report
    assert report["counts"]["post"] == {"read": 5, "unchanged": 2, "imported": 3}


def test_dry_run_writes_nothing(tmp_path):
    """--dry-run reports what would be imported and writes no row."""
    output = run(FIXTURE, dry_run=True)
    assert "58" in output
    assert not Article.objects.exists()
    assert not Comment.objects.exists()
    assert not ImportRun.objects.exists()
    assert not ImportedItem.objects.exists()


# Hand-made files -----------------------------------------------------------------

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.1/">
<channel>
<title>Old site</title>
<link>https://old.example</link>
<wp:wxr_version>1.1</wp:wxr_version>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_login>anna</wp:author_login>
<wp:author_email>anna@old.example</wp:author_email>
<wp:author_display_name><![CDATA[Anna Bianchi]]></wp:author_display_name>
</wp:author>
"""
FOOTER = "</channel></rss>\n"


def comment(wp_id, parent=0, status="1", date="2020-05-01 10:00:00", ip="", text=""):
    return f"""<wp:comment>
<wp:comment_id>{wp_id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {wp_id}]]></wp:comment_author>
<wp:comment_author_email>r{wp_id}@example.org</wp:comment_author_email>
<wp:comment_author_IP>{ip}</wp:comment_author_IP>
<wp:comment_date_gmt>{date}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text or f"Comment {wp_id}"}]]></wp:comment_content>
<wp:comment_approved>{status}</wp:comment_approved>
<wp:comment_type></wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>"""


def item(
    wp_id=10,
    title="A post",
    body="Hello.",
    status="publish",
    post_type="post",
    comments="",
    extra="",
    date="2020-05-01 09:00:00",
):
    return f"""<item>
<title>{title}</title>
<link>https://old.example/2020/05/01/post-{wp_id}/</link>
<dc:creator>anna</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name>post-{wp_id}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
{extra}
{comments}
</item>
"""


def write(tmp_path, *items, header=HEADER, footer=FOOTER, name="export.xml"):
    path = tmp_path / name
    path.write_text(header + "".join(items) + footer, encoding="utf-8")
    return path


def test_replies_before_their_parents(tmp_path):
    """A reply listed before the comment it answers still lands under it."""
    comments = comment(3, parent=2) + comment(2, parent=1) + comment(1)
    run(write(tmp_path, item(comments=comments)))
    one, two, three = (Comment.objects.get(former_id=n) for n in (1, 2, 3))
    assert one.parent is None
    assert two.parent == one
    assert three.parent == two


def test_a_loop_of_replies_or_a_missing_parent_keeps_every_comment(tmp_path):
    """Replies to each other, or to a comment not in the file, are all kept."""
    comments = comment(1, parent=2) + comment(2, parent=1) + comment(3, parent=99)
    run(write(tmp_path, item(comments=comments)))
    assert Comment.objects.count() == 3
    assert Comment.objects.get(former_id=3).parent is None
    two = Comment.objects.get(former_id=2)
    assert two.parent is None and Comment.objects.get(former_id=1).parent == two


def test_a_malformed_file_stops_with_its_line_and_writes_nothing(tmp_path):
    """Broken XML names the line and leaves the database untouched."""
    path = write(tmp_path, item(), item(wp_id=11, title="Broken <b>tag"))
    # In the site's language, Italian: "Riga 31: il file non è XML valido".
    with pytest.raises(CommandError, match=r"Riga \d+: .*XML"):
        run(path)
    assert not Article.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_truncated_file_stops_before_anything_is_written(tmp_path):
    """A file cut short is refused whole, even after many good items."""
    text = HEADER + "".join(item(wp_id=n) for n in range(10, 30)) + FOOTER
    path = tmp_path / "cut.xml"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(CommandError, match="finisce troppo presto"):
        run(path)
    assert not Article.objects.exists()


def test_a_file_of_another_kind_is_refused(tmp_path):
    """An RSS feed without the WordPress namespace is not an export."""
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss><channel></channel></rss>')
    with pytest.raises(CommandError, match="Riga 1: .*namespace di WordPress"):
        run(path)
    (tmp_path / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>'
    )
    with pytest.raises(CommandError, match="DTD"):
        run(tmp_path / "bomb.xml")


def test_cdata_edge_cases(tmp_path):
    """CDATA split around ]]>, entities and markup in titles come through."""
    body = "Code: a]]]]><![CDATA[>b and <em>x</em> &amp; y"
    run(write(tmp_path, item(title="Tom &amp; Jerry &lt;3", body=body)))
    article = Article.objects.get()
    assert article.title == "Tom & Jerry <3"
    assert "a]]&gt;b" in article.body
    assert "<em>x</em>" in article.body


def test_unknown_shortcodes_are_removed_and_reported(tmp_path):
    """An unknown shortcode goes, its text stays, and the report names it."""
    body = '[pullquote align="left"]Said here.[/pullquote] Text [sic] and [[gallery]].'
    output = run(write(tmp_path, item(body=body)))
    article = Article.objects.get()
    assert "Said here." in article.body
    assert "[pullquote" not in article.body
    assert "[sic]" in article.body
    assert "[gallery]" in article.body
    assert "[pullquote]" in output


def test_paragraphs_captions_and_embeds(tmp_path):
    """wpautop's rules, [caption] as a figure, [embed] and bare URLs as links."""
    body = (
        "First line\nsecond line\n\nNext paragraph.\n\n"
        '[caption id="attachment_1" width="300"]<img src="https://e.example/a.jpg" '
        'alt="A"> The caption[/caption]\n\n'
        "[embed]https://www.youtube.com/watch?v=abc[/embed]\n\n"
        "https://vimeo.com/123\n\n"
        "<!-- wp:paragraph --><p>Block</p><!-- /wp:paragraph -->"
    )
    run(write(tmp_path, item(body=body)))
    html = Article.objects.get().body
    assert "<p>First line<br>" in html
    assert "<figure>" in html and "<figcaption>The caption</figcaption>" in html
    assert '<a href="https://www.youtube.com/watch?v=abc">' in html
    assert '<a href="https://vimeo.com/123">' in html
    assert "wp:paragraph" not in html


def test_a_missing_media_file_is_reported(tmp_path):
    """An attachment whose file is not in the media folder is skipped, with why."""
    uploads = tmp_path / "uploads"
    (uploads / "2020" / "05").mkdir(parents=True)
    PILImage.new("RGB", (20, 20)).save(uploads / "2020" / "05" / "here.jpg")
    attachments = "".join(
        item(
            wp_id=n,
            title=name,
            status="inherit",
            post_type="attachment",
            extra=f"<wp:attachment_url>https://old.example/wp-content/uploads/"
            f"2020/05/{name}</wp:attachment_url>",
        )
        for n, name in ((50, "here.jpg"), (51, "gone.jpg"))
    )
    output = run(write(tmp_path, attachments), media_dir=uploads)
    assert Image.objects.count() == 1
    assert "gone.jpg" in output
    run_ = ImportRun.objects.get()
    assert run_.report["counts"]["attachment"] == {
        "read": 2,
        "imported": 1,
        "skipped": 1,
    }


def test_a_bad_item_is_skipped_with_its_reason(tmp_path):
    """Unknown status, missing date: skipped, the others imported."""
    output = run(
        write(
            tmp_path,
            item(wp_id=1, status="weird"),
            item(wp_id=2, date="0000-00-00 00:00:00"),
            item(wp_id=3),
        )
    )
    assert Article.objects.count() == 1
    assert "weird" in output


def test_statuses_map_onto_the_workflow(tmp_path):
    """publish, future, draft, pending, private; trash is left out."""
    run(
        write(
            tmp_path,
            item(wp_id=1, status="publish"),
            item(wp_id=2, status="future", date="2999-01-01 10:00:00"),
            item(wp_id=3, status="draft"),
            item(wp_id=4, status="pending"),
            item(wp_id=5, status="private"),
            item(wp_id=6, status="trash"),
        )
    )
    by_slug = {a.slug: a for a in Article.objects.all()}
    assert by_slug["post-1"].is_published()
    assert by_slug["post-2"].is_scheduled()
    assert by_slug["post-3"].status == Article.Status.DRAFT
    assert by_slug["post-4"].status == Article.Status.REVIEW
    assert by_slug["post-5"].status == Article.Status.PRIVATE
    assert not by_slug["post-5"].is_published()
    assert "post-6" not in by_slug


def test_pings_are_kept_as_such_or_skipped_on_request(tmp_path):
    """Pingbacks stay pingbacks; --skip-pings leaves them out and says so."""
    ping = comment(7).replace(
        "<wp:comment_type></wp:comment_type>",
        "<wp:comment_type>pingback</wp:comment_type>",
    )
    path = write(tmp_path, item(comments=comment(6) + ping))
    output = run(path, skip_pings=True)
    assert list(Comment.objects.values_list("kind", flat=True)) == ["comment"]
    assert "--skip-pings" in output
    run(path)
    assert Comment.objects.get(former_id=7).kind == Comment.Kind.PINGBACK


def test_authors_become_journalists_who_set_their_own_password(tmp_path):
    """An author is a Journalist with an unusable password and a profile."""
    run(write(tmp_path, item()))
    from django.contrib.auth import get_user_model

    anna = get_user_model().objects.get(username="anna")
    assert not anna.has_usable_password()
    assert anna.groups.filter(name="Journalist").exists()
    assert anna.profile.display_name == "Anna Bianchi"


def test_author_map_maps_logins_onto_existing_users(tmp_path):
    """--author-map gives the articles to an existing user instead."""
    from tests.factories import UserFactory

    luca = UserFactory(username="luca")
    mapping = tmp_path / "authors.txt"
    mapping.write_text("# WordPress login, our user\nanna luca\n")
    run(write(tmp_path, item()), author_map=mapping)
    assert Article.objects.get().author == luca
    mapping.write_text("anna nobody\n")
    with pytest.raises(CommandError, match="nobody"):
        run(write(tmp_path, item()), author_map=mapping)


def test_fetch_media_downloads_within_limits(tmp_path, settings):
    """--fetch-media downloads from a local server; a too-large file is refused."""
    import http.server
    import threading

    picture = io.BytesIO()
    PILImage.new("RGB", (30, 30), "navy").save(picture, "PNG")
    files = {"/small.png": picture.getvalue(), "/big.png": b"x" * (2 * 1024 * 1024)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.IMAGES_MAX_UPLOAD_MB = 1
    try:
        attachments = "".join(
            item(
                wp_id=n,
                status="inherit",
                post_type="attachment",
                extra=f"<wp:attachment_url>{base}{name}</wp:attachment_url>",
            )
            for n, name in ((60, "/small.png"), (61, "/big.png"), (62, "/none.png"))
        )
        output = run(write(tmp_path, attachments), fetch_media=True)
    finally:
        server.shutdown()
    assert Image.objects.count() == 1
    assert "1 MB" in output
    assert "404" in output


@override_settings(COMMENTS_RETENTION_DAYS=60)
def test_memory_stays_flat_as_the_file_grows(tmp_path):
    """Ten times the items costs about the same peak memory."""

    def peak(posts):
        items = "".join(
            item(
                wp_id=1000 * posts + n,
                body="Words " * 200,
                comments="".join(comment(100 * n + c) for c in range(1, 4)),
            )
            for n in range(posts)
        )
        path = write(tmp_path, items, name=f"grow-{posts}.xml")
        tracemalloc.start()
        run(path)
        _current, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return high

    small, large = peak(10), peak(100)
    assert large < small * 2.5, (small, large)
