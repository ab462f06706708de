"""
The moderation queue in Django admin.

Every change of status goes through ``comments.moderation`` (one bulk helper for
all the actions), so each one is recorded in the comment's history and reported to
Akismet where the Akismet terms ask for it.
"""

import ipaddress
import json
import re
from datetime import timedelta
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from articles.cache import ARTICLES
from articles.models import Article
from newsroom.admin import EstimatedCountPaginator, HistoryInline, RefreshesPagesMixin

from . import moderation, spam, tasks, waves
from .bans import bans_changed, network
from .forms import BanForm, CommenterBanForm, CommenterNoteForm
from .models import (
    Ban,
    Comment,
    CommenterNote,
    CommentEvent,
    ModerationSettings,
    QueueCheck,
    normalized_email,
)

# A whole email address, as typed in the queue's search box.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def spam_check_warnings():
    """What moderators must know about the spam check: off, or rejecting the key."""
    if not spam.is_enabled():
        return [
            gettext(
                "Spam checking is off: no Akismet API key is configured "
                "(AKISMET_API_KEY), so every comment waits for a moderator."
            )
        ]
    # Only comments still waiting for a check, or given up on, can carry the
    # error: the state comes first so that the (check_state, next_check_at)
    # index finds the few of them, instead of the error being read on every
    # pending comment (hundreds of thousands on a large site).
    rejected = (
        Comment.objects.pending()
        .filter(
            check_state__in=[Comment.CheckState.UNCHECKED, Comment.CheckState.GAVE_UP],
            last_check_error__startswith=spam.MISCONFIGURED,
        )
        .count()
    )
    if rejected:
        return [
            ngettext(
                "Akismet rejected the configuration (API key or site address): "
                "%(count)d pending comment could not be checked. Check "
                "AKISMET_API_KEY and AKISMET_BLOG_URL; the server log has the "
                "details.",
                "Akismet rejected the configuration (API key or site address): "
                "%(count)d pending comments could not be checked. Check "
                "AKISMET_API_KEY and AKISMET_BLOG_URL; the server log has the "
                "details.",
                rejected,
            )
            % {"count": rejected}
        ]
    return []


def capped_status_counts(cap):
    """
    The number of comments in each status, counted no further than cap + 1, in
    one query that reads at most that many index entries per status.
    """
    table = Comment._meta.db_table
    parts = " UNION ALL ".join(
        f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE status = %s "
        f"LIMIT {int(cap) + 1}) AS s{n}"
        for n in range(len(Comment.Status.values))
    )
    params = [p for value in Comment.Status.values for p in (value, value)]
    with connection.cursor() as cursor:
        cursor.execute(parts, params)
        return dict(cursor.fetchall())


class StatusFilter(admin.SimpleListFilter):
    """Filter by status, with counts; without a choice the queue shows pending."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    # Counting stops here: with millions of comments an exact count of each
    # status would read the whole table on every page of the queue.
    COUNT_CAP = 10_000

    def lookups(self, request, model_admin):
        counts = capped_status_counts(self.COUNT_CAP)
        choices = []
        for value, label in Comment.Status.choices:
            count = counts.get(value, 0)
            if count > self.COUNT_CAP:
                text = gettext("%(status)s (more than %(count)d)") % {
                    "status": label,
                    "count": self.COUNT_CAP,
                }
            else:
                text = gettext("%(status)s (%(count)d)") % {
                    "status": label,
                    "count": count,
                }
            choices.append((value, text))
        return [*choices, (self.ALL, gettext("All"))]

    def value(self):
        value = super().value()
        if value == self.ALL or value in Comment.Status.values:
            return value
        return Comment.Status.PENDING

    def choices(self, changelist):
        current = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


class ArticleFilter(admin.SimpleListFilter):
    """
    The comments of one article, chosen from the queue's article column.

    Listing every article that has comments would put thousands of links on the
    page, so the filter offers only the article already chosen.
    """

    title = _("article")
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not (value and value.isdigit()):
            return []
        title = Article.objects.filter(pk=value).values_list("title", flat=True)
        return [(value, title.first() or value)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(article_id=value)
        return queryset


class CommentEventInline(HistoryInline):
    """The comment's history."""

    model = CommentEvent
    fields = ["created_at", "by", "from_status", "to_status", "message"]
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    @admin.display(description=_("by"))
    def by(self, event):
        if event.actor is None:
            return gettext("the system")
        return event.actor.get_username()


# The status verbs: each action calls one of them through Comment Admin._bulk.
DONE_MESSAGES = {
    "approve": ngettext_lazy(
        "%(count)d comment approved.", "%(count)d comments approved.", "count"
    ),
    "unapprove": ngettext_lazy(
        "%(count)d comment sent back to pending.",
        "%(count)d comments sent back to pending.",
        "count",
    ),
    "mark_spam": ngettext_lazy(
        "%(count)d comment marked as spam and reported to Akismet.",
        "%(count)d comments marked as spam and reported to Akismet.",
        "count",
    ),
    "mark_not_spam": ngettext_lazy(
        "%(count)d comment marked as not spam, published and reported to Akismet.",
        "%(count)d comments marked as not spam, published and reported to Akismet.",
        "count",
    ),
    "trash": ngettext_lazy(
        "%(count)d comment moved to the trash.",
        "%(count)d comments moved to the trash.",
        "count",
    ),
    "restore": ngettext_lazy(
        "%(count)d comment restored from the trash.",
        "%(count)d comments restored from the trash.",
        "count",
    ),
    "check_now": ngettext_lazy(
        "%(count)d comment queued for a check with Akismet.",
        "%(count)d comments queued for a check with Akismet.",
        "count",
    ),
    "delete": ngettext_lazy(
        "%(count)d comment deleted permanently.",
        "%(count)d comments deleted permanently.",
        "count",
    ),
}


class CommenterHistory:
    """
    The record of a comment's author, for moderators: every comment by that
    email or from that IP address, counts, notes, the bans in force, and the
    actions on all of it. A fixed number of queries, each on an index.
    """

    PER_PAGE = 50
    MAX_SHOWN = 1000

    def __init__(self, comment, *, shown=PER_PAGE):
        self.comment = comment
        self.email = normalized_email(comment.author_email)
        self.ip = comment.ip_address
        self.shown = min(max(shown, self.PER_PAGE), self.MAX_SHOWN)

    def comments(self):
        return Comment.objects.by_commenter(email=self.email, ip=self.ip)

    def counts(self):
        by_status = {
            value: Count("pk", filter=Q(status=value))
            for value in Comment.Status.values
        }
        totals = self.comments().aggregate(
            **by_status, first=Min("created_at"), last=Max("created_at")
        )
        totals["statuses"] = [
            (label, totals[value]) for value, label in Comment.Status.choices
        ]
        totals["total"] = sum(totals[value] for value in Comment.Status.values)
        return totals

    def rows(self):
        rows = list(
            self.comments()
            .select_related("article", "page")
            .only(
                "pk",
                "article__title",
                "page__title",
                "author_name",
                "author_email",
                "ip_address",
                "body",
                "status",
                "created_at",
            )
            .order_by("-created_at", "-pk")[: self.shown + 1]
        )
        return rows[: self.shown], len(rows) > self.shown

    def notes(self):
        return CommenterNote.objects.filter(email=self.email).select_related("author")[
            :50
        ]

    def bans(self):
        """The bans in force on the email or the address, in one query."""
        candidates = Ban.objects.active().filter(
            Q(kind=Ban.Kind.EMAIL, value=self.email) | Q(kind=Ban.Kind.NETWORK)
        )
        address = ipaddress.ip_address(self.ip) if self.ip else None
        found = []
        for ban in candidates:
            if ban.kind == Ban.Kind.EMAIL:
                found.append(ban)
                continue
            net = network(ban.value)
            if address and net and net.version == address.version and address in net:
                found.append(ban)
        return found

    def ban_value(self, scope):
        if scope == "email":
            return Ban.Kind.EMAIL, self.email
        if scope == "network":
            return Ban.Kind.NETWORK, waves.network_key(self.ip)
        return Ban.Kind.NETWORK, str(ipaddress.ip_network(self.ip))


class CommenterHistoryMixin:
    """The commenter's record in CommentAdmin: its view and links to it."""

    def get_urls(self):
        urls = [
            path(
                "<int:comment_id>/author/",
                self.admin_site.admin_view(self.commenter_view),
                name="comments_comment_commenter",
            ),
            path(
                "wave/",
                self.admin_site.admin_view(self.wave_view),
                name="comments_comment_wave",
            ),
            path(
                "check-queue/",
                self.admin_site.admin_view(self.check_queue_view),
                name="comments_comment_check_queue",
            ),
        ]
        return urls + super().get_urls()

    @admin.display(description=_("author"), ordering="author_name")
    def author_link(self, comment):
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("admin:comments_comment_commenter", args=[comment.pk]),
            gettext("The commenter's history"),
            comment.author_name,
        )

    @admin.display(description=_("commenter's history"))
    def commenter_history(self, comment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_commenter", args=[comment.pk]),
            gettext("Every comment by this email or IP address"),
        )

    def commenter_view(self, request, comment_id):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = (
            Comment.objects.only("pk", "author_name", "author_email", "ip_address")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            raise Http404(gettext("No such comment."))
        try:
            shown = int(request.GET.get("shown", CommenterHistory.PER_PAGE))
        except ValueError:
            shown = CommenterHistory.PER_PAGE
        history = CommenterHistory(comment, shown=shown)
        ban_form = CommenterBanForm(prefix="ban")
        note_form = CommenterNoteForm(prefix="note")
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "ban":
                ban_form = CommenterBanForm(request.POST, prefix="ban")
                if ban_form.is_valid():
                    return self._ban_commenter(request, history, ban_form)
            elif action == "note":
                note_form = CommenterNoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    CommenterNote.objects.create(
                        email=history.email,
                        note=note_form.cleaned_data["note"],
                        author=request.user,
                    )
                    self.message_user(request, gettext("Note added."), messages.SUCCESS)
                    return redirect(request.get_full_path())
            elif action in ("approve_pending", "trash_all"):
                everything = history.comments()
                if action == "approve_pending":
                    self._bulk(
                        request,
                        everything.pending(),
                        moderation.approve,
                        DONE_MESSAGES["approve"],
                    )
                else:
                    self._bulk(
                        request,
                        everything.exclude(status=Comment.Status.TRASH),
                        moderation.trash,
                        DONE_MESSAGES["trash"],
                    )
                return redirect(request.get_full_path())
        rows, more = history.rows()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("The commenter's history: %(name)s")
            % {"name": comment.author_name},
            "comment": comment,
            "history": history,
            "counts": history.counts(),
            "rows": rows,
            "more": more,
            "show_more": history.shown * 2,
            "notes": history.notes(),
            "bans": history.bans(),
            "ban_form": ban_form,
            "note_form": note_form,
            "can_ban": bool(history.ip),
        }
        return TemplateResponse(request, "admin/comments/comment/history.html", context)

    def _ban_commenter(self, request, history, form):
        scope = form.cleaned_data["scope"]
        if scope != "email" and not history.ip:
            self.message_user(
                request,
                gettext("This comment has no IP address to ban."),
                messages.ERROR,
            )
            return redirect(request.get_full_path())
        kind, value = history.ban_value(scope)
        days = form.cleaned_data["duration"]
        ban = Ban.objects.create(
            kind=kind,
            value=value,
            reason=form.cleaned_data["reason"],
            created_by=request.user,
            expires_at=timezone.now() + timedelta(days=int(days)) if days else None,
        )
        bans_changed()
        self.message_user(
            request,
            gettext("Banned: %(value)s.") % {"value": ban.value},
            messages.SUCCESS,
        )
        return redirect(request.get_full_path())

    def wave_view(self, request):
        """One decision for every pending comment of a spam wave."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        kind, key = request.POST.get("kind"), request.POST.get("key", "")
        decision = request.POST.get("decision")
        verbs = {
            "approve": moderation.approve,
            "mark_spam": moderation.mark_spam,
            "trash": moderation.trash,
        }
        if kind not in waves.KINDS or not key or decision not in verbs:
            self.message_user(
                request, gettext("That wave or decision is unknown."), messages.ERROR
            )
        else:
            self._bulk(
                request,
                waves.in_wave(kind, key),
                verbs[decision],
                DONE_MESSAGES[decision],
            )
        return redirect("admin:comments_comment_changelist")

    def check_queue_view(self, request):
        """Start a background check of every pending comment with Akismet."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        if not spam.is_enabled():
            self.message_user(request, spam_check_warnings()[0], messages.ERROR)
            return redirect("admin:comments_comment_changelist")
        running = QueueCheck.objects.filter(finished_at__isnull=True).first()
        if running is None:
            running = QueueCheck.objects.create(
                started_by=request.user,
                total=capped_status_counts(10**9).get(Comment.Status.PENDING, 0),
            )
            transaction.on_commit(partial(tasks.check_queue.enqueue, run_id=running.pk))
            self.message_user(
                request,
                gettext("Every pending comment is being sent to Akismet again."),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("A check of the queue is running already."),
                messages.WARNING,
            )
        return redirect("admin:comments_queuecheck_change", running.pk)


@admin.register(Comment)
class CommentAdmin(CommenterHistoryMixin, admin.ModelAdmin):
    list_display = [
        "excerpt",
        "article_title",
        "author_link",
        "author_email",
        "ip_address",
        "created_at",
        "akismet",
        "why_held",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        StatusFilter,
        "verdict",
        "check_state",
        "kind",
        ArticleFilter,
    ]
    list_select_related = ["article", "page"]
    search_fields = ["author_name", "author_email", "ip_address", "body"]
    search_help_text = _(
        "Search by name, email, IP address or text. A whole email or IP address "
        "finds that author's comments at once."
    )
    ordering = ["-created_at", "-pk"]
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    # Ten million comments: no COUNT(*) of the whole table on each page view.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [CommentEventInline]
    actions = [
        "approve",
        "unapprove",
        "mark_spam",
        "mark_not_spam",
        "trash",
        "restore",
        "check_now",
        "delete_selected",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article",
                    "page",
                    "kind",
                    "in_reply_to",
                    "author_name",
                    "author_email",
                    "commenter_history",
                    "author_url",
                    "user",
                    "body",
                    "status",
                    "created_at",
                    "status_changed_at",
                    "former_id",
                ]
            },
        ),
        (
            _("Spam check"),
            {
                "fields": [
                    "check_state",
                    "verdict",
                    "held_reason",
                    "check_attempts",
                    "next_check_at",
                    "last_check_error",
                    "checked_at",
                    "delete_after",
                ]
            },
        ),
        (
            _("Sent by the reader's browser"),
            {"fields": ["ip_address", "user_agent", "referrer", "language"]},
        ),
        (_("Data sent to Akismet"), {"fields": ["akismet_data_display"]}),
    ]

    # Only the text is edited here; statuses change through the actions.
    def get_readonly_fields(self, request, obj=None):
        fields = [
            name
            for _title, options in self.fieldsets
            for name in options["fields"]
            if name != "body"
        ]
        return fields

    def has_add_permission(self, request):
        # Comments come from readers, through the site.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_purge_permission(self, request):
        return self.has_moderate_permission(request) and self.has_delete_permission(
            request
        )

    def get_search_results(self, request, queryset, search_term):
        # An email address or an IP address, the usual searches when a spammer
        # returns, is looked up in its index. Other words: on PostgreSQL whole
        # words of names and texts, in their own index; elsewhere parts of
        # names, addresses and texts, which reads every comment.
        term = search_term.strip()
        if EMAIL_RE.fullmatch(term):
            return queryset.filter(author_email__iexact=term), False
        try:
            ip = ipaddress.ip_address(term)
        except ValueError:
            pass
        else:
            return queryset.filter(ip_address=str(ip)), False
        if term and connection.vendor == "postgresql":
            # Whole words of the names and texts, through the full-text index
            # of migration 0013 (built on this same expression).
            words = queryset.alias(
                words=SearchVector("author_name", "body", config="simple")
            ).filter(words=SearchQuery(term, config="simple"))
            return words, False
        return super().get_search_results(request, queryset, search_term)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for warning in spam_check_warnings():
                self.message_user(request, warning, messages.WARNING)
        extra_context = {
            "title": gettext("Moderation queue"),
            # None for staff who do not moderate: no waves, no queue check.
            "waves": waves.waves() if self.has_moderate_permission(request) else None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        # The form has already put the new text on obj; moderation.edit_body needs
        # the stored comment to tell what changed and record it.
        if change and "body" in form.changed_data:
            stored = Comment.objects.get(pk=obj.pk)
            moderation.edit_body(stored, form.cleaned_data["body"], by=request.user)

    def delete_model(self, request, obj):
        moderation.delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            moderation.delete(comment, by=request.user)

    # Columns

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(" ".join(comment.body.split())).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment):
        if comment.article_id is None:
            return gettext("page “%(title)s”") % {"title": comment.page.title}
        return format_html(
            '<a href="?{}={}">{}</a>',
            ArticleFilter.parameter_name,
            comment.article_id,
            comment.article.title,
        )

    @admin.display(description=_("Akismet"))
    def akismet(self, comment):
        if comment.verdict:
            return comment.get_verdict_display()
        return comment.get_check_state_display()

    @admin.display(description=_("why held"))
    def why_held(self, comment):
        if comment.status != Comment.Status.PENDING:
            return ""
        return comment.held_reason or comment.last_check_error

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, comment):
        if not comment.parent_id:
            return "—"
        url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("comment %(number)s") % {"number": comment.parent_id},
        )

    @admin.display(description=_("data sent to Akismet"))
    def akismet_data_display(self, comment):
        if not comment.akismet_data:
            return "—"
        return format_html(
            "<pre>{}</pre>",
            json.dumps(
                comment.akismet_data, indent=2, sort_keys=True, ensure_ascii=False
            ),
        )

    # Actions

    def _bulk(self, request, queryset, verb, done):
        """Apply a moderation verb to each comment and report how many changed."""
        changed = unchanged = 0
        with transaction.atomic():
            for comment in queryset.select_related("article"):
                if verb(comment, by=request.user):
                    changed += 1
                else:
                    unchanged += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment was left as it was: it was already in that "
                    "state, or that action does not apply to it.",
                    "%(count)d comments were left as they were: they were already in "
                    "that state, or that action does not apply to them.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.WARNING,
            )

    @admin.action(description=_("Approve"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._bulk(request, queryset, moderation.approve, DONE_MESSAGES["approve"])

    @admin.action(description=_("Unapprove"), permissions=["moderate"])
    def unapprove(self, request, queryset):
        self._bulk(request, queryset, moderation.unapprove, DONE_MESSAGES["unapprove"])

    @admin.action(description=_("Mark as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._bulk(request, queryset, moderation.mark_spam, DONE_MESSAGES["mark_spam"])

    @admin.action(description=_("Not spam"), permissions=["moderate"])
    def mark_not_spam(self, request, queryset):
        self._bulk(
            request,
            queryset,
            moderation.mark_not_spam,
            DONE_MESSAGES["mark_not_spam"],
        )

    @admin.action(description=_("Move to trash"), permissions=["moderate"])
    def trash(self, request, queryset):
        self._bulk(request, queryset, moderation.trash, DONE_MESSAGES["trash"])

    @admin.action(description=_("Restore from trash"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._bulk(request, queryset, moderation.restore, DONE_MESSAGES["restore"])

    @admin.action(description=_("Check with Akismet now"), permissions=["moderate"])
    def check_now(self, request, queryset):
        if not spam.is_enabled():
            self.message_user(request, spam_check_warnings()[0], messages.ERROR)
            return
        self._bulk(request, queryset, moderation.check_now, DONE_MESSAGES["check_now"])

    # Named like admin's own action, which it replaces, so that admin's
    # confirmation page posts back here.
    @admin.action(description=_("Delete permanently"), permissions=["purge"])
    def delete_selected(self, request, queryset):
        if request.POST.get("post"):
            self._bulk(request, queryset, moderation.delete, DONE_MESSAGES["delete"])
            return None
        return admin_actions.delete_selected(self, request, queryset)


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(RefreshesPagesMixin, admin.ModelAdmin):
    """The single row of moderation rules: no list, no second row, no deleting."""

    # The rules show on every article page (thread depth, comments closing).
    refreshes = [ARTICLES]

    fieldsets = [
        (
            _("Holding comments for a moderator"),
            {
                "fields": [
                    "hold_all",
                    "require_prior_approval",
                    "link_limit",
                    "moderation_words",
                    "disallowed_words",
                ]
            },
        ),
        (_("Threads"), {"fields": ["close_after_days", "thread_depth"]}),
        (_("Email"), {"fields": ["notify_moderators", "notify_article_author"]}),
    ]

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request)
            and not ModerationSettings.objects.exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rules = ModerationSettings.load()
        return redirect("admin:comments_moderationsettings_change", rules.pk)


@admin.register(QueueCheck)
class QueueCheckAdmin(admin.ModelAdmin):
    """The queue checks with Akismet and their progress, read only."""

    list_display = ["created_at", "started_by", "progress", "finished_at"]
    fields = ["created_at", "started_by", "progress", "finished_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, run):
        return gettext("%(done)d of %(total)d comments checked") % {
            "done": run.done,
            "total": max(run.total, run.done),
        }


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    form = BanForm
    list_display = ["value", "kind", "reason", "created_at", "expires_at", "in_force"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    ordering = ["-created_at", "-pk"]
    readonly_fields = ["created_by"]

    def has_module_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def _moderates(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_view_permission(self, request, obj=None):
        return self._moderates(request)

    def has_add_permission(self, request):
        return self._moderates(request)

    def has_change_permission(self, request, obj=None):
        return self._moderates(request)

    def has_delete_permission(self, request, obj=None):
        return self._moderates(request)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, ban):
        return ban.is_active()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        bans_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bans_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bans_changed()
