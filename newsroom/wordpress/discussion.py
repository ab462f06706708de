"""
The comments of one post or page: read whole, then saved parents first, so a
reply that comes before its parent in the file still lands under it.

Imported comments are never sent to Akismet: WordPress (and its Akismet plugin)
decided them, and their status is kept. Each gets one history entry, and the
retention policy (COMMENTS_RETENTION_DAYS) applies at once: the browser data of
an old comment is not kept at all.
"""

import hashlib
import ipaddress
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext

from comments.models import Comment, CommentEvent
from newsroom.sanitize import comment_text_to_html

from ..models import ImportedItem
from .content import plain_text
from .reader import text

STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
KINDS = {
    "": Comment.Kind.COMMENT,
    "comment": Comment.Kind.COMMENT,
    "pingback": Comment.Kind.PINGBACK,
    "trackback": Comment.Kind.TRACKBACK,
}


@dataclass
class Read:
    """One wp:comment as read from the file."""

    wp_id: str
    parent: str
    fields: dict
    checksum: str
    akismet: str


def _ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _url(value):
    value = value.strip()
    return value[:300] if value.lower().startswith(("http://", "https://")) else ""


def read(element, importer):
    """The comment's fields, or (None, reason) when it cannot be imported."""
    wp_id = text(element, "wp:comment_id")
    approved = text(element, "wp:comment_approved")
    kind = text(element, "wp:comment_type")
    if not wp_id.isdigit():
        return None, gettext("no comment id.")
    if approved not in STATUSES:
        return None, gettext("unknown status “%(status)s”.") % {"status": approved}
    if kind not in KINDS:
        return None, gettext("unknown comment type “%(type)s”.") % {"type": kind}
    if KINDS[kind] != Comment.Kind.COMMENT and importer.skip_pings:
        return None, gettext("pingbacks and trackbacks are skipped (--skip-pings).")
    when = importer.date(element, "wp:comment_date_gmt", "wp:comment_date")
    if when is None:
        return None, gettext("missing date.")
    meta = {
        text(m, "wp:meta_key"): text(m, "wp:meta_value")
        for m in element.findall("wp:commentmeta")
    }
    fields = {
        "author_name": plain_text(text(element, "wp:comment_author"))[:100]
        or gettext("Anonymous"),
        "author_email": text(element, "wp:comment_author_email")[:254],
        "author_url": _url(text(element, "wp:comment_author_url")),
        "ip_address": _ip(text(element, "wp:comment_author_IP")),
        "user_agent": text(element, "wp:comment_agent")[:1000],
        "body": plain_text(text(element, "wp:comment_content")),
        "status": STATUSES[approved],
        "kind": KINDS[kind],
        "created_at": when,
        "user": importer.users_by_wp_id.get(text(element, "wp:comment_user_id")),
        "former_id": int(wp_id),
    }
    checksum = hashlib.sha256(ET.tostring(element)).hexdigest()
    parent = text(element, "wp:comment_parent", "0")
    return Read(wp_id, parent, fields, checksum, meta.get("akismet_result", "")), None


def _generations(comments):
    """
    The comments parents first: a list of lists, each level after its parents.
    A comment whose parent is not among them, or that is part of a loop of
    replies (a broken file), starts a thread of its own.
    """
    by_id = {c.wp_id: c for c in comments}
    depth = {}
    for comment in comments:
        chain, seen, current = [], set(), comment
        # Walk up to a comment whose depth is known, or to the top (no loop:
        # a comment met twice stops the walk). No recursion: threads in a
        # hostile file may be any depth.
        while current.wp_id not in depth and current.wp_id not in seen:
            seen.add(current.wp_id)
            chain.append(current)
            parent = by_id.get(current.parent)
            if parent is None:
                break
            current = parent
        base = depth.get(current.wp_id, -1)
        for offset, found in enumerate(reversed(chain)):
            depth[found.wp_id] = base + 1 + offset
    levels = {}
    for comment in comments:
        levels.setdefault(depth[comment.wp_id], []).append(comment)
    return [levels[n] for n in sorted(levels)]


def import_comments(importer, target, elements, line):
    """Import the comments of ``target`` (an Article or a FlatPage)."""
    report = importer.report
    parsed = []
    for element in elements:
        found, reason = read(element, importer)
        status = STATUSES.get(text(element, "wp:comment_approved"))
        report.read("comment", status.value if status else "?")
        if found is None:
            report.skip("comment", text(element, "wp:comment_id"), reason, line)
        else:
            parsed.append(found)
    if not parsed:
        return
    records = {
        r.wp_id: r
        for r in ImportedItem.objects.filter(
            source=importer.source,
            kind=ImportedItem.Kind.COMMENT,
            wp_id__in=[c.wp_id for c in parsed]
            + [c.parent for c in parsed if c.parent != "0"],
        )
    }
    existing = {
        c.pk: c
        for c in Comment.objects.filter(
            pk__in=[r.object_id for r in records.values() if r.object_id]
        )
    }
    new_ids = {
        wp_id: r.object_id for wp_id, r in records.items() if r.object_id in existing
    }
    on = (
        {"article": target}
        if target._meta.model_name == "article"
        else {"page": target}
    )
    cutoff = timezone.now() - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Comment)
    events, remembered = [], []
    for generation in _generations(parsed):
        created = []
        for comment in generation:
            fields = dict(comment.fields)
            if fields["created_at"] < cutoff:
                fields["ip_address"], fields["user_agent"] = None, ""
            parent_id = new_ids.get(comment.parent) if comment.parent != "0" else None
            if comment.parent not in ("0", "") and parent_id is None:
                report.note(gettext("replies whose parent is missing, kept at the top"))
            record = records.get(comment.wp_id)
            current = existing.get(record.object_id) if record else None
            if current is not None and record.checksum == comment.checksum:
                report.outcome("comment", "unchanged")
                continue
            label = Comment.Status(fields["status"]).label
            if current is not None:
                old_status = current.status
                for name, value in fields.items():
                    setattr(current, name, value)
                current.parent_id = parent_id
                current.save()
                report.outcome("comment", "updated")
                if old_status != current.status:
                    events.append(
                        CommentEvent(
                            comment=current,
                            from_status=old_status,
                            to_status=current.status,
                            message=gettext("updated from WordPress, status %(status)s")
                            % {"status": label},
                        )
                    )
                record.checksum, record.run = comment.checksum, importer.run
                record.save(update_fields=["checksum", "run", "updated_at"])
                continue
            verdict = {"true": Comment.Verdict.SPAM, "false": Comment.Verdict.HAM}
            new = Comment(
                **on,
                **fields,
                parent_id=parent_id,
                check_state=Comment.CheckState.IMPORTED,
                verdict=verdict.get(comment.akismet, ""),
                status_changed_at=now,
                language=settings.LANGUAGE_CODE,
                held_reason=gettext("waiting for moderation on WordPress")
                if fields["status"] == Comment.Status.PENDING
                else "",
            )
            # bulk_create does not call save(), which derives the reader's HTML.
            new.body_html = comment_text_to_html(new.body)
            created.append((comment, new, record))
        Comment.objects.bulk_create([new for _c, new, _r in created])
        for comment, new, record in created:
            new_ids[comment.wp_id] = new.pk
            report.outcome("comment", "imported")
            events.append(
                CommentEvent(
                    comment=new,
                    to_status=new.status,
                    message=gettext("imported from WordPress, status %(status)s")
                    % {"status": Comment.Status(new.status).label},
                )
            )
            if record is not None:
                record.object_id, record.checksum = new.pk, comment.checksum
                record.run = importer.run
                record.save(
                    update_fields=["object_id", "checksum", "run", "updated_at"]
                )
            else:
                remembered.append(
                    ImportedItem(
                        source=importer.source,
                        kind=ImportedItem.Kind.COMMENT,
                        wp_id=comment.wp_id,
                        content_type=content_type,
                        object_id=new.pk,
                        checksum=comment.checksum,
                        run=importer.run,
                    )
                )
    CommentEvent.objects.bulk_create(events)
    ImportedItem.objects.bulk_create(remembered)
