"""Large imports off the request: a file above settings.IMPORT_BACKGROUND_SIZE is checked, and once
confirmed imported, by the import worker (Django's tasks framework, backported by django-tasks, with
its database queue: `manage.py db_worker`).

Both tasks go through the same pipeline as an import in the request (relations.importing.Import),
with every check and the all-or-nothing write. The reading and the checks write nothing, so they run
outside any transaction and each batch's progress is saved on the kept file at once, for the
admin's progress page to show; the writes are one transaction (Import.write), as always, and the
ImportBatch they record is kept on the kept file for the page to link to.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from ..formats import FORMATS_BY_NAME, ImportFileError
from .preview import Preview


def kept_file(kept_id):
    from ..models import KeptImportFile

    return KeptImportFile.objects.filter(pk=kept_id).select_related("user").first()


def progress_saver(kept):
    """The pipeline's progress callback: saves rows read, and the stage, on the kept file."""
    from ..models import ImportStage

    def save(done, total, writing=False):
        fields = {"rows_done": done, "rows_total": total}
        if writing:
            fields["stage"] = ImportStage.WRITING
        type(kept).objects.filter(pk=kept.pk).update(**fields)

    return save


def run(kept, *, dry_run):
    """Check (dry_run) or import the kept file; the pipeline's Result, or None when the file cannot
    be read (the kept file then says why, and is FAILED)."""
    from ..resources import resource_for

    try:
        dataset = FORMATS_BY_NAME[kept.format]().create_dataset(bytes(kept.data))
    except ImportFileError as error:
        fail(kept, str(error))
        return None
    type(kept).objects.filter(pk=kept.pk).update(rows_total=len(dataset), rows_done=0)
    resource = resource_for(get_model(kept))()
    kwargs = {"user": kept.user, "progress": progress_saver(kept), "file_name": kept.file_name}
    if not dry_run:
        kwargs.update(retain_instance_in_row_result=True, batch_file=(kept.file_name, kept.sha256))
    del kept.data  # the dataset holds the rows now; the worker need not keep the bytes too
    # Straight to the pipeline, not through import_data(), which would hold one transaction around
    # the whole run (and so hide the progress from the admin): the pipeline's writes are one
    # transaction of their own, and the checks write nothing.
    return resource.import_data_inner(
        dataset, dry_run=dry_run, raise_errors=False, using_transactions=False, collect_failed_rows=False, **kwargs
    )


def get_model(kept):
    from django.apps import apps

    return apps.get_model(kept.model)


def fail(kept, message):
    from ..models import ImportStage

    type(kept).objects.filter(pk=kept.pk).update(stage=ImportStage.FAILED, message=message)


@task()
def check_import(kept_id):
    """The preview of a large kept file: every row read and checked, nothing written."""
    from ..models import ImportStage

    kept = kept_file(kept_id)
    if kept is None or kept.stage != ImportStage.QUEUED:
        return None  # cleared (expired) or already checked: nothing to do
    type(kept).objects.filter(pk=kept.pk).update(stage=ImportStage.CHECKING)
    try:
        result = run(kept, dry_run=True)
    except Exception:
        fail(kept, _("The check stopped on an unexpected error; nothing was imported. Try again, or ask for help."))
        raise
    if result is not None:
        type(kept).objects.filter(pk=kept.pk).update(
            stage=ImportStage.CHECKED, preview=Preview(result).as_json(), message=""
        )
    return str(kept_id)


@task()
def run_import(kept_id):
    """The confirmed import of a large kept file: checked again, then written in one transaction."""
    from ..models import ImportStage

    kept = kept_file(kept_id)
    if kept is None or kept.stage != ImportStage.CONFIRMED:
        return None
    type(kept).objects.filter(pk=kept.pk).update(stage=ImportStage.IMPORTING)
    try:
        result = run(kept, dry_run=False)
    except Exception:
        fail(kept, _("The import stopped on an unexpected error; nothing was imported. Try again, or ask for help."))
        raise
    if result is None:
        return None
    if result.has_errors() or result.has_validation_errors():
        # The data changed since the check and a row now fails: nothing was written. The preview
        # says why, and the file can be confirmed again after a fix.
        type(kept).objects.filter(pk=kept.pk).update(
            stage=ImportStage.CHECKED,
            preview=Preview(result).as_json(),
            message=_("Nothing was imported: the file no longer passes the checks. The preview below says why."),
        )
        return None
    with transaction.atomic():
        type(kept).objects.filter(pk=kept.pk).update(stage=ImportStage.IMPORTED, batch=result.batch, data=b"")
    return result.batch.pk if result.batch else None


def enqueue(kept, task_function, stage, *, from_stage=None):
    """Move the kept file to `stage` (only from `from_stage` when given, so a confirmation posted
    twice queues one import) and queue its task; whether it was queued."""
    kept_files = type(kept).objects.filter(pk=kept.pk)
    if from_stage is not None:
        kept_files = kept_files.filter(stage=from_stage)
    if not kept_files.update(stage=stage, rows_done=0, message=""):
        return False
    kept.stage = stage
    task_function.enqueue(str(kept.pk))
    return True
