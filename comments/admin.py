"""
The moderation queue in Django admin.

Every change of status goes through ``comments.moderation`` (one bulk helper for
all the actions), so each one is recorded in the comment's history and reported to
Akismet where the Akismet terms ask for it.
"""

import ipaddress
import json
import re
from collections import Counter
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.cache import ARTICLES
from articles.models import Article
from newsroom.admin import EstimatedCountPaginator, HistoryInline, RefreshesPagesMixin

from . import moderation, spam, waves, word_search
from .bans import bans_changed
from .desk import (
    APPEALS,
    DONE_MESSAGES,
    REPORTED,
    CommenterHistoryMixin,
    QueueRowsMixin,
    capped_label,
    queue_counts,
    spam_check_warnings,
    undo_banner,
    url_maker,
)
from .forms import BanForm
from .models import (
    Ban,
    Comment,
    CommentEvent,
    DataRequest,
    ModerationSettings,
    QueueCheck,
    ReaderReport,
)

# A whole email address, as typed in the queue's search box.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Part of an email or IP address ("luca@", "198.51.100"): not words, so not for
# the full-text index; searched for as text in the addresses.
ADDRESS_PART_RE = re.compile(r"@|^[0-9a-fA-F]*[.:][0-9a-fA-F.:]*$")


class StatusFilter(admin.SimpleListFilter):
    """
    Filter by status, with counts; without a choice the queue shows pending.
    "Reported" shows the comments with readers' reports still open, whatever
    their status.
    """

    title = _("status")
    parameter_name = "status"
    ALL = "all"
    APPEALS = APPEALS
    REPORTED = REPORTED

    # Counting stops here: with millions of comments an exact count of each
    # status would read the whole table on every page of the queue.
    COUNT_CAP = 10_000

    def lookups(self, request, model_admin):
        counts = queue_counts(request, self.COUNT_CAP)
        choices = [
            (value, capped_label(label, counts.get(value, 0), self.COUNT_CAP))
            for value, label in [
                *Comment.Status.choices[:1],
                (APPEALS, _("Appeals")),
                *Comment.Status.choices[1:],
                (REPORTED, _("Reported")),
            ]
        ]
        return [*choices, (self.ALL, gettext("All"))]

    def value(self):
        value = super().value()
        if value in (self.ALL, self.APPEALS, self.REPORTED) or (
            value in Comment.Status.values
        ):
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
        if value == self.APPEALS:
            return queryset.filter(appeal=Comment.Appeal.OPEN)
        if value == self.REPORTED:
            return queryset.reported()
        return queryset.filter(status=value)


class HeldRuleFilter(admin.SimpleListFilter):
    """The pending comments a moderation rule holds, rule by rule, with counts."""

    title = _("held by a rule")
    parameter_name = "held_rule"

    def lookups(self, request, model_admin):
        counts = queue_counts(request, StatusFilter.COUNT_CAP)
        return [
            (
                rule,
                capped_label(
                    label, counts.get(f"held:{rule}", 0), StatusFilter.COUNT_CAP
                ),
            )
            for rule, label in Comment.HeldRule.choices
            if rule
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in Comment.HeldRule.values and value:
            # Held comments are pending: the partial index of held comments.
            return queryset.filter(status=Comment.Status.PENDING, held_rule=value)
        return queryset


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


class QueueChangeList(ChangeList):
    """The queue's page, with the open reports of its reported comments."""

    def get_results(self, request):
        super().get_results(request)
        # One query for the page, and none when nothing on it is reported.
        reported = [comment for comment in self.result_list if comment.reports_open]
        open_reports = ReaderReport.objects.filter(cleared_at__isnull=True)
        prefetch_related_objects(
            reported,
            Prefetch(
                "reader_reports",
                queryset=open_reports.only("comment", "reason"),
                to_attr="open_reports",
            ),
        )


def row_buttons(comment, query, urls):
    """
    A row's decisions: submit buttons of the queue's one row form (rendered
    outside the changelist's own form, which cannot hold another), each posting
    to the comment's decision URL; the keys name them in data-key. ``urls``
    gives the "decide" and "reply" URLs of a comment's id.
    """
    Status = Comment.Status
    decide = urls["decide"](comment.pk) + query
    buttons = []
    for decision, label, key, applies in (
        ("approve", gettext("Approve"), "a", comment.status != Status.APPROVED),
        ("mark_spam", gettext("Spam"), "s", comment.status != Status.SPAM),
        ("trash", gettext("Trash"), "d", comment.status != Status.TRASH),
        (
            "feature",
            gettext("Feature"),
            "",
            comment.status == Status.APPROVED and not comment.featured,
        ),
        ("unfeature", gettext("Stop featuring"), "", comment.featured),
    ):
        if applies:
            buttons.append(
                format_html(
                    '<button type="submit" form="comment-row-form" class="button" '
                    'formaction="{}" name="decision" value="{}"{}>{}</button>',
                    decide,
                    decision,
                    format_html(' data-key="{}"', key) if key else "",
                    label,
                )
            )
    if comment.article_id:
        buttons.append(
            format_html(
                '<a class="button" href="{}" data-key="r">{}</a>',
                urls["reply"](comment.pk) + query,
                gettext("Reply as staff"),
            )
        )
    # Each button was built by format_html, which escaped its parts.
    return format_html(
        '<span class="queue-row-actions">{}</span>', mark_safe(" ".join(buttons))
    )


# The status verbs: each action calls one of them through Comment Admin._bulk.


class ModerationActionForm(helpers.ActionForm):
    """The action menu, with the reason and note told to a rejected comment's author."""

    reason = forms.ChoiceField(
        label=_("Reason told to the author"),
        required=False,
        choices=[("", _("the action's default"))] + Comment.Reason.choices,
    )
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=500,
    )


@admin.register(Comment)
class CommentAdmin(QueueRowsMixin, CommenterHistoryMixin, admin.ModelAdmin):
    action_form = ModerationActionForm
    list_display = [
        "excerpt",
        "parent_excerpt",
        "article_title",
        "author_link",
        "author_email",
        "ip_address",
        "created_at",
        "akismet",
        "why_held",
        "reports",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        StatusFilter,
        HeldRuleFilter,
        "verdict",
        "check_state",
        "kind",
        ArticleFilter,
    ]
    # The parent too: a reply is read beside the comment it answers.
    list_select_related = ["article", "page", "parent"]
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
        "keep_rejected",
        "feature",
        "unfeature",
        "check_now",
        "keep",
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
            _("The author's side"),
            {
                "fields": [
                    "verified",
                    "rejection_reason",
                    "rejection_note",
                    "appeal",
                    "appeal_message",
                    "appealed_at",
                    "notify_verdict",
                    "edited_at",
                ]
            },
        ),
        (
            _("Sent by the reader's browser"),
            {"fields": ["ip_address", "user_agent", "referrer", "language"]},
        ),
        (_("Readers' reports"), {"fields": ["reports_open", "reports_list"]}),
        (_("Data sent to Akismet"), {"fields": ["akismet_data_display"]}),
    ]

    class Media:
        # The queue's keys (j/k, a/s/d, u, x, o, ?): they press the row forms.
        js = ["admin/js/comment_queue.js"]
        css = {"all": ["admin/css/comment_queue.css"]}

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

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_purge_permission(self, request):
        return self.has_moderate_permission(request) and self.has_delete_permission(
            request
        )

    def get_list_display(self, request):
        if not self.has_moderate_permission(request):
            return self.list_display
        # First, beside the checkbox: the queue's columns are wider than a screen.
        return [self._row_actions(request), *self.list_display]

    def _row_actions(self, request):
        """The column of one-click decisions, returning to the queue as it is."""
        query = request.GET.urlencode()
        query = f"?{query}" if query else ""
        urls = {
            "decide": url_maker("admin:comments_comment_decide"),
            "reply": url_maker("admin:comments_comment_reply"),
        }

        @admin.display(description=_("decide"))
        def row_actions(comment):
            return row_buttons(comment, query, urls)

        return row_actions

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
        if (
            term
            and connection.vendor == "postgresql"
            and not ADDRESS_PART_RE.search(term)
        ):
            # Whole words of the names and texts, through the full-text index
            # of migration 0013.
            return word_search.matching(queryset, term), False
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
            "undo": (
                undo_banner(request) if self.has_moderate_permission(request) else None
            ),
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

    def action_checkbox(self, comment):
        """
        Django's selection checkbox, written directly: rendering its widget's
        template for each of 100 rows took a third of the queue's rows' time.
        """
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            comment.pk,
            format_html(gettext("Select this object for an action - {}"), str(comment)),
        )

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(" ".join(comment.body.split())).chars(80)

    @admin.display(description=_("in reply to"))
    def parent_excerpt(self, comment):
        parent = comment.parent
        if parent is None:
            return ""
        return format_html(
            '<a class="queue-parent" href="{}">{}: «{}»</a>',
            url_maker("admin:comments_comment_change")(parent.pk),
            parent.author_name,
            Truncator(" ".join(parent.body.split())).chars(120),
        )

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment):
        if comment.article_id is None:
            return gettext("page “%(title)s”") % {"title": comment.page.title}
        return format_html(
            '<a href="?{}={}">{}</a> <a class="queue-view" href="{}" title="{}">↗</a>',
            ArticleFilter.parameter_name,
            comment.article_id,
            comment.article.title,
            comment.article.get_absolute_url(),
            gettext("Open the article on the site"),
        )

    @admin.display(description=_("Akismet"))
    def akismet(self, comment):
        if comment.verdict:
            return comment.get_verdict_display()
        return comment.get_check_state_display()

    @admin.display(description=_("why held"))
    def why_held(self, comment):
        if comment.appeal == Comment.Appeal.OPEN:
            return gettext("Review asked for: “%(message)s”") % {
                "message": Truncator(comment.appeal_message).chars(200)
            }
        if comment.status != Comment.Status.PENDING:
            return comment.get_rejection_reason_display()
        return comment.held_reason or comment.last_check_error

    @admin.display(description=_("readers' reports"))
    def reports(self, comment):
        """The open reports: "3 — abusive or insulting ×2, spam or advertising"."""
        if not comment.reports_open:
            return ""
        reasons = Counter(
            report.reason for report in getattr(comment, "open_reports", ())
        )
        labels = []
        counted = [(ReaderReport.Reason(r).label, n) for r, n in reasons.items()]
        for label, count in sorted(counted, key=lambda item: (-item[1], str(item[0]))):
            labels.append(
                gettext("%(reason)s ×%(count)d") % {"reason": label, "count": count}
                if count > 1
                else str(label)
            )
        return gettext("%(count)d — %(reasons)s") % {
            "count": comment.reports_open,
            "reasons": ", ".join(labels),
        }

    @admin.display(description=_("reports"))
    def reports_list(self, comment):
        reports = list(comment.reader_reports.all())
        if not reports:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.date_format(report.created_at, "SHORT_DATETIME_FORMAT"),
                    report.get_reason_display(),
                    report.note or "—",
                    formats.date_format(report.cleared_at, "SHORT_DATETIME_FORMAT")
                    if report.cleared_at
                    else gettext("open"),
                )
                for report in reports
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            gettext("date"),
            gettext("reason"),
            gettext("note"),
            gettext("cleared"),
            rows,
        )

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

    def _rejecting(self, request, verb):
        """The verb, with the reason and note chosen beside the action menu."""
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        reason = note = ""
        if form.is_valid():
            reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
        return partial(verb, reason=reason, note=note)

    @admin.action(description=_("Mark as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._bulk(
            request,
            queryset,
            self._rejecting(request, moderation.mark_spam),
            DONE_MESSAGES["mark_spam"],
        )

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
        self._bulk(
            request,
            queryset,
            self._rejecting(request, moderation.trash),
            DONE_MESSAGES["trash"],
        )

    @admin.action(
        description=_("Keep unpublished (close the review)"), permissions=["moderate"]
    )
    def keep_rejected(self, request, queryset):
        self._bulk(
            request, queryset, moderation.close_appeal, DONE_MESSAGES["keep_rejected"]
        )

    @admin.action(description=_("Restore from trash"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._bulk(request, queryset, moderation.restore, DONE_MESSAGES["restore"])

    @admin.action(description=_("Feature (shown first)"), permissions=["moderate"])
    def feature(self, request, queryset):
        self._bulk(request, queryset, moderation.feature, DONE_MESSAGES["feature"])

    @admin.action(description=_("Stop featuring"), permissions=["moderate"])
    def unfeature(self, request, queryset):
        self._bulk(request, queryset, moderation.unfeature, DONE_MESSAGES["unfeature"])

    @admin.action(description=_("Check with Akismet now"), permissions=["moderate"])
    def check_now(self, request, queryset):
        if not spam.is_enabled():
            self.message_user(request, spam_check_warnings()[0], messages.ERROR)
            return
        self._bulk(request, queryset, moderation.check_now, DONE_MESSAGES["check_now"])

    @admin.action(description=_("Keep (clear the reports)"), permissions=["moderate"])
    def keep(self, request, queryset):
        self._bulk(request, queryset, moderation.keep, DONE_MESSAGES["keep"])

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


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """
    Readers' and moderators' requests about personal data, read only: the
    record that each was carried out. Addresses appear as keyed hashes only;
    search by the hash the log shows.
    """

    list_display = ["created_at", "action", "source", "by", "email_key"]
    list_filter = ["action", "source"]
    search_fields = ["=email_key"]
    fields = list_display
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
