import html

from django_prose_editor.fields import ProseEditorField
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from newsroom.sanitize import (
    ARTICLE_EDITOR_EXTENSIONS,
    clean_article_html,
    strip_html,
)

from .pictures import responsive_images


def unique_slug(instance, value, *, max_length=200):
    """Return a slug for ``value`` that no other row of the model uses."""
    base = slugify(value)[: max_length - 10].strip("-") or "item"
    slug, n = base, 2
    rows = type(instance)._default_manager.exclude(pk=instance.pk)
    while rows.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Leave empty for a top-level section."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Sections with a lower number come first in the navigation."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=120)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=120)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


# The widths of an image's renditions (see Image), in WebP and in JPEG.
RENDITION_WIDTHS = (480, 960, 1600)


def rendition(source, width, image_format, *, square=False, height=None):
    """
    A rendition of an image field at ``width`` pixels, never upscaled; square,
    or cropped to ``width`` x ``height`` (enlarged if need be), when asked.
    """
    if height is not None:
        resize = ResizeToFill(width, height)
    elif square:
        resize = ResizeToFill(width, width)
    else:
        resize = ResizeToFit(width, upscale=False)
    return ImageSpecField(
        source=source,
        processors=[resize],
        format=image_format,
        options={"quality": 82} if image_format == "JPEG" else None,
    )


class ImageQuerySet(models.QuerySet):
    def named(self, names):
        """
        The library's pictures by file name, given ("exact", name) or ("stem",
        name without extension) pairs (``pictures.library_name``): a dict
        {pair: image} of those found.
        """
        query = models.Q()
        for how, name in names:
            if how == "exact":
                query |= models.Q(file=name)
            else:
                query |= models.Q(file__startswith=name + ".")
        found = {}
        for image in self.filter(query):
            found[("exact", image.file.name)] = image
            found[("stem", image.file.name.rpartition(".")[0])] = image
        return {pair: found[pair] for pair in names if pair in found}


class Image(models.Model):
    """A picture in the image library, with the renditions the site serves."""

    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("Describes the picture for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    # Renditions: generated once per image, then served from storage.
    webp_480 = rendition("file", 480, "WEBP")
    webp_960 = rendition("file", 960, "WEBP")
    webp_1600 = rendition("file", 1600, "WEBP")
    jpeg_480 = rendition("file", 480, "JPEG")
    jpeg_960 = rendition("file", 960, "JPEG")
    jpeg_1600 = rendition("file", 1600, "JPEG")
    # Crops for search engines and social cards (NewsArticle data, Open Graph),
    # which ask for 16:9, 4:3 and 1:1 pictures at least 1200 pixels wide.
    crop_16x9 = rendition("file", 1200, "JPEG", height=675)
    crop_4x3 = rendition("file", 1200, "JPEG", height=900)
    crop_1x1 = rendition("file", 1200, "JPEG", height=1200)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt_text

    def renditions(self, kind):
        """
        The (address, width) of each "webp" or "jpeg" rendition, smallest first.

        Renditions never upscale, so a small original yields fewer of them, and
        the widths are the real ones.
        """
        original = self.width or RENDITION_WIDTHS[-1]
        found, seen = [], set()
        for width in RENDITION_WIDTHS:
            real = min(width, original)
            if real not in seen:
                seen.add(real)
                found.append((getattr(self, f"{kind}_{width}").url, real))
        return found

    def height_at(self, width):
        """The height of a rendition of the given width, or None if unknown."""
        original = self.width or RENDITION_WIDTHS[-1]
        return round(self.height * width / original) if self.height else None


class AuthorProfile(models.Model):
    """What readers see of a journalist: name, short bio and photo."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    # Shown 96 pixels square, twice that for high-density screens.
    photo_192 = rendition("photo", 192, "WEBP", square=True)

    class Meta:
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self):
        return self.display_name or self.user.get_username()


# Marks around the matched words in a PostgreSQL search headline: control
# characters that article text never contains, turned into <mark> on display.
SEARCH_MARK_START = "\x02"
SEARCH_MARK_STOP = "\x03"
# A search ranks the latest matching articles, at most this many: a common word
# matches most of a million articles, and ranking them all takes seconds.
SEARCH_WINDOW = 1000

# The months that have published articles, newest first, on PostgreSQL: one
# index probe per month (a loose index scan on status, published_at) instead of
# reading every published row.
PUBLISHED_MONTHS_SQL = """
    WITH RECURSIVE month(start) AS (
        SELECT date_trunc('month', max(published_at) AT TIME ZONE %(tz)s)
        FROM {table} WHERE status = %(status)s AND published_at <= %(now)s
      UNION ALL
        SELECT (
            SELECT date_trunc('month', max(earlier.published_at) AT TIME ZONE %(tz)s)
            FROM {table} AS earlier
            WHERE earlier.status = %(status)s
              AND earlier.published_at < (month.start AT TIME ZONE %(tz)s)
        )
        FROM month WHERE month.start IS NOT NULL
    )
    SELECT start FROM month WHERE start IS NOT NULL ORDER BY start DESC
"""


def words_query(q):
    """The reader's words as a PostgreSQL full-text query, Italian or English."""
    return SearchQuery(q, config="italian", search_type="websearch") | SearchQuery(
        q, config="english", search_type="websearch"
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publish time now or past."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def readable_by(self, user):
        """
        Articles the user may read, published or not, as the admin lets them:
        editors (``review_article``) every one, other staff who may change
        articles their own ones and what readers see, everyone else what
        readers see.
        """
        staff = user.is_active and user.is_staff
        if not (staff and user.has_perm("articles.change_article")):
            return self.published()
        if user.has_perm("articles.review_article"):
            return self
        return self.published() | self.filter(author=user)

    def published_months(self):
        """
        The first moments (local time) of the months that have published
        articles, newest first. Reads the whole table, not this QuerySet's rows.
        """
        if connection.vendor != "postgresql":
            published = Article.objects.published()
            return list(published.datetimes("published_at", "month", order="DESC"))
        zone = timezone.get_current_timezone()
        with connection.cursor() as cursor:
            cursor.execute(
                PUBLISHED_MONTHS_SQL.format(table=Article._meta.db_table),
                {
                    "tz": str(zone),
                    "status": Article.Status.PUBLISHED,
                    "now": timezone.now(),
                },
            )
            return [timezone.make_aware(start, zone) for (start,) in cursor]

    def scheduled(self):
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def in_review(self):
        return self.filter(status=Article.Status.REVIEW)

    def in_category(self, category):
        """Articles filed under ``category`` or any of its subcategories."""
        # One query over the small category table finds every descendant, at
        # any depth; the articles are then matched through the join table.
        children = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        ids, todo = set(), [category.pk]
        while todo:
            pk = todo.pop()
            if pk not in ids:
                ids.add(pk)
                todo.extend(children.get(pk, ()))
        through = Article.categories.through.objects.filter(category_id__in=ids)
        return self.filter(pk__in=through.values("article_id"))

    def with_corrections(self):
        """Annotate ``has_corrections``: whether the article has any."""
        return self.annotate(
            has_corrections=models.Exists(
                Correction.objects.filter(article=models.OuterRef("pk"))
            )
        )

    def related_to(self, article, count=4):
        """
        Up to ``count`` other articles in one of the article's sections that share
        one of its tags (any of its sections' articles when it has no tag),
        newest first: one query, whatever the size of the site.
        """
        category_ids = [c.pk for c in article.category_list]
        tag_ids = [t.pk for t in article.tag_list]
        if not category_ids:
            return self.none()
        in_sections = Article.categories.through.objects.filter(
            category_id__in=category_ids
        )
        related = self.filter(pk__in=in_sections.values("article_id"))
        if tag_ids:
            tagged = Article.tags.through.objects.filter(tag_id__in=tag_ids)
            related = related.filter(pk__in=tagged.values("article_id"))
        return related.exclude(pk=article.pk).order_by("-published_at", "-pk")[:count]

    def search(self, q):
        """
        Articles matching the reader's query ``q``, best first.

        On PostgreSQL: full-text search over the stored ``search_vector`` (Italian
        and English stemming, see migration 0002), the latest SEARCH_WINDOW
        matches ranked, with a ``search_headline``
        annotation whose matches are wrapped in SEARCH_MARK_START/STOP. Elsewhere:
        every word must appear in the title, standfirst or body (icontains),
        newest first.
        """
        q = q.strip()
        if not q:
            return self.none()
        if connection.vendor == "postgresql":
            query = words_query(q)
            body_text = models.Func(
                "body",
                models.Value("<[^>]*>"),
                models.Value(" "),
                models.Value("g"),
                function="regexp_replace",
                output_field=models.TextField(),
            )
            matching = self.filter(search_vector=query)
            latest = matching.order_by("-published_at").values("pk")[:SEARCH_WINDOW]
            return (
                self.filter(pk__in=latest)
                .annotate(
                    rank=SearchRank(models.F("search_vector"), query),
                    search_headline=SearchHeadline(
                        body_text,
                        query,
                        config="italian",
                        start_sel=SEARCH_MARK_START,
                        stop_sel=SEARCH_MARK_STOP,
                        max_words=35,
                        min_words=15,
                        max_fragments=2,
                        fragment_delimiter=" … ",
                    ),
                )
                .order_by("-rank", "-published_at", "-pk")
            )
        matches = models.Q()
        for word in q.split():
            matches &= (
                models.Q(title__icontains=word)
                | models.Q(standfirst__icontains=word)
                | models.Q(body__icontains=word)
            )
        return self.filter(matches).order_by("-published_at", "-pk")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The stored search vector (about 3.5 KB an article) is read by the
        # database alone, when searching: rows fetched for pages, feeds and the
        # admin leave it there.
        return super().get_queryset().defer("search_vector")


def in_review_first():
    """
    0 for an article in review, 1 for the others: the editors' list in admin
    sorts on it (ArticleAdmin.get_ordering), and an index of Article keeps the
    same expression, so that list is read in index order, not sorted.
    """
    return models.Case(
        models.When(status="review", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


def count_words(body):
    """The words a reader reads in an article's HTML body."""
    return len(html.unescape(strip_html(body)).split())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        RETURNED = "returned", _("Sent back")
        PUBLISHED = "published", _("Published")
        # Kept off the reader's site; staff can read it (as WordPress's private).
        PRIVATE = "private", _("Private")

    class State(models.TextChoices):
        """Statuses as editors speak of them: "scheduled" is published, but later."""

        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        RETURNED = "returned", _("Sent back")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PRIVATE = "private", _("Private")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The last part of the article's address. It stays the same when the "
            "title changes after publishing."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        help_text=_("A short summary shown under the title and in article lists."),
    )
    body = ProseEditorField(
        _("body"),
        extensions=ARTICLE_EDITOR_EXTENSIONS,
        sanitize=clean_article_html,
        blank=True,
    )
    featured_image = models.ForeignKey(
        Image,
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="featured_in",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    byline = models.CharField(
        _("byline"),
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the author's name, e.g. “Editorial staff”."),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="articles"
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="articles"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        help_text=_(
            "A future time schedules the article: it appears by itself at that time."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    comments_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Readers may comment on this article."),
    )
    is_sticky = models.BooleanField(
        _("sticky"),
        default=False,
        help_text=_(
            "Kept at the top of the front page on the site it was imported from "
            "(a WordPress sticky post)."
        ),
    )
    revised_at = models.DateTimeField(
        _("substantially updated"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the article changes in substance (new facts, not a typo): "
            "readers see “Updated on …” and feeds and search engines the new date."
        ),
    )
    noindex = models.BooleanField(
        _("hidden from search engines"),
        default=False,
        help_text=_(
            "Search engines are asked not to list this article, and the sitemaps "
            "leave it out. Readers still see it on the site."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The body's words, counted on save: the reading time shown on the page.
    word_count = models.PositiveIntegerField(
        _("words"), default=0, db_default=0, editable=False
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["author", "status", "-published_at"]),
            models.Index(
                in_review_first(),
                models.F("updated_at").desc(),
                models.F("id").desc(),
                name="article_editors_list_idx",
            ),
        ]
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("review_article", _("Can review articles and send them back")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        self.body = responsive_images(clean_article_html(self.body), Image.objects)
        self.word_count = count_words(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count"}
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Every full save is a new version: a form opened on an older one is
            # stale and its save is refused (optimistic locking, see admin.py).
            self.version += 1
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        when = timezone.localtime(
            self.published_at or self.created_at or timezone.now()
        )
        return reverse(
            "articles:detail",
            kwargs={
                "year": when.year,
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "slug": self.slug,
            },
        )

    def is_published(self):
        """Return True if the article is publicly accessible."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def state(self):
        """Return the workflow state, telling scheduled articles from live ones."""
        if self.is_scheduled():
            return self.State.SCHEDULED
        return self.State(self.status)

    def modified_at(self):
        """When the article last changed for readers: its substantial update, or
        its publication."""
        if self.revised_at and self.published_at:
            return max(self.revised_at, self.published_at)
        return self.revised_at or self.published_at

    def is_revised(self):
        """Return True if the editors marked an update after publication."""
        return bool(
            self.revised_at
            and self.published_at
            and self.revised_at > self.published_at
        )

    @cached_property
    def category_list(self):
        """
        The article's sections, read once when first asked for (from a prefetch
        when there is one): an article page put together from kept fragments
        reads them not at all.
        """
        return list(self.categories.all())

    @cached_property
    def tag_list(self):
        """The article's tags, read once when first asked for (see category_list)."""
        return list(self.tags.all())

    @property
    def byline_name(self):
        """The name readers see under the title."""
        if self.byline:
            return self.byline
        profile = getattr(self.author, "profile", None)
        if profile and profile.display_name:
            return profile.display_name
        return self.author.get_full_name() or self.author.get_username()


class ArticleTransition(models.Model):
    """One step of an article through the editorial workflow: who, when, from, to."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=20, choices=Article.State)
    to_state = models.CharField(_("to"), max_length=20, choices=Article.State)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        steps = (self.get_from_state_display(), self.get_to_state_display())
        return f"{self.article}: {steps[0]} → {steps[1]}"


class CorrectionQuerySet(models.QuerySet):
    def published(self):
        """Corrections of articles readers may see, on or before now."""
        return self.filter(
            article__in=Article.objects.published(), date__lte=timezone.now()
        )


class Correction(models.Model):
    """A note on an error in a published article, shown with it and listed."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    text = models.TextField(
        _("text"),
        help_text=_(
            "What was wrong and what is right, e.g. “The mayor is Anna "
            "Bruni, not Anna Bruno.”"
        ),
    )
    date = models.DateTimeField(_("date"), default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["-date", "-id"])]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"
