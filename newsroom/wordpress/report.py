"""What an import did, kind by kind: printed at the end and kept on the ImportRun."""

from collections import Counter, defaultdict

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

# At most this many skipped items are listed one by one; the others are counted.
MAX_LISTED = 500

KINDS = {
    "author": gettext_lazy("authors"),
    "category": gettext_lazy("categories"),
    "tag": gettext_lazy("tags"),
    "post": gettext_lazy("posts"),
    "page": gettext_lazy("pages"),
    "attachment": gettext_lazy("attachments"),
    "comment": gettext_lazy("comments"),
    "other": gettext_lazy("other items"),
}
OUTCOMES = {
    "read": pgettext_lazy("import report", "read"),
    "imported": pgettext_lazy("import report", "imported"),
    "updated": pgettext_lazy("import report", "updated"),
    "unchanged": pgettext_lazy("import report", "unchanged"),
    "skipped": pgettext_lazy("import report", "skipped"),
}


class Report:
    """Counts by kind and status, skipped items with reasons, and notes."""

    def __init__(self):
        self.counts = defaultdict(Counter)  # kind -> outcome -> n
        self.statuses = defaultdict(Counter)  # kind -> status read -> n
        self.skipped = []  # {"kind", "id", "line", "reason"}
        self.skipped_unlisted = 0
        self.notes = Counter()  # note -> n (removed shortcodes, taxonomies...)
        self.redirects = 0

    def read(self, kind, status=""):
        self.counts[kind]["read"] += 1
        if status:
            self.statuses[kind][status] += 1

    def outcome(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def skip(self, kind, wp_id, reason, line=None):
        self.counts[kind]["skipped"] += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(
                {"kind": kind, "id": str(wp_id), "line": line, "reason": str(reason)}
            )
        else:
            self.skipped_unlisted += 1

    def note(self, text, count=1):
        self.notes[str(text)] += count

    def as_dict(self):
        return {
            "counts": {kind: dict(c) for kind, c in self.counts.items()},
            "statuses": {kind: dict(c) for kind, c in self.statuses.items()},
            "skipped": self.skipped,
            "skipped_unlisted": self.skipped_unlisted,
            "notes": dict(self.notes),
            "redirects": self.redirects,
        }


def lines(data):
    """The report (as stored) as lines of text for people."""
    out = []
    counts = data.get("counts", {})
    statuses = data.get("statuses", {})
    for kind, label in KINDS.items():
        found = counts.get(kind)
        if not found:
            continue
        parts = [
            f"{OUTCOMES[outcome]} {found[outcome]}"
            for outcome in OUTCOMES
            if found.get(outcome)
        ]
        line = f"{label}: " + ", ".join(parts)
        if statuses.get(kind):
            by_status = ", ".join(
                f"{status} {n}" for status, n in sorted(statuses[kind].items())
            )
            line += f" ({by_status})"
        out.append(line)
    out.append(
        gettext("redirects created: %(count)s") % {"count": data.get("redirects", 0)}
    )
    for note, n in sorted(data.get("notes", {}).items()):
        out.append(f"{note}: {n}")
    skipped = data.get("skipped", [])
    if skipped:
        out.append(gettext("Skipped:"))
    for item in skipped:
        where = (
            gettext("line %(line)s") % {"line": item["line"]} if item["line"] else ""
        )
        label = KINDS.get(item["kind"], item["kind"])
        out.append(
            f"  {label} {item['id']} {where}: {item['reason']}".replace("  :", ":")
        )
    if data.get("skipped_unlisted"):
        out.append(
            gettext("  … and %(count)s more.") % {"count": data["skipped_unlisted"]}
        )
    return out
