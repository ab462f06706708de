"""An import run as the admin shows it: started, its progress, then its report."""

from django.utils import timezone
from django.utils.translation import gettext

from ..models import ImportRun
from .importer import Importer
from .reader import WXRError

# The run's progress is written to its row every this many items.
PROGRESS_EVERY = 50


def start(file_name, sha256, *, options=None, by=None, stored_file=""):
    return ImportRun.objects.create(
        file_name=file_name[:255],
        file_sha256=sha256,
        options=options or {},
        started_by=by,
        stored_file=stored_file,
    )


def interrupted_before(run):
    """
    The last earlier run of the same file, if it stopped half-way (killed: still
    "running"; interrupted: failed after importing some items): returned so the
    caller can say this run continues it.
    """
    earlier = (
        ImportRun.objects.filter(file_sha256=run.file_sha256)
        .exclude(pk=run.pk)
        .order_by("-pk")
        .first()
    )
    stopped = earlier is not None and (
        earlier.status == ImportRun.Status.RUNNING
        or (earlier.status == ImportRun.Status.FAILED and earlier.report)
    )
    if not stopped:
        return None
    if earlier.status == ImportRun.Status.RUNNING:
        ImportRun.objects.filter(pk=earlier.pk).update(
            status=ImportRun.Status.FAILED,
            error=gettext("Interrupted; continued by import #%(number)s.")
            % {"number": run.pk},
        )
    return earlier


def execute(run, path, *, progress=None, dry_run=False, **options):
    """
    Import ``path``, keeping ``run`` (if any) up to date; returns the report as
    a dict. A WXRError is recorded on the run and raised again.
    """

    def step(done, total):
        if run is not None and (done % PROGRESS_EVERY == 0 or done == total):
            ImportRun.objects.filter(pk=run.pk).update(items_done=done)
        if progress is not None:
            progress(done, total)

    if run is not None:
        run.status = ImportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    importer = Importer(path, run=run, progress=step, dry_run=dry_run, **options)
    try:
        report = importer.execute().as_dict()
    except WXRError as exc:
        if run is not None:
            run.status = ImportRun.Status.FAILED
            run.error = str(exc)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
        raise
    except BaseException as exc:
        if run is not None:
            run.status = ImportRun.Status.FAILED
            run.error = gettext("Stopped: %(error)s") % {
                "error": str(exc) or type(exc).__name__
            }
            run.report = importer.report.as_dict()
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "report", "finished_at"])
        raise
    if run is not None:
        run.status = ImportRun.Status.DRY_RUN if dry_run else ImportRun.Status.FINISHED
        run.report = report
        run.items_done = importer.done
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "report", "items_done", "finished_at"])
    return report
