from datetime import timedelta
from io import StringIO

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command, load_command_class
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTransition,
    AuthorProfile,
    Category,
    Image,
    Tag,
)
from comments.models import Comment, CommentEvent
from newsroom.management.commands.seed_demo import banner_font, banner_text
from newsroom.sanitize import strip_html

ROLES = {
    "admin": None,
    "editor": "Editor",
    "journalist": "Journalist",
    "moderator": "Moderator",
}
ITALIAN_WORDS = {
    "il", "lo", "la", "i", "gli", "le", "di", "del", "della", "che", "e", "è",
    "per", "un", "una", "con", "non", "nel", "alla", "dei", "delle", "sono",
}  # fmt: skip
RENDITIONS = ["webp_480", "webp_960", "webp_1600", "jpeg_480", "jpeg_960", "jpeg_1600"]


@pytest.fixture(autouse=True)
def _forget_renditions_of_earlier_tests():
    """
    imagekit remembers in the cache which rendition files exist. Every test has
    a fresh MEDIA_ROOT but the same file names, so stale entries would make it
    skip generating them.
    """
    cache.clear()


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_passwords(output):
    """Map each demo username to the password printed next to it."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ROLES:
            found[parts[0]] = parts[1]
    return found


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            ArticleTransition,
            Category,
            Tag,
            Image,
            Comment,
            CommentEvent,
            AuthorProfile,
            Group,
            get_user_model(),
        )
    }


@pytest.mark.django_db
def test_published_articles_are_long_structured_italian_prose():
    """At least six published articles, each 400+ Italian words with subheadings."""
    seed("--password", "demo")

    published = list(Article.objects.published())
    assert len(published) >= 6
    for article in published:
        words = strip_html(article.body).lower().split()
        assert len(words) >= 400, article.slug
        italian = sum(w.strip(".,;:«»!?") in ITALIAN_WORDS for w in words)
        assert italian / len(words) > 0.15, article.slug
        assert "<h2>" in article.body or "<h3>" in article.body
        assert "<p>" in article.body
        assert article.standfirst
        assert article.byline_name
    bodies = "".join(a.body for a in published)
    for element in ("<h3>", "<a href=", "<ul>", "<ol>", "<blockquote>"):
        assert element in bodies


@pytest.mark.django_db
def test_published_dates_are_spread_over_the_last_weeks():
    """Publish dates fall on different days within the last five weeks."""
    seed("--password", "demo")

    dates = [a.published_at for a in Article.objects.published()]
    assert len({timezone.localdate(d) for d in dates}) >= 5
    assert min(dates) > timezone.now() - timedelta(weeks=5)


@pytest.mark.django_db
def test_articles_span_categories_a_subcategory_and_tags():
    """Published articles cover three or more sections, a subsection and six tags."""
    seed("--password", "demo")

    published = Article.objects.published()
    categories = Category.objects.filter(articles__in=published).distinct()
    assert categories.count() >= 3
    assert categories.filter(parent__isnull=False).exists()
    assert Tag.objects.filter(articles__in=published).distinct().count() >= 6


@pytest.mark.django_db
def test_scheduled_draft_and_review_articles_stay_off_the_site(client):
    """The scheduled, draft and in-review articles exist but readers do not see them."""
    seed("--password", "demo")

    scheduled = Article.objects.scheduled().get()
    draft = Article.objects.drafts().get()
    in_review = Article.objects.in_review().get()
    assert in_review.transitions.get().to_state == Article.State.REVIEW
    assert not draft.transitions.exists()
    assert scheduled.published_at > timezone.now()
    hidden = [scheduled, draft, in_review]
    published = Article.objects.published()
    assert not published.filter(pk__in=[a.pk for a in hidden]).exists()

    response = client.get(reverse("articles:index"))
    assertContains(response, published.first().title)
    for article in hidden:
        assertNotContains(response, article.title)


@pytest.mark.django_db
def test_featured_images_are_described_in_italian_with_renditions():
    """Each published article has a generated 1600×900 JPEG and its renditions."""
    seed("--password", "demo")

    for article in Article.objects.published().select_related("featured_image"):
        image = article.featured_image
        assert image is not None, article.slug
        assert (image.width, image.height) == (1600, 900)
        assert image.file.name.endswith(".jpg")
        assert image.alt_text.startswith("Illustrazione")
        assert image.caption and image.credit
        for name in RENDITIONS:
            rendition = getattr(image, name)
            assert rendition.storage.exists(rendition.name), name


def _drawn(font, text):
    picture = PILImage.new("L", (120, 100))
    ImageDraw.Draw(picture).text((10, 0), text, font=font, fill=255)
    return picture.tobytes()


@pytest.mark.parametrize("system_font", [True, False])
def test_image_titles_draw_every_italian_letter_with_a_real_glyph(system_font):
    """
    No letter of an Italian title ("più", "è") comes out as the missing-glyph
    box, whether a system font is found or Pillow's own font is used.
    """
    if system_font:
        # banner_font says whether the font it found draws accented letters.
        font, accented = banner_font(64)
    else:
        font, accented = ImageFont.load_default(size=64), False
    missing = _drawn(font, "\U000f0000")  # a code point no font draws

    for letter in "àèéìòùÈ":
        assert _drawn(font, banner_text(letter, accented)) != missing, letter


@pytest.mark.django_db
def test_one_staff_user_per_role_in_its_group():
    """admin is a superuser; editor, journalist and moderator are staff in groups."""
    seed("--password", "demo")

    users = get_user_model().objects.filter(username__in=ROLES)
    assert len(users) == 4
    for user in users:
        assert user.is_active and user.is_staff
        assert user.has_usable_password()
        assert user.is_superuser == (user.username == "admin")
        group = ROLES[user.username]
        if group:
            assert list(user.groups.values_list("name", flat=True)) == [group]
    profiles = AuthorProfile.objects.filter(user__username__in=["editor", "journalist"])
    assert {p.display_name for p in profiles} == {"Marco Ferrante", "Chiara Benedetti"}
    assert all(len(p.bio) > 50 for p in profiles)


@pytest.mark.django_db
def test_groups_are_created_when_the_role_migrations_have_not_made_them():
    """Seeding still puts users in their groups when the groups do not exist yet."""
    Group.objects.filter(name__in=ROLES.values()).delete()

    seed("--password", "demo")

    for username, group in ROLES.items():
        if group:
            assert Group.objects.get(name=group).user_set.filter(username=username)


@pytest.mark.django_db
def test_comments_in_every_status_each_explained_by_events():
    """Comments exist in every status, with a threaded reply and events for each."""
    seed("--password", "demo")

    for status in Comment.Status.values:
        assert Comment.objects.filter(status=status).exists(), status
    reply = Comment.objects.approved().filter(parent__status="approved").first()
    assert reply is not None
    assert reply.parent.article_id == reply.article_id
    assert Comment.objects.pending().exclude(held_reason="").exists()
    for comment in Comment.objects.prefetch_related("events"):
        events = list(comment.events.all())
        assert events, comment.body
        assert events[-1].to_status == comment.status
        assert events[0].to_status == "pending"
        assert comment.akismet_data["comment_content"] == comment.body
        assert all(e.message for e in events)
    moderator = get_user_model().objects.get(username="moderator")
    assert CommentEvent.objects.filter(actor=moderator, to_status="trash").exists()


@pytest.mark.django_db
def test_second_run_creates_nothing_new():
    """Running the command twice leaves every table with the same number of rows."""
    seed()
    before = table_counts()

    seed()

    assert table_counts() == before


@pytest.mark.django_db
def test_password_option_logs_every_demo_user_in_to_admin(client, admin_login):
    """With --password, each demo user logs in with it and reaches the admin."""
    output = seed("--password", "s3cret-demo")

    assert printed_passwords(output) == dict.fromkeys(ROLES, "s3cret-demo")
    assert "http://127.0.0.1:8000/admin/" in output
    for username in ROLES:
        assert admin_login(client, username, "s3cret-demo"), username
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()


@pytest.mark.django_db
def test_printed_login_address_follows_site_url(settings):
    """`make run PORT=8001` sets SITE_URL; the printed admin address uses it."""
    settings.SITE_URL = "http://127.0.0.1:8001"

    output = seed("--password", "s3cret-demo")

    assert "http://127.0.0.1:8001/admin/" in output
    assert ":8000" not in output


@pytest.mark.django_db
def test_without_password_each_run_prints_new_working_random_passwords(
    client, admin_login
):
    """Without --password, printed random passwords work until a rerun replaces them."""
    first = printed_passwords(seed())
    second = printed_passwords(seed())

    assert set(first) == set(second) == set(ROLES)
    assert len(set(first.values())) == 4
    for username in ROLES:
        assert first[username] != second[username]
        assert not admin_login(client, username, first[username])
        assert admin_login(client, username, second[username])


@pytest.mark.django_db
def test_rerun_with_password_changes_an_existing_users_password(client, admin_login):
    """--password on a seeded database replaces the earlier random passwords."""
    seed()

    seed("--password", "another-one")

    assert admin_login(client, "admin", "another-one")


@pytest.mark.django_db
def test_empty_password_is_refused_and_nothing_is_created():
    """A blank --password is an error, and the database stays empty."""
    with pytest.raises(CommandError, match="password"):
        seed("--password", " ")

    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_output_is_only_the_summary_and_the_logins():
    """The command prints a short summary and the login table, nothing else."""
    output = seed("--password", "demo")

    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) <= 8
    assert str(Article.objects.count()) in lines[0]


def test_every_project_command_prints_its_help():
    """`manage.py <command> --help` works for each of the project's commands."""
    for app, name in [
        ("newsroom", "seed_demo"),
        ("newsroom", "build_bench_data"),
        ("comments", "recheck_comments"),
        ("comments", "purge_comments"),
        ("comments", "comment_data"),
    ]:
        parser = load_command_class(app, name).create_parser("manage.py", name)
        assert "usage: manage.py " + name in parser.format_help()
