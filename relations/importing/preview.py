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


#: The most errors and changes a background check keeps for its preview (the counts are exact).
KEPT_ROWS = 1000


class Preview:
    def __init__(self, result, page=1, errors_page=1):
        if result is None:  # from_json
            return
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

    def as_json(self):
        """What a background check keeps of its preview: the counts, the file's errors, and the first
        KEPT_ROWS errors and changes (the page says when there are more)."""
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "file_errors": self.file_errors,
            "errors": [list(error) for error in self.errors.paginator.object_list[:KEPT_ROWS]],
            "error_count": self.errors.paginator.count,
            "changes": [
                {
                    "number": row.number,
                    "key": str(row.key),
                    "import_type": row.import_type,
                    "diff": [[str(c), shown(old), shown(new)] for c, old, new in row.diff],
                }
                for row in self.changes.paginator.object_list[:KEPT_ROWS]
            ],
            "change_count": self.changes.paginator.count,
        }

    @classmethod
    def from_json(cls, data, page=1, errors_page=1):
        """The preview a background check kept (as_json), paged like one computed in the request."""
        preview = cls(None)
        for name in ("new", "changed", "unchanged", "invalid", "file_errors"):
            setattr(preview, name, data[name])
        preview.has_errors = bool(preview.file_errors or preview.invalid)
        size = settings.IMPORT_PREVIEW_PAGE_SIZE
        preview.errors = Paginator([CellError(*error) for error in data["errors"]], size).get_page(errors_page)
        preview.changes = Paginator(data["changes"], size).get_page(page)
        preview.errors_left_out = data["error_count"] - len(data["errors"])
        preview.changes_left_out = data["change_count"] - len(data["changes"])
        return preview
