"""The file formats staff import and export, and the public downloads: CSV, XLSX and JSON.

These wrap django-import-export's formats for two reasons:

- **Safe to open.** A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is read as a formula by spreadsheets (CSV injection). On export such a cell gets a
  leading apostrophe, as OWASP advises (django-import-export's own escaping covers only ``=``,
  and deletes it); on import the apostrophe is taken off again, so a round trip is exact.
- **Clear errors.** A file that cannot be read says why, in words a person can act on (which
  line has a byte that is not UTF-8; that an XLSX was chosen as CSV), instead of an exception
  name.
"""

import csv
import io
import json
import zipfile

import tablib
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.forms import ImportForm as BaseImportForm

# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """A file that cannot be read as the format chosen; the message is for the person importing."""


def neutralise(value):
    """A text cell made safe to open in a spreadsheet: "=1+1" becomes "'=1+1".

    A value that already starts with apostrophes before a trigger gets one more, so that
    `unneutralise` gives back exactly the original.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(value):
    """The inverse of `neutralise`, applied to every text cell on import."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def neutralise_dataset(dataset):
    """A copy of a tablib Dataset with every text cell neutralised."""
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


def _decode(data):
    """Bytes as UTF-8 text (with or without a byte-order mark), or an error naming the line."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise ImportFileError(
            _(
                "This is not a text file (it looks like a spreadsheet or another binary file). "
                "Choose the XLSX format for a workbook, or save the sheet as “CSV UTF-8”."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text: line %(line)d has a byte (0x%(byte)02x) that UTF-8 cannot read. "
                "Save it as “CSV UTF-8” and import it again."
            )
            % {"line": line, "byte": data[error.start]}
        ) from None


class CSV(base_formats.CSV):
    """CSV in UTF-8, read with or without a byte-order mark and with any line ends.

    Exported with a byte-order mark, so that Excel shows accented names correctly.
    """

    def is_binary(self):
        # Read as bytes, so that this class (not the temporary storage) decodes it and can say
        # which line is not UTF-8.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = _decode(in_stream)
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ImportFileError(_("This file cannot be read as CSV: %(error)s.") % {"error": error}) from None
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if len(rows) - 1 > settings.IMPORT_MAX_ROWS:
            raise too_many_rows(len(rows) - 1)
        if not rows:
            raise ImportFileError(_("The file is empty."))
        headers = [cell.strip() for cell in rows[0]]
        dataset = tablib.Dataset(headers=headers)
        for number, row in enumerate(rows[1:], 2):
            if len(row) > len(headers) and any(cell.strip() for cell in row[len(headers) :]):
                raise ImportFileError(
                    _("Row %(row)d has %(count)d cells but the header row names only %(columns)d columns.")
                    % {"row": number, "count": len(row), "columns": len(headers)}
                )
            dataset.append((row + [""] * len(headers))[: len(headers)])
        return dataset

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + neutralise_dataset(dataset).export("csv", **kwargs)


def too_many_rows(count):
    return ImportFileError(
        _("This file has %(count)s rows; an import takes at most %(limit)s. Split it into smaller files.")
        % {
            "count": number_format(count, force_grouping=True),
            "limit": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
        }
    )


class XLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook.

    Read with openpyxl in read-only mode, row by row: a sheet whose declared size (its dimension)
    is over settings.IMPORT_MAX_ROWS is refused before a row is read, and one that declares none
    or too few is refused as soon as a row over the limit is read. Blank rows are left out.
    """

    def create_dataset(self, in_stream):
        if not in_stream:
            raise ImportFileError(_("The file is empty."))
        try:
            return self.read(in_stream)
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError, IndexError):
            # SyntaxError: xml.etree's ParseError, for a workbook whose XML is damaged.
            raise ImportFileError(
                _(
                    "This file is not an Excel workbook (.xlsx), or it is damaged. "
                    "Choose the format the file is saved in."
                )
            ) from None

    @staticmethod
    def read(in_stream):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        sheet = book.active
        limit = settings.IMPORT_MAX_ROWS
        if sheet.max_row is not None and sheet.max_row - 1 > limit:  # the declared dimension, read first
            raise ImportFileError(
                _(
                    "This workbook's sheet declares %(count)s rows (blank ones count too); an import takes at "
                    "most %(limit)s. Delete the blank rows under the data, or split it into smaller files."
                )
                % {
                    "count": number_format(sheet.max_row, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
            )
        rows = sheet.iter_rows(values_only=True)
        headers = next(rows, None)
        headers = [str(cell).strip() if cell is not None else "" for cell in headers or ()]
        if not any(headers):
            raise ImportFileError(_("The file is empty."))
        dataset = tablib.Dataset(headers=headers)
        width = len(headers)
        for number, row in enumerate(rows, 2):
            if number - 1 > limit:
                raise too_many_rows(number - 1)
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            dataset.append((tuple(row) + (None,) * width)[:width])
        return dataset

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralise_dataset(dataset), **kwargs)


class JSON(base_formats.JSON):
    """A JSON array of objects, one per record, keyed by column."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = _decode(in_stream)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError(
                _("This file is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ) from None
        except RecursionError:
            raise ImportFileError(_("This file is not a table of records: its JSON is nested too deeply.")) from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ImportFileError(_("The JSON file must be an array of objects, one per record."))
        if not data:
            raise ImportFileError(_("The file is empty."))
        if len(data) > settings.IMPORT_MAX_ROWS:
            raise too_many_rows(len(data))
        headers = list(dict.fromkeys(key for item in data for key in item))
        dataset = tablib.Dataset(headers=headers)
        for number, item in enumerate(data, 2):
            for column, value in item.items():
                if isinstance(value, dict | list):
                    raise ImportFileError(
                        _(
                            "Row %(row)d (record %(record)d of the file), column “%(column)s”: a cell holds text, a "
                            "number, true, false or null, not a list or an object."
                        )
                        % {"row": number, "record": number - 1, "column": column}
                    )
            dataset.append([item.get(header, "") for header in headers])
        return dataset

    def export_data(self, dataset, **kwargs):
        return json.dumps(dataset.dict, ensure_ascii=False, indent=1, default=str)


FORMATS = [CSV, XLSX, JSON]
FORMATS_BY_NAME = {"csv": CSV, "xlsx": XLSX, "json": JSON}


class ImportForm(BaseImportForm):
    """django-import-export's import form, with the size limit stated and enforced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8), Excel workbook (.xlsx) or JSON, at most %(size)s. The first row names the columns; "
            "several values in one cell are separated by semicolons. Nothing is written until you confirm the preview."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_UPLOAD_SIZE)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        if upload.size > limit:
            # In bytes too: 10.5 million bytes and the 10 MB limit both round to "10.0 MB".
            raise forms.ValidationError(
                _(
                    "This file is %(size)s (%(bytes)s bytes); the limit is %(limit)s (%(limit_bytes)s bytes). "
                    "Split it into smaller files."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "bytes": number_format(upload.size, force_grouping=True),
                    "limit": filesizeformat(limit),
                    "limit_bytes": number_format(limit, force_grouping=True),
                }
            )
        return upload
