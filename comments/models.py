import re
from datetime import timedelta

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom.sanitize import comment_text_to_html

# What the link limit of the moderation rules counts as a link.
LINK_RE = re.compile(r"https?://|\bwww\.", re.IGNORECASE)


class CommentQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def trash(self):
        return self.filter(status=Comment.Status.TRASH)

    def shown(self, *, article=None, page=None, own_pending=()):
        """
        The comments readers see under an article or a static page, oldest
        first: approved ones, plus the given pending ones (the reader's own,
        shown only to them).
        """
        where = {"article": article} if article is not None else {"page": page}
        return (
            self.filter(**where)
            .filter(
                models.Q(status=Comment.Status.APPROVED)
                | models.Q(status=Comment.Status.PENDING, pk__in=list(own_pending))
            )
            .only(
                "pk",
                "article_id",
                "page_id",
                "parent_id",
                "former_id",
                "kind",
                "author_name",
                "author_url",
                "body_html",
                "status",
                "created_at",
                "edited_at",
                "author_deleted",
                "featured",
                "by_staff",
            )
            .order_by("created_at", "pk")
        )

    def reportable(self):
        """
        The comments readers may report: published ones, on a published article
        or on a static page, and not deleted by their author.
        """
        return self.approved().filter(
            models.Q(article__in=Article.objects.published())
            | models.Q(article__isnull=True),
            author_deleted=False,
        )

    def reported(self):
        """Comments with reports from readers that no moderator has cleared."""
        return self.filter(reports_open__gt=0)

    def by_commenter(self, *, email, ip=None):
        """
        The comments by an email address (ignoring case, as its index does) or
        from an IP address.
        """
        matches = models.Q(author_email__iexact=email)
        if ip:
            matches |= models.Q(ip_address=ip)
        return self.filter(matches)

    def awaiting_check(self):
        """Pending comments whose spam check has not succeeded yet."""
        return self.filter(
            status=Comment.Status.PENDING, check_state=Comment.CheckState.UNCHECKED
        )

    def check_due(self, now=None):
        """Comments awaiting a check that is due (again, or its claim has lapsed)."""
        return self.awaiting_check().filter(next_check_at__lte=now or timezone.now())

    def check_waiting(self, now=None, *, everything=False):
        """
        Comments awaiting a check that nobody has claimed: due ones, and those
        waiting out the back-off after a failure (``everything``: also those
        never tried). A claimed check is left to whoever claimed it until its
        claim lapses.
        """
        now = now or timezone.now()
        unclaimed = models.Q(check_claimed_at__isnull=True)
        if not everything:
            unclaimed &= models.Q(check_attempts__gt=0)
        return self.awaiting_check().filter(
            models.Q(next_check_at__lte=now) | unclaimed, next_check_at__isnull=False
        )

    def report_due(self, now=None):
        """Comments whose spam/ham report to Akismet has not been sent and is due."""
        return self.exclude(report="").filter(next_report_at__lte=now or timezone.now())

    def news_for(self, *, article, email, since, parent=None):
        """
        The comments a subscriber is mailed about: published on the article
        after ``since``, not by the subscriber, and only replies to ``parent``
        if given. The arguments may be ``OuterRef``s (``Subscription.objects.due``).
        """
        comments = (
            self.approved()
            .filter(article=article, status_changed_at__gt=since, author_deleted=False)
            .exclude(author_email__iexact=email)
        )
        if parent is not None:
            comments = comments.filter(parent=parent)
        return comments


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    class CheckState(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        CHECKED = "checked", _("Checked")
        GAVE_UP = "gave_up", _("Check abandoned")
        OFF = "off", _("Spam checking off")
        # Decided on the site it came from (WordPress with its Akismet plugin).
        IMPORTED = "imported", _("Imported, not checked again")

    class Verdict(models.TextChoices):
        NONE = "", _("None")
        HAM = "ham", _("Not spam")
        SPAM = "spam", _("Spam")
        DISCARD = "discard", _("Blatant spam")

    class Reason(models.TextChoices):
        """Why a comment is not published, as its author is told (a fixed list)."""

        SPAM = "spam", _("spam or advertising")
        OFF_TOPIC = "off_topic", _("off topic")
        ABUSIVE = "abusive", _("abusive or insulting")
        PERSONAL_DATA = "personal_data", _("personal data of other people")
        ILLEGAL = "illegal", _("illegal content")
        DUPLICATE = "duplicate", _("a duplicate")
        GUIDELINES = "guidelines", _("against the comment guidelines")

    class HeldRule(models.TextChoices):
        """Which moderation rule holds a pending comment for a moderator."""

        NONE = "", _("none")
        HOLD_ALL = "hold_all", _("every comment approved by hand")
        WAVE = "wave", _("part of a wave of comments")
        LINKS = "links", _("too many links")
        WORDS = "words", _("a word on the moderation list")
        FIRST = "first", _("first comment by this author")
        UNCHECKED = "unchecked", _("not checked for spam")
        REPORTED = "reported", _("reported by readers")
        EDITED = "edited", _("edited by its author")

    class Appeal(models.TextChoices):
        NONE = "", _("none")
        OPEN = "open", _("review asked for")
        DECIDED = "decided", _("reviewed")

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    # A comment is on an article or, imported from another site, on a static
    # page (the constraint in Meta: exactly one of the two).
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    page = models.ForeignKey(
        FlatPage,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("email"), max_length=254)
    author_url = models.URLField(_("website"), max_length=300, blank=True)
    body = models.TextField(_("comment"))
    # The body as readers see it, derived from `body` on every save: rendering it
    # per page view cost more than the rest of the comment thread.
    body_html = models.TextField(editable=False, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        db_index=True,
    )
    held_reason = models.CharField(_("why held"), max_length=300, blank=True)
    held_rule = models.CharField(
        _("held by"), max_length=10, choices=HeldRule, blank=True, default=""
    )
    # The statement of reasons its author reads on the status page.
    rejection_reason = models.CharField(
        _("reason for not publishing"),
        max_length=20,
        choices=Reason,
        blank=True,
        default="",
    )
    rejection_note = models.CharField(
        _("moderator's note to the author"), max_length=500, blank=True, default=""
    )
    # The author's one request to review a rejection (the Appeals view).
    appeal = models.CharField(
        _("review"), max_length=10, choices=Appeal, blank=True, default=""
    )
    appeal_message = models.TextField(_("author's request"), blank=True, default="")
    appealed_at = models.DateTimeField(_("review asked on"), null=True, blank=True)
    # Made with an email address confirmed from the browser that posted it.
    verified = models.BooleanField(_("verified email"), default=False)
    notify_verdict = models.BooleanField(
        _("author is mailed the verdict"), default=False
    )
    edited_at = models.DateTimeField(_("edited by its author"), null=True, blank=True)
    # Deleted by its author while replies hang on it: a placeholder stays.
    author_deleted = models.BooleanField(_("deleted by its author"), default=False)
    reports_open = models.PositiveSmallIntegerField(
        _("open reports"), default=0, editable=False
    )
    featured = models.BooleanField(_("selected by the editors"), default=False)
    by_staff = models.BooleanField(_("by the newsroom's staff"), default=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(
        _("type"),
        max_length=10,
        choices=Kind,
        default=Kind.COMMENT,
        help_text=_(
            "Pingbacks and trackbacks are notices that another site linked here."
        ),
    )
    former_id = models.PositiveBigIntegerField(
        _("former number"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The comment's number on the site it was imported from: old links "
            "ending in #comment-<number> still lead to it."
        ),
    )

    # What the reader's browser sent: used for the spam check, purged after the
    # retention period.
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    referrer = models.TextField(_("referrer"), blank=True)

    # The spam check. The row, not the task queue, is the source of truth.
    check_state = models.CharField(
        _("spam check"),
        max_length=10,
        choices=CheckState,
        default=CheckState.UNCHECKED,
    )
    verdict = models.CharField(
        _("Akismet verdict"), max_length=10, choices=Verdict, blank=True, default=""
    )
    check_attempts = models.PositiveSmallIntegerField(_("check attempts"), default=0)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    # Set while a check is claimed (queued or running): next_check_at is then
    # the end of the claim, after which the check counts as lost and is due.
    check_claimed_at = models.DateTimeField(
        _("check claimed at"), null=True, blank=True, editable=False
    )
    last_check_error = models.CharField(
        _("last check error"), max_length=300, blank=True
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    akismet_data = models.JSONField(
        _("data sent to Akismet"), default=dict, blank=True, editable=False
    )
    # A moderator's correction waiting to be reported to Akismet (submit-spam or
    # submit-ham). Cleared once Akismet has it; retried with back-off meanwhile.
    report = models.CharField(
        _("report to Akismet"),
        max_length=4,
        choices=[("spam", _("Spam")), ("ham", _("Not spam"))],
        blank=True,
        default="",
    )
    report_attempts = models.PositiveSmallIntegerField(_("report attempts"), default=0)
    next_report_at = models.DateTimeField(_("next report"), null=True, blank=True)
    delete_after = models.DateTimeField(
        _("delete after"),
        null=True,
        blank=True,
        help_text=_("Blatant spam is deleted early, at this time."),
    )
    # Set at intake (comments.waves), for spotting bursts of comments sharing a
    # link, a text or a network: each is indexed with created_at.
    link_key = models.CharField(
        _("first link"), max_length=64, blank=True, default="", editable=False
    )
    text_key = models.CharField(
        _("text fingerprint"), max_length=64, blank=True, default="", editable=False
    )
    network_key = models.CharField(
        _("network"), max_length=64, blank=True, default="", editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "-created_at"]),
            # The moderation queue showing every status, newest first.
            models.Index(fields=["-created_at", "-id"], name="comment_newest_idx"),
            models.Index(fields=["check_state", "next_check_at"]),
            models.Index(fields=["report", "next_report_at"]),
            # Emails are compared ignoring case (the flood, duplicate and
            # prior-approval rules, the queue's search): UPPER() is indexed.
            models.Index(
                Upper("author_email"),
                models.F("created_at").desc(),
                name="comment_author_email_idx",
            ),
            models.Index(fields=["ip_address", "-created_at"]),
            models.Index(
                fields=["link_key", "created_at"], name="comment_link_wave_idx"
            ),
            models.Index(
                fields=["text_key", "created_at"], name="comment_text_wave_idx"
            ),
            models.Index(
                fields=["network_key", "created_at"], name="comment_network_wave_idx"
            ),
            # The Appeals and Reported views of the queue.
            models.Index(
                fields=["-created_at"],
                condition=models.Q(appeal="open"),
                name="comment_appeal_open_idx",
            ),
            models.Index(
                fields=["-created_at"],
                condition=models.Q(reports_open__gt=0),
                name="comment_reported_idx",
            ),
            # The queue's "held by a rule" view and its counts.
            models.Index(
                fields=["held_rule", "-created_at"],
                condition=models.Q(status="pending"),
                name="comment_held_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False, page__isnull=True)
                | models.Q(article__isnull=True, page__isnull=False),
                name="comment_on_article_or_page",
            ),
        ]
        permissions = [("moderate_comment", _("Can moderate comments"))]

    def __str__(self):
        return _("%(author)s on %(article)s") % {
            "author": self.author_name,
            "article": self.article_id or self.page_id,
        }

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = comment_text_to_html(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """
        The comment on its article's page: ``?comment=`` opens the page of the
        thread that holds it wherever it has moved since (comments.thread works
        the page out from its position); static pages have a single page.
        """
        if self.article_id:
            url = self.article.get_absolute_url()
            return f"{url}?comment={self.pk}#comment-{self.pk}"
        return f"{self.page.get_absolute_url()}#comment-{self.pk}"

    @property
    def target(self):
        """What the comment is on: its article, or its static page."""
        return self.article if self.article_id else self.page

    def is_public(self):
        """Return True if readers may see the comment."""
        return self.status == self.Status.APPROVED

    def link_count(self):
        """How many links the text holds, as the moderation rules count them."""
        return len(LINK_RE.findall(self.body))


class CommentEvent(models.Model):
    """One change of a comment's status: who or what made it, and why."""

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=Comment.Status, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=10, choices=Comment.Status, blank=True
    )
    message = models.CharField(_("what happened"), max_length=300)

    class Meta:
        verbose_name = _("comment event")
        verbose_name_plural = _("comment events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.message


class ModerationSettings(models.Model):
    """The moderation rules, one row, edited by administrators in admin."""

    link_limit = models.PositiveSmallIntegerField(
        _("hold comments with this many links"),
        default=2,
        help_text=_("A comment with this many links or more waits for a moderator."),
    )
    moderation_words = models.TextField(
        _("moderation list"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment whose name, email, website, IP "
            "address or text contains one waits for a moderator."
        ),
    )
    disallowed_words = models.TextField(
        _("disallowed list"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment that contains one goes straight "
            "to the trash."
        ),
    )
    require_prior_approval = models.BooleanField(
        _("hold unless the author has an approved comment"), default=False
    )
    hold_all = models.BooleanField(
        _("hold every comment for manual approval"), default=False
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after days"),
        default=0,
        help_text=_(
            "Comments close this many days after an article is published. "
            "0 keeps them open."
        ),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("reply depth"),
        default=3,
        help_text=_("How deep replies may nest."),
    )
    notify_moderators = models.BooleanField(
        _("email moderators when a comment is held"), default=True
    )
    notify_article_author = models.BooleanField(
        _("email the article's author when a comment is published"), default=False
    )

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")

    def __str__(self):
        return str(_("Moderation settings"))

    @classmethod
    def load(cls):
        """Return the single settings row, creating it with defaults if missing."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


def normalized_email(email):
    """An email address as notes and bans about a person are keyed: lower case."""
    return (email or "").strip().lower()


class CommenterNote(models.Model):
    """A moderator's note about a commenter, keyed by their email address."""

    email = models.CharField(_("email"), max_length=254, db_index=True)
    note = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("note about a commenter")
        verbose_name_plural = _("notes about commenters")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.note[:80]


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        """Bans in force: for good, or until a time still to come."""
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class Ban(models.Model):
    """A reader whose comments are refused: by email, or by IP address or network."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        NETWORK = "network", _("IP address or network")

    kind = models.CharField(_("banned by"), max_length=10, choices=Kind)
    value = models.CharField(
        _("email or network"),
        max_length=254,
        db_index=True,
        help_text=_(
            "An email address, an IP address, or a network such as 203.0.113.0/24."
        ),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Leave empty to ban for good."),
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.value

    def is_active(self, now=None):
        """Return True if the ban is in force."""
        return self.expires_at is None or self.expires_at > (now or timezone.now())


class QueueCheck(models.Model):
    """
    A run of "Check the queue with Akismet": every pending comment sent to
    Akismet again, in a background task that counts its progress here.
    """

    created_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("comments to check"), default=0)
    done = models.PositiveIntegerField(_("checked"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue check with Akismet")
        verbose_name_plural = _("queue checks with Akismet")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Queue check of %(date)s") % {"date": self.created_at}

    def is_running(self):
        return self.finished_at is None


class CommenterEmail(models.Model):
    """
    An email address a reader asked to confirm (comments.verification): when,
    when it was last mailed (at most once an hour), and whether moderators
    withdrew the trust its comments earn.
    """

    email = models.CharField(_("email"), max_length=254, unique=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_mailed_at = models.DateTimeField(_("last mailed"), null=True, blank=True)
    trust_revoked_at = models.DateTimeField(_("trust withdrawn"), null=True, blank=True)
    trust_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trust withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commenter's email address")
        verbose_name_plural = _("commenters' email addresses")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalized_email(self.email)
        super().save(*args, **kwargs)

    def is_confirmed(self):
        return self.confirmed_at is not None


# A reader is mailed about an article at most this often.
SUBSCRIPTION_INTERVAL = timedelta(hours=1)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscriptions of addresses their readers confirmed: the only ones mailed."""
        return self.filter(
            models.Exists(
                CommenterEmail.objects.filter(
                    email=models.OuterRef("email"), confirmed_at__isnull=False
                )
            )
        )

    def due(self, now=None):
        """
        Confirmed subscriptions with published comments not mailed yet, whose
        reader has not been mailed about the article in the last
        SUBSCRIPTION_INTERVAL (by this subscription or another of theirs).
        """
        now = now or timezone.now()
        news = Comment.objects.news_for(
            article=models.OuterRef("article"),
            email=models.OuterRef("email"),
            since=models.OuterRef("notified_until"),
        )
        replies = Comment.objects.news_for(
            article=models.OuterRef("article"),
            email=models.OuterRef("email"),
            since=models.OuterRef("notified_until"),
            parent=models.OuterRef("comment"),
        )
        mailed_lately = Subscription.objects.filter(
            email=models.OuterRef("email"),
            article=models.OuterRef("article"),
            last_mailed_at__gt=now - SUBSCRIPTION_INTERVAL,
        )
        return (
            self.confirmed()
            .filter(
                (models.Q(comment__isnull=True) & models.Exists(news))
                | (models.Q(comment__isnull=False) & models.Exists(replies))
            )
            .exclude(models.Exists(mailed_lately))
        )


class Subscription(models.Model):
    """
    A verified reader's wish to be mailed: of replies to their comment
    (``comment``), or of every new comment on an article (no ``comment``).
    """

    email = models.CharField(_("email"), max_length=254, db_index=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("replies to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    # Comments published up to here have been mailed (or were there before).
    notified_until = models.DateTimeField(_("mailed up to"), default=timezone.now)
    last_mailed_at = models.DateTimeField(_("last mailed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "article"],
                condition=models.Q(comment__isnull=True),
                name="subscription_to_article_once",
            ),
            models.UniqueConstraint(
                fields=["email", "comment"],
                condition=models.Q(comment__isnull=False),
                name="subscription_to_replies_once",
            ),
        ]
        indexes = [models.Index(fields=["article", "notified_until"])]

    def __str__(self):
        return self.email

    def new_comments(self):
        """The published comments this subscription has not mailed yet."""
        return Comment.objects.news_for(
            article=self.article_id,
            email=self.email,
            since=self.notified_until,
            parent=self.comment_id,
        )


class ReaderReport(models.Model):
    """A reader's report of a published comment, with its reason."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        ABUSIVE = "abusive", _("abusive or insulting")
        OFF_TOPIC = "off_topic", _("off topic")
        PERSONAL_DATA = "personal_data", _("personal data of other people")
        ILLEGAL = "illegal", _("illegal content")
        OTHER = "other", _("something else")

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="reader_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    # A keyed hash of the reporter's IP address: distinct readers are counted
    # without keeping the address.
    reporter = models.CharField(_("reader"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader's report")
        verbose_name_plural = _("readers' reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "cleared_at"])]
        constraints = [
            # Once per reader while it is open: after a moderator's "keep", a
            # reader may report the comment again.
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=models.Q(cleared_at__isnull=True),
                name="open_report_once_per_reader",
            ),
        ]

    def __str__(self):
        return self.get_reason_display()


class DataRequest(models.Model):
    """
    A request about a commenter's personal data (comments.personal_data): a link
    mailed to the address, an export, an erasure. The address is kept only as a
    keyed hash (``verification.email_key``): enough to limit the mail to one link
    an hour and to show the requests to the operators, nothing to read it back.
    """

    class Action(models.TextChoices):
        LINK = "link", _("link mailed")
        EXPORT = "export", _("data exported")
        ERASE = "erase", _("data erased")

    class Source(models.TextChoices):
        READER = "reader", _("the reader, by the mailed link")
        ADMIN = "admin", _("a moderator, in the admin")

    email_key = models.CharField(_("address (keyed hash)"), max_length=64)
    action = models.CharField(_("action"), max_length=10, choices=Action)
    source = models.CharField(_("asked by"), max_length=10, choices=Source)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["email_key", "action", "created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.email_key}"
