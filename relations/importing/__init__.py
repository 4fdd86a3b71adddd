"""The fast import: rows parsed once -> lookups -> checks -> writer.

The import does not go row by row through django-import-export's per-row saves (one query or
more per row). `Import.run` reads the whole file first (relations.importing.reading): related
records and existing instances are fetched in one query per batch of rows (lookups), every row is
validated (field validators, choices, the model's ``clean()``, the database's check constraints
restated in Python, the editorial workflow's rules) and uniqueness is checked on sets (checks),
and only when **no row** has an error are the changes written, in bulk, in one transaction
(writer), after which the public pages' cache is dropped, once. It returns django-import-export's
own ``Result`` (results), so the admin's preview (new / updated / skipped / invalid rows) and
confirmation work unchanged.
"""

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from import_export import exceptions

from .. import cache
from ..formats import ImportFileError
from ..search import index as search_index
from . import batches
from .checks import RowChecks, file_errors
from .columns import batched
from .lookups import Lookups
from .reading import PendingRow, RowReader, changes, snapshot
from .results import RowResults
from .writer import Writer


class Import:
    """One import of a dataset through a resource (relations.resources.RelationsResource)."""

    def __init__(
        self, resource, *, dry_run, user=None, store_instance=False, batch_file=None, progress=None, file_name=None
    ):
        self.resource = resource
        # Called with (rows read, rows) after each batch of rows, and with (rows, rows, True) just
        # before the writes: how a background import shows its progress (relations.importing.tasks).
        self.progress = progress
        self.model = resource._meta.model
        self.dry_run = dry_run
        # (file name, SHA-256) of a confirmed import to record as an ImportBatch (relations.importing.batches)
        self.batch_file = batch_file
        self.batch_size = resource._meta.batch_size
        self.key_columns = resource.key_columns()
        self.lookups = Lookups(self.model, self.batch_size)
        self.reader = RowReader(self.model, self.lookups)
        self.checks = RowChecks(resource, user, self.lookups)
        self.results = RowResults(resource, self.lookups, dry_run, store_instance)
        self.writer = Writer(self.model, self.key_columns, self.batch_size, user, file_name)

    def run(self, dataset, raise_errors=False, collect_failed_rows=False):
        resource = self.resource
        result = resource.get_result_class()()
        result.diff_headers = resource.get_diff_headers()
        result.total_rows = len(dataset)

        headers = [str(header).strip() if header is not None else "" for header in dataset.headers or []]
        if messages := file_errors(resource, dataset, headers):
            for message in messages:
                result.append_base_error(resource.get_error_result_class()(ImportFileError(message)))
            if raise_errors:
                raise exceptions.ImportError(ImportFileError(" ".join(messages)))
            return result

        columns = [column for column in resource.columns() if column.name in headers]
        pending = []
        seen_keys = {}
        for batch in batched(enumerate(dataset.dict, 2), self.batch_size):
            pending_batch = [PendingRow(number, row) for number, row in batch]
            self.read_batch(pending_batch, columns, seen_keys)
            pending.extend(pending_batch)
            if self.progress is not None:
                self.progress(len(pending), result.total_rows)
        self.checks.check_unique(pending, columns, self.key_columns)
        self.checks.check_self_references(pending, seen_keys)
        self.checks.check_cycles(pending, columns)
        if self.dry_run and not resource._meta.skip_diff:
            self.lookups.fetch_replaced_keys(pending, columns)

        for item in pending:
            self.results.add(result, item, collect_failed_rows)

        failed = result.has_errors() or result.has_validation_errors()
        if failed and raise_errors:
            first = (result.invalid_rows or result.error_rows)[0]
            raise exceptions.ImportError(getattr(first, "error", None) or first.errors[0].error, number=first.number)
        if not failed and not self.dry_run:
            if self.progress is not None:
                self.progress(len(pending), result.total_rows, True)
            self.write(result, pending, columns, raise_errors)
        return result

    def read_batch(self, batch, columns, seen_keys):
        """Read a batch of rows: the only queries before the writes are here (one per table)."""
        self.lookups.fetch_related(batch, columns)
        for item in batch:
            item.key = self.reader.read_key(item, self.key_columns)
            if item.key is not None:  # an unreadable key's cells are reported like any other
                self.checks.check_key(item, self.key_columns, seen_keys)

        existing = self.lookups.fetch_existing([item.key for item in batch if item.key is not None], self.key_columns)
        current_m2m = self.lookups.fetch_relations(columns, [instance.pk for instance in existing.values()])
        for item in batch:
            instance = existing.get(item.key)
            item.new = instance is None
            item.instance = self.model() if item.new else instance
            item.original = {} if item.new else snapshot(item.instance, columns, current_m2m)
            if self.batch_file is not None and not item.new and hasattr(instance, "updated_at"):
                item.bookkeeping["updated_at"] = instance.updated_at
            item.status = getattr(instance, "publication_status", None)
            self.reader.read_row(item, columns)
            item.changed = changes(item, columns)
            self.checks.validate(item)

    def write(self, result, pending, columns, raise_errors):
        """Write every row in one transaction, then drop the public pages' cache (bulk writes send no
        signal): now, and again when the transaction commits (relations.cache.bump)."""
        try:
            with transaction.atomic(using=self.resource.get_db_connection_name()):
                self.writer.write(pending, columns)
                if self.batch_file is not None:
                    result.batch = batches.record(self.model, self.writer.user, *self.batch_file, pending, columns)
                cache.bump()
                # Bulk writes send no signal either: what they touched is indexed on commit.
                for item in pending:
                    search_index.mark_changed(item.instance)
        except DatabaseError as error:
            # The checks should have caught everything the database refuses; if they did not,
            # nothing is written and the person importing is told.
            message = _("The database refused the import, so nothing was written: %(error)s") % {"error": error}
            result.append_base_error(self.resource.get_error_result_class()(ImportFileError(message)))
            if raise_errors:
                raise exceptions.ImportError(ImportFileError(message)) from error
        else:
            for item in pending:
                item.row_result.add_instance_info(item.instance)
