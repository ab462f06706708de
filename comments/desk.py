"""
The moderators' desk beside the queue: the commenter's history (their comments
by email and address, counts, notes, bans, and actions on all of it), the
decision on a spam wave, and the re-check of the whole queue with Akismet.
``CommenterHistoryMixin`` adds their admin views to the queue's ModelAdmin
(comments.admin), which shares the warnings, counts and messages defined here.

``QueueRowsMixin`` adds the decisions on one row of the queue (approve, spam,
trash, feature, reply as staff) and the undo of the last one: plain forms, which
the queue's keyboard script (comment_queue.js) only presses.
"""

import ipaddress
from datetime import timedelta
from functools import lru_cache, partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from . import moderation, personal_data, spam, tasks, verification, waves
from .bans import bans_changed, network
from .forms import CommenterBanForm, CommenterNoteForm, ErasureForm, StaffReplyForm
from .models import (
    Ban,
    Comment,
    CommenterNote,
    DataRequest,
    QueueCheck,
    normalized_email,
)


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


# The key of capped_status_counts(reported=True) for the comments with open
# readers' reports.
REPORTED = "reported"
# Rejected comments whose authors asked for a review (comments.receipts).
APPEALS = "appeals"


def capped_status_counts(cap, *, reported=False, appeals=False):
    """
    The number of comments in each status, counted no further than cap + 1, in
    one query that reads at most that many index entries per status; with
    ``reported``, also of the comments with open readers' reports (REPORTED),
    and with ``appeals`` of those whose authors asked for a review (APPEALS),
    each read from its partial index.
    """
    return _capped_counts(_status_wheres(reported=reported, appeals=appeals), cap)


def _status_wheres(*, reported, appeals):
    wheres = [("status = %s", value, [value]) for value in Comment.Status.values]
    if reported:
        wheres.append(("reports_open > 0", REPORTED, []))
    if appeals:
        wheres.append(("appeal = %s", APPEALS, [Comment.Appeal.OPEN]))
    return wheres


def queue_counts(request, cap):
    """
    The queue's counts for its two filters, in one query per request: each
    status, REPORTED and APPEALS, and ("held", rule) for the pending comments
    held by each rule (from the partial index of held comments), none counted
    past cap + 1.
    """
    if not hasattr(request, "_queue_counts"):
        pending = Comment.Status.PENDING
        wheres = [
            *_status_wheres(reported=True, appeals=True),
            *(
                ("status = %s AND held_rule = %s", f"held:{rule}", [pending, rule])
                for rule in Comment.HeldRule.values
                if rule
            ),
        ]
        request._queue_counts = _capped_counts(wheres, cap)
    return request._queue_counts


def _capped_counts(wheres, cap):
    """{name: count} for each (condition, name, parameters), none past cap + 1."""
    table = Comment._meta.db_table
    limit = int(cap) + 1
    parts = " UNION ALL ".join(
        f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} "
        f"LIMIT {limit}) AS s{n}"
        for n, (where, _name, _params) in enumerate(wheres)
    )
    params = [p for _where, name, values in wheres for p in (name, *values)]
    with connection.cursor() as cursor:
        cursor.execute(parts, params)
        return dict(cursor.fetchall())


def capped_label(label, count, cap):
    """ "Pending (12)", or "Pending (more than 10000)" past the cap."""
    if count > cap:
        return gettext("%(status)s (more than %(count)d)") % {
            "status": label,
            "count": cap,
        }
    return gettext("%(status)s (%(count)d)") % {"status": label, "count": count}


# An id no comment has, reversed once and replaced (``url_maker``).
SENTINEL_ID = 987654321


def url_maker(name):
    """
    A function of a comment's id giving the URL ``name`` for it: reversed once
    per script prefix and language, not once per row of the queue.
    """
    return _url_maker(name, get_script_prefix(), translation.get_language())


@lru_cache(maxsize=64)
def _url_maker(name, prefix, language):
    head, _, tail = reverse(name, args=[SENTINEL_ID]).rpartition(f"/{SENTINEL_ID}/")
    return lambda pk: f"{head}/{pk}/{tail}"


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
    "keep_rejected": ngettext_lazy(
        "%(count)d comment kept unpublished; its author's review is closed.",
        "%(count)d comments kept unpublished; their authors' reviews are closed.",
        "count",
    ),
    "keep": ngettext_lazy(
        "%(count)d comment kept: its readers' reports are cleared.",
        "%(count)d comments kept: their readers' reports are cleared.",
        "count",
    ),
    "delete": ngettext_lazy(
        "%(count)d comment deleted permanently.",
        "%(count)d comments deleted permanently.",
        "count",
    ),
    "feature": ngettext_lazy(
        "%(count)d comment selected by the editors: shown first under its article.",
        "%(count)d comments selected by the editors: shown first under their articles.",
        "count",
    ),
    "unfeature": ngettext_lazy(
        "%(count)d comment taken out of the editors' selection.",
        "%(count)d comments taken out of the editors' selection.",
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
            '<a href="{}" title="{}" data-key="o">{}</a>',
            url_maker("admin:comments_comment_commenter")(comment.pk),
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
        erasure_form = ErasureForm(prefix="erase")
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "export_data" and history.email:
                return personal_data.download(history.email, by=request.user)
            if action == "erase_data" and history.email:
                if not request.user.has_perm("comments.delete_comment"):
                    raise PermissionDenied
                erasure_form = ErasureForm(request.POST, prefix="erase")
                if erasure_form.is_valid():
                    return self._erase_commenter(request, history, erasure_form)
            elif action == "ban":
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
            elif action in ("revoke_trust", "restore_trust") and history.email:
                if action == "revoke_trust":
                    verification.revoke_trust(history.email, by=request.user)
                    done = gettext(
                        "Trust withdrawn: this address's comments go through "
                        "the hold rules."
                    )
                else:
                    verification.restore_trust(history.email, by=request.user)
                    done = gettext("Trust given back.")
                self.message_user(request, done, messages.SUCCESS)
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
            "trust": verification.trust(history.email),
            "bans": history.bans(),
            "ban_form": ban_form,
            "note_form": note_form,
            "erasure_form": erasure_form,
            "can_erase": request.user.has_perm("comments.delete_comment"),
            "can_ban": bool(history.ip),
        }
        return TemplateResponse(request, "admin/comments/comment/history.html", context)

    def _erase_commenter(self, request, history, form):
        erased = personal_data.erase(
            history.email, remove_text=form.cleaned_data["remove_text"]
        )
        personal_data.record(history.email, DataRequest.Action.ERASE, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d comment anonymised; nothing else is kept about the address.",
                "%(count)d comments anonymised; nothing else is kept "
                "about the address.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )
        return redirect("admin:comments_comment_changelist")

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


# The decisions of the queue's rows: the verb, and what the undo banner says.
ROW_DECISIONS = {
    "approve": (moderation.approve, _("You approved the comment by %(name)s.")),
    "mark_spam": (
        moderation.mark_spam,
        _("You marked the comment by %(name)s as spam."),
    ),
    "trash": (moderation.trash, _("You moved the comment by %(name)s to the trash.")),
    "feature": (moderation.feature, _("You featured the comment by %(name)s.")),
    "unfeature": (
        moderation.unfeature,
        _("You took the comment by %(name)s out of the editors' selection."),
    ),
}
# Feature and unfeature change no status: each one's undo is the other.
UNDO_BY_OPPOSITE = {"feature": moderation.unfeature, "unfeature": moderation.feature}
# The moderator's last decision, kept in their session for the undo.
LAST_DECISION = "comments:last-decision"


def queue_return(request):
    """The queue as the moderator left it: its filters, search and page."""
    url = reverse("admin:comments_comment_changelist")
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def undo_banner(request):
    """What the queue's undo banner says of the last decision, or None."""
    last = request.session.get(LAST_DECISION)
    if not last or last.get("decision") not in ROW_DECISIONS:
        return None
    return ROW_DECISIONS[last["decision"]][1] % {"name": last["name"]}


class QueueRowsMixin:
    """Decisions on one comment of the queue, in one click, and their undo."""

    def get_urls(self):
        urls = [
            path(
                "<int:comment_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            path(
                "<int:comment_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
            path(
                "undo/",
                self.admin_site.admin_view(self.undo_view),
                name="comments_comment_undo",
            ),
        ]
        return urls + super().get_urls()

    def _moderated_comment(self, request, comment_id):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = Comment.objects.select_related("article").filter(pk=comment_id)
        comment = comment.first()
        if comment is None:
            raise Http404(gettext("No such comment."))
        return comment

    def decide_view(self, request, comment_id):
        """One decision on one comment (a POST); back to the queue as it was."""
        if request.method != "POST":
            raise PermissionDenied
        comment = self._moderated_comment(request, comment_id)
        decision = request.POST.get("decision")
        if decision not in ROW_DECISIONS:
            self.message_user(
                request, gettext("That decision is unknown."), messages.ERROR
            )
            return queue_return(request)
        verb = ROW_DECISIONS[decision][0]
        if decision == "approve" and comment.status == Comment.Status.SPAM:
            # Published from spam: Akismet is told it was wrong.
            verb, decision = moderation.mark_not_spam, "approve"
        with transaction.atomic():
            changed = verb(comment, by=request.user)
            event = moderation.last_decision(comment) if changed else None
        if not changed:
            self.message_user(
                request,
                gettext(
                    "The comment was left as it was: it was already in that "
                    "state, or that action does not apply to it."
                ),
                messages.WARNING,
            )
            return queue_return(request)
        request.session[LAST_DECISION] = {
            "comment": comment.pk,
            "event": event.pk if event else None,
            "decision": decision,
            "name": comment.author_name,
        }
        done = "mark_not_spam" if verb is moderation.mark_not_spam else decision
        self.message_user(request, DONE_MESSAGES[done] % {"count": 1}, messages.SUCCESS)
        return queue_return(request)

    def undo_view(self, request):
        """Take back the moderator's last decision in the queue (a POST)."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        last = request.session.pop(LAST_DECISION, None)
        comment = (
            Comment.objects.select_related("article").filter(pk=last["comment"]).first()
            if last
            else None
        )
        undone = False
        if comment is not None and last["decision"] in UNDO_BY_OPPOSITE:
            undone = UNDO_BY_OPPOSITE[last["decision"]](comment, by=request.user)
        elif comment is not None and last.get("event"):
            event = comment.events.filter(pk=last["event"]).first()
            undone = event is not None and moderation.undo(
                comment, by=request.user, event=event
            )
        if undone:
            self.message_user(
                request,
                gettext("Undone: the comment by %(name)s is back as it was.")
                % {"name": comment.author_name},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "There is nothing to undo: the comment has been deleted or "
                    "decided again since."
                ),
                messages.WARNING,
            )
        return queue_return(request)

    def reply_view(self, request, comment_id):
        """The staff's reply to a comment, published at once under their name."""
        comment = self._moderated_comment(request, comment_id)
        if comment.article_id is None:
            raise Http404(gettext("Comments on static pages take no new replies."))
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                if form.cleaned_data["approve_parent"]:
                    verb = (
                        moderation.mark_not_spam
                        if comment.status == Comment.Status.SPAM
                        else moderation.approve
                    )
                    verb(comment, by=request.user)
                reply = moderation.reply_as_staff(
                    comment, form.cleaned_data["body"], by=request.user
                )
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Your reply is published."),
                    reply.get_absolute_url(),
                    gettext("See it on the site"),
                ),
                messages.SUCCESS,
            )
            return queue_return(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Reply to %(name)s") % {"name": comment.author_name},
            "comment": comment,
            "form": form,
            "offer_approval": comment.status != Comment.Status.APPROVED,
            "queue_url": queue_return(request).url,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)
