import io
import random
import secrets
import textwrap
import unicodedata
from datetime import timedelta

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import (
    Article,
    ArticleTransition,
    AuthorProfile,
    Category,
    Image,
    Tag,
)
from comments.checks import DISCARD_KEEP
from comments.models import Comment, CommentEvent
from comments.spam import OFF as SPAM_CHECKING_OFF
from comments.spam import comment_data

from .. import demo_articles, demo_content

IMAGE_SIZE = (1600, 900)
STATUS = {
    "published": Article.Status.PUBLISHED,
    "scheduled": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "review": Article.Status.REVIEW,
}


def held_reason(kind, **params):
    """Return why a demo comment was held, worded as comments.moderation does."""
    if not kind:
        return ""
    if kind == "held_links":
        return ngettext("%(count)s link", "%(count)s links", params["count"]) % params
    if kind == "held_first":
        return _("first comment by this author")
    if kind == "checking_off":
        return _("spam checking is off")
    raise ValueError(kind)


def event_message(kind, actor=None, **params):
    """Return the explanation recorded for one step of a demo comment's history."""
    if kind.startswith("held_"):
        return _("Akismet: ham; held: %(reason)s") % {
            "reason": held_reason(kind, **params)
        }
    who = {"user": actor.get_username() if actor else ""}
    messages = {
        "received": lambda: _("received"),
        "ham": lambda: _("Akismet: ham"),
        "spam": lambda: _("Akismet: spam"),
        "discard": lambda: _("Akismet: blatant spam, deleted soon"),
        "checking_off": lambda: _("spam checking is off: waiting for a moderator"),
        "approved_by": lambda: _("approved by %(user)s") % who,
        "trashed_by": lambda: _("moved to trash by %(user)s") % who,
    }
    return messages[kind]()


# Pillow's built-in font (Aileron) has no accented letters, so "più" would be
# drawn with a box. A common system font with Latin-1 coverage is preferred;
# Pillow looks these file names up in the system's font folders.
BANNER_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


def banner_font(size):
    """Return a font for the demo images and whether it draws accented letters."""
    for name in BANNER_FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def banner_text(text, accented):
    """Return text a banner font can draw: accents dropped when it has none."""
    if accented:
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def draw_featured_image(title, colours, seed):
    """Return JPEG bytes of a 1600×900 picture: a gradient, shapes and the title."""
    width, height = IMAGE_SIZE
    start, end = colours
    # A diagonal blend of the two colours, computed on a small grid and scaled
    # up: smooth enough for a backdrop and fast.
    small = PILImage.new("RGB", (64, 36))
    pixels = small.load()
    for x in range(64):
        for y in range(36):
            t = (x / 63 * 0.7) + (y / 35 * 0.3)
            pixels[x, y] = tuple(
                round(a + (b - a) * t) for a, b in zip(start, end, strict=True)
            )
    picture = small.resize(IMAGE_SIZE, PILImage.Resampling.BICUBIC)

    overlay = PILImage.new("RGBA", IMAGE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    rng = random.Random(seed)
    for _i in range(9):
        r = rng.randint(60, 320)
        x, y = rng.randint(-100, width), rng.randint(-100, height)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(12, 40))
        )
    for _i in range(4):
        y = rng.randint(0, height)
        draw.line(
            (0, y, width, y + rng.randint(-300, 300)), fill=(255, 255, 255, 50), width=6
        )
    # A dark band keeps the title readable over any colour.
    draw.rectangle((0, height - 330, width, height), fill=(0, 0, 0, 120))
    picture = PILImage.alpha_composite(picture.convert("RGBA"), overlay)

    draw = ImageDraw.Draw(picture)
    title_font, accented = banner_font(64)
    label_font, _accented = banner_font(34)
    draw.text(
        (80, height - 300), "CASTELVERO", font=label_font, fill=(255, 255, 255, 210)
    )
    lines = textwrap.wrap(banner_text(title, accented), width=44)[:3]
    for n, line in enumerate(lines):
        draw.text((80, height - 240 + n * 76), line, font=title_font, fill="white")

    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


class Command(BaseCommand):
    # Help text stays English, as in Django's own commands (argparse needs a str).
    help = (
        "Load the demo site: articles in Italian with generated images, categories, "
        "tags, reader comments in every moderation state, and one user per role "
        "(admin, editor, journalist, moderator). Running it again creates nothing "
        "twice. Every run sets the demo users' passwords and prints the logins: "
        "to --password if given, otherwise to new random ones, so the printed "
        "logins always work."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=(
                "Password for every demo user. Without it, each user gets a new "
                "random password, printed at the end."
            ),
        )

    def handle(self, *args, password=None, **options):
        if password is not None and not password.strip():
            raise CommandError(_("The password must not be empty."))
        self.now = timezone.now()
        self.created = 0
        with transaction.atomic():
            users, logins = self.seed_users(password)
            categories = self.seed_categories()
            tags = self.seed_tags()
            articles = self.seed_articles(users, categories, tags)
            comments = self.seed_comments(users, articles)
        self.report(articles, categories, tags, comments, logins, password)

    # Users

    def seed_users(self, password):
        User = get_user_model()
        users, logins = {}, []
        for spec in demo_content.USERS:
            user, created = User.objects.get_or_create(
                username=spec["username"],
                defaults={
                    "email": spec["email"],
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                },
            )
            self.created += created
            # The printed login must work even if someone changed these flags.
            user.is_active = True
            user.is_staff = True
            user.is_superuser = spec.get("superuser", False)
            secret = password or secrets.token_urlsafe(12)
            user.set_password(secret)
            user.save()
            if "group" in spec:
                group, created = Group.objects.get_or_create(name=spec["group"])
                self.created += created
                user.groups.add(group)
            if "profile" in spec:
                _profile, created = AuthorProfile.objects.get_or_create(
                    user=user, defaults=spec["profile"]
                )
                self.created += created
            users[user.username] = user
            logins.append((user.username, secret, spec["role"]))
        return users, logins

    # Sections and tags

    def seed_categories(self):
        categories = {}
        for spec in demo_content.CATEGORIES:
            category, created = Category.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "position": spec["position"],
                    "parent": categories.get(spec.get("parent")),
                },
            )
            self.created += created
            categories[spec["slug"]] = category
        return categories

    def seed_tags(self):
        tags = {}
        for slug, name in demo_content.TAGS:
            tag, created = Tag.objects.get_or_create(name=name, defaults={"slug": slug})
            self.created += created
            tags[slug] = tag
        return tags

    # Articles

    def publish_time(self, spec):
        """Return the article's publish time, relative to now, in local time."""
        if spec["status"] == "published":
            day = timezone.localtime(self.now) - timedelta(days=spec["days_ago"])
        elif spec["status"] == "scheduled":
            day = timezone.localtime(self.now) + timedelta(days=spec["days_ahead"])
        else:
            return None
        hour, minute = spec["time"]
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    def seed_articles(self, users, categories, tags):
        articles = {}
        for spec in demo_articles.ARTICLES:
            article, created = Article.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "title": spec["title"],
                    "standfirst": spec["standfirst"],
                    "body": spec["body"].strip(),
                    "author": users[spec["author"]],
                    "byline": spec["byline"],
                    "status": STATUS[spec["status"]],
                    "published_at": self.publish_time(spec),
                },
            )
            if created:
                self.created += 1
                self.record_workflow(article, spec, users)
                article.categories.set(categories[s] for s in spec["categories"])
                article.tags.set(tags[s] for s in spec["tags"])
                if spec["image"]:
                    article.featured_image = self.make_image(article, spec, users)
                    article.save(update_fields=["featured_image"])
            articles[spec["slug"]] = article
        return articles

    def record_workflow(self, article, spec, users):
        """
        Record the editorial steps that led the article to its state, as
        articles.workflow would have, without the mail it sends.
        """
        State = Article.State
        journalist, editor = users["journalist"], users["editor"]
        by_journalist = article.author == journalist
        final = min(article.published_at or self.now, self.now - timedelta(hours=1))
        steps = {
            "draft": [],
            "review": [(State.DRAFT, State.REVIEW, journalist)],
            "published": (
                [
                    (State.DRAFT, State.REVIEW, journalist),
                    (State.REVIEW, State.PUBLISHED, editor),
                ]
                if by_journalist
                else [(State.DRAFT, State.PUBLISHED, editor)]
            ),
            "scheduled": [(State.DRAFT, State.SCHEDULED, editor)],
        }[spec["status"]]
        for n, (old, new, actor) in enumerate(reversed(steps)):
            ArticleTransition.objects.create(
                article=article,
                actor=actor,
                from_state=old,
                to_state=new,
                created_at=final - timedelta(hours=2 * n),
            )

    def make_image(self, article, spec, users):
        picture = spec["image"]
        data = draw_featured_image(article.title, picture["colours"], article.slug)
        self.created += 1
        # Saving the file generates the renditions (imagekit's Optimistic
        # strategy reacts to the source being saved).
        return Image.objects.create(
            file=ContentFile(data, name=f"{article.slug}.jpg"),
            alt_text=picture["alt"],
            caption=picture["caption"],
            credit="Grafica: redazione di Castelvero",
            uploaded_by=users[spec["author"]],
        )

    # Comments

    def seed_comments(self, users, articles):
        comments = {}
        for spec in demo_content.COMMENTS:
            article = articles[spec["article"]]
            when = article.published_at + timedelta(hours=spec["hours_after"])
            steps = [("", "pending", "received", None, {}), *spec["events"]]
            step_times = [when + timedelta(minutes=n * 15) for n in range(len(steps))]
            check_state = spec.get("check_state", Comment.CheckState.CHECKED)
            held_kind, held_params = spec.get("held", ("", {}))
            comment, created = Comment.objects.get_or_create(
                article=article,
                author_email=spec["author_email"],
                body=spec["body"],
                defaults={
                    "parent": comments.get(spec.get("parent")),
                    "user": users.get(spec.get("user")),
                    "author_name": spec["author_name"],
                    "author_url": spec.get("author_url", ""),
                    "status": spec["status"],
                    "held_reason": held_reason(held_kind, **held_params),
                    "created_at": when,
                    "status_changed_at": step_times[-1],
                    "language": "it",
                    "ip_address": f"192.0.2.{len(comments) + 10}",
                    "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) "
                    "Gecko/20100101 Firefox/128.0",
                    "referrer": settings.SITE_URL + article.get_absolute_url(),
                    "check_state": check_state,
                    "verdict": spec.get("verdict", ""),
                    "checked_at": step_times[1] if spec.get("verdict") else None,
                    "last_check_error": (
                        SPAM_CHECKING_OFF if check_state == "off" else ""
                    ),
                    "delete_after": (
                        self.now + DISCARD_KEEP
                        if spec.get("verdict") == Comment.Verdict.DISCARD
                        else None
                    ),
                },
            )
            if created:
                self.created += 1
                # What the pipeline would have sent to Akismet, so that a
                # moderator's "spam" / "not spam" report can repeat it.
                comment.akismet_data = comment_data(comment)
                comment.save(update_fields=["akismet_data"])
                for at, (old, new, kind, actor, params) in zip(
                    step_times, steps, strict=True
                ):
                    actor = users.get(actor)
                    CommentEvent.objects.create(
                        comment=comment,
                        created_at=at,
                        actor=actor,
                        from_status=old,
                        to_status=new,
                        message=event_message(kind, actor, **params),
                    )
            comments[spec["key"]] = comment
        return comments

    # Output

    def report(self, articles, categories, tags, comments, logins, password):
        write = self.stdout.write
        published = sum(a.is_published() for a in articles.values())
        write(
            _(
                "Demo content ready: %(articles)s articles (%(published)s "
                "published), %(categories)s categories, %(tags)s tags, "
                "%(comments)s comments; %(created)s new objects this run."
            )
            % {
                "articles": len(articles),
                "published": published,
                "categories": len(categories),
                "tags": len(tags),
                "comments": len(comments),
                "created": self.created,
            }
        )
        write("")
        admin_url = settings.SITE_URL + reverse("admin:index")
        write(_("Log in at %(url)s") % {"url": admin_url})
        write("")
        # Column layout only: the headings themselves are translated.
        row = "  {:<12} {:<20} {}".format
        write(row(_("username"), _("password"), _("role")))
        roles = {
            "administrator": _("administrator"),
            "editor": _("editor"),
            "journalist": _("journalist"),
            "moderator": _("comment moderator"),
        }
        for username, secret, role in logins:
            write(self.style.SUCCESS(row(username, secret, roles[role])))
        if password is None:
            write("")
            write(
                _(
                    "These passwords are new random ones; running the command "
                    "again replaces them. Use --password to choose one."
                )
            )
