"""What the admin's preview shows of a dry run: a summary first, the errors as a table (row as
the spreadsheet numbers it, column, the value given, the message), then the rows that change
something, each as "column: old → new". Unchanged rows are counted, not listed, and both lists
are paged, so a file of any size makes a page of at most settings.IMPORT_PREVIEW_PAGE_SIZE rows.
Everything here is plain text: the template escapes it, once.
"""

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from import_export.results import RowResult


class CellError(NamedTuple):
    row: int
    column: str
    value: str
    message: str


def shown(value):
    """A cell's value as the preview shows it: empty for a missing cell."""
    return "" if value in (None, "---") else str(value)


class Preview:
    def __init__(self, result, page=1, errors_page=1):
        totals = result.totals
        self.new = totals[RowResult.IMPORT_TYPE_NEW]
        self.changed = totals[RowResult.IMPORT_TYPE_UPDATE]
        self.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
        self.invalid = len(result.invalid_rows)
        self.file_errors = [str(error.error) for error in result.base_errors]
        self.has_errors = bool(self.file_errors or self.invalid)
        size = settings.IMPORT_PREVIEW_PAGE_SIZE
        errors = []
        for row in result.invalid_rows:
            cells = dict(zip(result.diff_headers, row.values, strict=True))
            for column, messages in row.error_dict.items():
                name = _("(the whole row)") if column == NON_FIELD_ERRORS else column
                errors.extend(CellError(row.number, name, shown(cells.get(column)), str(m)) for m in messages)
        self.errors = Paginator(errors, size).get_page(errors_page)
        changes = [
            row for row in result.rows if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
        ]
        self.changes = Paginator(changes, size).get_page(page)
