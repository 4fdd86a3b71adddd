"""Each row's outcome in django-import-export's own `Result`: new, updated, skipped or invalid, and
the preview's diff, so that the admin's preview and confirmation work unchanged."""

from django.core.exceptions import ValidationError
from import_export.results import RowResult

from ..dates import iso_date
from .columns import SEPARATOR
from .reading import cell


class RowResults:
    def __init__(self, resource, lookups, dry_run, store_instance):
        self.resource = resource
        self.lookups = lookups
        self.dry_run = dry_run
        self.store_instance = store_instance
        self.skip_diff = resource._meta.skip_diff
        self.key_columns = resource.key_columns()
        self.report_skipped = resource._meta.report_skipped

    def add(self, result, item, collect_failed_rows):
        """Record the row's outcome in `result`; for a row that is not new, what it changes."""
        row_result = item.row_result = self.resource.get_row_result_class()()
        row_result.number = item.number  # as the spreadsheet numbers it, for the preview
        row_result.key = ", ".join(str(cell(item.row.get(column.name)) or "") for column in self.key_columns)
        if item.errors:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(dict(item.errors))
            result.append_invalid_row(item.number, item.row, row_result.validation_error)
            if collect_failed_rows:
                result.append_failed_row(item.row, row_result.validation_error)
        if not item.errors:
            if item.new:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
            elif item.changed:
                row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            if self.dry_run:  # only the preview shows these; an import sets them once written
                if not self.skip_diff:
                    row_result.diff = self.row_diff(item)
                row_result.add_instance_info(item.instance)
            if self.store_instance:
                row_result.instance = item.instance
        result.increment_row_result_total(row_result)
        if row_result.import_type != RowResult.IMPORT_TYPE_SKIP or self.report_skipped:
            result.append_row_result(row_result)

    def row_diff(self, item):
        """What the preview shows of a row: [(column, old, new)] for each cell a row changes, or
        [(column, None, new)] for each filled cell of a new row. Plain text: the template escapes it,
        once."""
        cells = []
        by_name = {column.name: column for column in self.resource.columns()}
        for column in (by_name[name] for name in self.resource.get_diff_headers()):
            if column.name not in item.row:
                continue
            new = cell(item.row.get(column.name))
            new = "" if new is None else str(new)
            if item.new:
                if new:
                    cells.append((column.name, None, new))
            elif column.attribute in item.changed:
                cells.append((column.name, self.describe(column, item), new))
        return cells

    def describe(self, column, item):
        """The value a row replaces, as an export would show it."""
        value = item.original[column.attribute]
        if column.precision:
            return iso_date(value, item.original[column.precision]) or ""
        if column.related:
            keys = self.lookups.natural_keys(column)
            if column.many:
                return f"{SEPARATOR} ".join(sorted(str(keys.get(pk, "?")) for pk in value))
            return "" if value is None else str(keys.get(value, "?"))
        return "" if value is None else str(value)
