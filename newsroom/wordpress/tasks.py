"""The admin's upload, imported in the background (Django Tasks)."""

import logging
import shutil
import tempfile

from django.core.files.storage import default_storage
from django.tasks import task

from ..models import ImportRun
from . import run as runs
from .reader import WXRError

logger = logging.getLogger(__name__)


@task
def import_upload(run_id):
    """Import the export file uploaded for an ImportRun; the run keeps the report."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:  # already run, or deleted
        return False
    options = run.options
    # The importer reads the file several times: a local copy, wherever the
    # upload is stored (local disk or a bucket).
    with tempfile.NamedTemporaryFile(suffix=".xml") as copy:
        with default_storage.open(run.stored_file, "rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        try:
            runs.execute(
                run,
                copy.name,
                fetch_media=options.get("fetch_media", False),
                skip_pings=options.get("skip_pings", False),
                dry_run=options.get("dry_run", False),
            )
        except WXRError:
            return False  # recorded on the run
        except Exception:
            # Recorded on the run too; the upload's page shows it, never a 500.
            logger.exception("WordPress import %s failed", run.pk)
            return False
    return True
