"""Reading a file's rows: each cell as the model field's value, checked as the field checks it."""

import decimal
import math
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ..dates import parse_precise_date
from ..formats import unneutralise
from ..text import plain_text
from .columns import SEPARATOR

#: What reading a cell may raise: each is reported as the cell's error.
CELL_ERRORS = (ValidationError, ValueError, TypeError, OverflowError, decimal.InvalidOperation)


class PendingRow:
    """One row of a file on its way through the import."""

    __slots__ = (
        "bookkeeping",
        "changed",
        "errors",
        "instance",
        "key",
        "m2m",
        "new",
        "number",
        "original",
        "row",
        "row_result",
        "self_refs",
        "status",
    )

    def __init__(self, number, row):
        self.number = number  # as a spreadsheet numbers it: the header is row 1
        self.row = row
        self.errors = defaultdict(list)
        self.m2m = {}
        self.self_refs = {}
        self.changed = set()
        self.bookkeeping = {}  # fields the writer sets itself (updated_at), as they were


def cell(value):
    """A cell's text: stripped, spreadsheet neutralisation undone, None for an empty cell."""
    if value.__class__ is str:
        value = value.strip()
        if value[:1] == "'":
            value = unneutralise(value)
        return value or None
    return value


def split(column, value):
    """The natural keys a relation's cell names: one, or several separated by `SEPARATOR`."""
    value = cell(value)
    if value is None:
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not column.many:
        return [str(value)]
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


def read_plain(column, value):
    """A cell as the model field's value, validated as the field's own clean() would.

    The same checks as Model.clean_fields() (to_python, blank, choices, validators), done
    once per cell rather than once more over every field of the model.
    """
    value = cell(value)
    field = column.model_field
    if isinstance(value, float) and not math.isfinite(value):  # JSON's 1e400 is read as infinity
        raise ValidationError(_("“%(value)s” is not a number that can be stored.") % {"value": value})
    if value is None:
        if not field.blank:
            raise ValidationError(_("This column cannot be empty."))
        return None if field.null else ""
    if column.text and not isinstance(value, str):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    elif column.number and isinstance(value, str):
        value = value.replace(",", "").replace(" ", "").replace("$", "")
    elif isinstance(value, float) and isinstance(field, models.DecimalField):
        value = decimal.Decimal(repr(value))
    if column.text:
        # Without the control characters pasted text brings, as the admin's forms clean it.
        value = plain_text(value, multiline=isinstance(field, models.TextField))
    if column.choices is not None and value not in column.choices:
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(column.choices)}
        )
    value = field.to_python(value)
    if value not in field.empty_values:
        for validator in column.validators:
            validator(value)
    return value


def snapshot(instance, columns, current_m2m):
    """{field name: value} of an instance before the file changes it."""
    values = {}
    for column in columns:
        if column.many:
            current = current_m2m[column.attribute].get(instance.pk, ()) if instance.pk else ()
            values[column.attribute] = frozenset(current)
        else:
            values[column.model_field.name] = getattr(instance, column.model_field.attname)
            if column.precision:
                values[column.precision] = getattr(instance, column.precision)
    return values


def values(column, item):
    """{field name: value} a column sets: a date sets its precision too; a relation, its pks."""
    if column.many:
        return {column.attribute: item.m2m.get(column.attribute, frozenset())}
    found = {column.model_field.name: getattr(item.instance, column.model_field.attname)}
    if column.precision:
        found[column.precision] = getattr(item.instance, column.precision)
    return found


def changes(item, columns):
    """The fields a row of an existing record changes (what its permissions are judged on)."""
    changed = set()
    if item.new:
        return changed
    for column in columns:
        for name, value in values(column, item).items():
            if not same(value, item.original[name]) or column.attribute in item.self_refs:
                changed.add(name)
    return changed


def same(new, old):
    """Whether a cell's value is the stored one; text line ends aside (a workbook saves "\r\n" as
    "\n", so a round trip through Excel would otherwise change every multi-line text)."""
    if new.__class__ is str and old.__class__ is str:
        return new == old or new.replace("\r\n", "\n") == old.replace("\r\n", "\n")
    return new == old


class RowReader:
    """Sets a row's cells on its instance, relations by the natural keys `lookups` fetched."""

    def __init__(self, model, lookups):
        self.model = model
        self.lookups = lookups

    def read_key(self, item, key_columns):
        """A row's natural key as stored (slug, or a tuple of values and pks); None if unreadable."""
        found = []
        for column in key_columns:
            value = cell(item.row.get(column.name))
            try:
                if value is None:
                    pass
                elif column.related:
                    value = self.lookups.pk(column, split(column, value)[0])
                    if value is None:
                        return None
                elif column.precision:
                    value = parse_precise_date(value)[0]
                else:
                    value = read_plain(column, value)
            except CELL_ERRORS:
                return None
            found.append(value)
        if len(found) == 1:
            return found[0] if found[0] not in (None, "") else None
        return tuple(found)

    def read_row(self, item, columns):
        """Set the row's values on its instance; collect each column's errors."""
        precisions = {}
        for column in columns:
            raw = item.row.get(column.name)
            try:
                if column.precision:
                    self.read_date(item, column, raw, precisions)
                elif column.related:
                    self.read_related(item, column, raw)
                elif item.new and cell(raw) is None and column.model_field.has_default():
                    pass  # a new record's empty cell keeps the field's default (a draft's status)
                else:
                    setattr(item.instance, column.attribute, read_plain(column, raw))
            except CELL_ERRORS as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                item.errors[column.name].extend(messages)

    @staticmethod
    def read_date(item, column, raw, precisions):
        """A date and its precision; the dates of a record that share a precision field share it."""
        value = cell(raw)
        if value is None and not column.model_field.null:
            raise ValidationError(_("This column cannot be empty."))
        date, precision = parse_precise_date(value) if value is not None else (None, None)
        if precision and precisions.setdefault(column.precision, precision) != precision:
            raise ValidationError(
                _("Give this date to the same precision (year, month or day) as the other dates of the record.")
            )
        setattr(item.instance, column.attribute, date)
        if precision:
            setattr(item.instance, column.precision, precision)

    def read_related(self, item, column, raw):
        pks = set()
        for value in split(column, raw):
            pk = self.lookups.pk(column, value)
            if pk is None and column.related is self.model:
                item.self_refs[column.attribute] = value  # may be a record of this same file
                continue
            if pk is None:
                raise ValidationError(
                    _("No %(model)s has the %(key)s “%(value)s”.")
                    % {
                        "model": column.related._meta.verbose_name,
                        "key": column.related._meta.get_field(column.key).verbose_name,
                        "value": value,
                    }
                )
            pks.add(pk)
        if column.many:
            item.m2m[column.attribute] = frozenset(pks)
        elif not pks and not item.self_refs.get(column.attribute) and not column.model_field.null:
            raise ValidationError(_("This column cannot be empty."))
        else:
            setattr(item.instance, column.model_field.attname, next(iter(pks), None))
