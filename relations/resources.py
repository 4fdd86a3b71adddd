"""django-import-export resources: the columns of every import and export, and the fast import.

One base resource, `RelationsResource`, serves the admin, the management commands and the public
downloads. Its columns:

- Relations are named by **natural key**: countries by ISO code ("ID"), tracks by number, and
  organisations, pillars, sources and records by slug. Heads of mission and citations, which
  have no slug, are known by composite natural keys (mission, name, start date; source, record,
  locator). Many-to-many values share one cell,
  separated by a semicolon: ``ID; PH; VN`` (`SEPARATOR`).
- A date carries its precision in its form: "1986" (year), "2014-08" (month), "2016-08-04" (day).
  Re-typed forms a spreadsheet may save are read too ("2016/8/4", "4 August 2016", "Aug 2014").
- Amounts are a number and a currency code in two columns (``amount``, ``currency``).
- ``import_id_fields`` is the natural key, so re-importing an edited export updates records
  instead of duplicating them; rows that change nothing are reported as skipped.

The import does not go row by row through django-import-export's per-row saves (one query or
more per row). `RelationsResource.import_data_inner` reads the whole file first: related records
and existing instances are fetched in one query per batch of rows, uniqueness is checked on sets,
every row is validated (field validators, choices, the model's ``clean()``, the database's check
constraints restated in Python), and only when **no row** has an error are the changes written,
in bulk, in one transaction. It returns django-import-export's own ``Result``, so the admin's
preview (new / updated / skipped / invalid rows) and confirmation work unchanged.

Every database write of an import is in three methods, kept small so that they can be switched
to django-simple-history's ``bulk_create_with_history`` / ``bulk_update_with_history``:
`RelationsResource.insert_records`, `RelationsResource.update_records` and
`RelationsResource.replace_relations`.
"""

import copy
import decimal
import html
import re
from collections import defaultdict
from itertools import islice

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from import_export import exceptions, fields, resources
from import_export.results import RowResult
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .cache import bump as drop_page_cache
from .dates import iso_date, parse_precise_date
from .formats import ImportFileError, unneutralise
from .i18n import in_both_languages
from .models import (
    CITED_FIELDS,
    CONTENT_MODELS,
    PUBLIC_STATUSES,
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
)

#: Separates the values of a many-to-many column in one cell: "ID; PH; VN".
SEPARATOR = ";"

#: Rows per UPDATE. bulk_update() writes one CASE WHEN branch per row for each field, which the
#: database evaluates for every row of the batch: smaller batches than inserts are faster.
UPDATE_BATCH_SIZE = 250

# ---------------------------------------------------------------------------------------------
# Dates at their precision
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Widgets: export representation (the import reads cells in `RelationsResource`)
# ---------------------------------------------------------------------------------------------


class NaturalKeyWidget(ForeignKeyWidget):
    """A foreign key written as the related record's natural key: "ID", "3", "asean"."""


class NaturalKeysWidget(ManyToManyWidget):
    """Many related records in one cell, by natural key, sorted, separated by `SEPARATOR`."""

    def __init__(self, model, field):
        super().__init__(model, separator=SEPARATOR, field=field)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{SEPARATOR} ".join(sorted(str(getattr(related, self.field)) for related in value.all()))


class PreciseDateField(fields.Field):
    """A date column whose form gives its precision; the precision is stored in its own field."""

    def __init__(self, attribute, precision):
        super().__init__(attribute=attribute, column_name=attribute)
        self.precision = precision

    def export(self, instance, **kwargs):
        return iso_date(getattr(instance, self.attribute), getattr(instance, self.precision)) or ""


def natural_key(attribute, model, key):
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeyWidget(model, field=key))


def natural_keys(attribute, model, key):
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeysWidget(model, field=key))


# ---------------------------------------------------------------------------------------------
# The base resource and its fast import
# ---------------------------------------------------------------------------------------------


class Column:
    """How one column of a file maps to the model: a plain field, a natural key or keys, a date."""

    def __init__(self, resource_field, model):
        self.name = resource_field.column_name
        self.attribute = resource_field.attribute
        self.field = resource_field
        self.model_field = model._meta.get_field(self.attribute)
        self.precision = getattr(resource_field, "precision", None)
        field = self.model_field
        self.choices = (
            dict.fromkeys(str(choice) for choice, _label in field.flatchoices if choice) if field.choices else None
        )
        self.text = isinstance(field, models.CharField | models.TextField)
        self.number = isinstance(field, models.IntegerField | models.DecimalField)
        self.validators = [resolved(validator) for validator in field.validators]
        widget = resource_field.widget
        self.many = isinstance(widget, ManyToManyWidget)
        self.related = widget.model if isinstance(widget, ForeignKeyWidget | ManyToManyWidget) else None
        self.key = widget.field if self.related else None
        if self.many:
            m2m = self.model_field
            self.through = m2m.remote_field.through
            self.source_column = f"{m2m.m2m_field_name()}_id"
            self.target_column = f"{m2m.m2m_reverse_field_name()}_id"

    @property
    def required(self):
        """A column every file must have: a field that cannot be blank and has no default."""
        field = self.model_field
        return not (self.many or field.blank or field.has_default() or field.null)


def resolved(validator):
    """A validator whose lazily compiled regular expression is compiled now.

    Django compiles a RegexValidator's pattern on first use behind a lazy object, whose every
    attribute access costs a Python call: noticeable a hundred thousand cells into an import.
    """
    if isinstance(validator, RegexValidator):
        validator = copy.copy(validator)
        validator.regex = re.compile(validator.regex.pattern, validator.regex.flags)
    return validator


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class PendingRow:
    """One row of a file on its way through the import."""

    __slots__ = (
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
        "was_public",
    )

    def __init__(self, number, row):
        self.number = number  # as a spreadsheet numbers it: the header is row 1
        self.row = row
        self.errors = defaultdict(list)
        self.m2m = {}
        self.self_refs = {}
        self.changed = set()


class RelationsResource(resources.ModelResource):
    """What every resource of the registry shares: natural keys, safe text, the fast import."""

    #: Pairs (earlier, later) of fields where the later may not come before the earlier.
    ordered_pairs = ()
    #: Foreign keys to the content record a row is part of (a citation's, a head of mission's):
    #: changing the part changes what that record shows, so its publish permission applies.
    record_fields = ()

    class Meta:
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        batch_size = 1000

    # -- export --------------------------------------------------------------------------------

    def get_queryset(self):
        # Ties broken by id, so that an export is the same file every time.
        return self._meta.model._default_manager.order_by(*self._meta.model._meta.ordering, "pk")

    def filter_export(self, queryset, **kwargs):
        """Fetch related records with the rows: one query per relation, not per row."""
        columns = self.columns()
        queryset = queryset.select_related(*(c.attribute for c in columns if c.related and not c.many))
        return queryset.prefetch_related(*(c.attribute for c in columns if c.many))

    def iter_queryset(self, queryset):
        # Django's iterator() keeps prefetch_related when given a chunk size; the stock resource
        # pages with OFFSET instead, which slows down as the table grows.
        yield from queryset.iterator(chunk_size=2000)

    def export_field(self, field, instance, **kwargs):
        if isinstance(field, PreciseDateField) or isinstance(field.widget, ManyToManyWidget):
            return field.export(instance)
        value = field.get_value(instance)
        if isinstance(field.widget, ForeignKeyWidget):
            value = getattr(value, field.widget.field) if value is not None else None
        return "" if value is None else str(value)

    # -- the columns ------------------------------------------------------------------------------

    @classmethod
    def columns(cls):
        if "_columns" not in cls.__dict__:
            model = cls._meta.model
            cls._columns = [
                Column(field, model) for field in cls.fields.values() if not field.readonly and field.attribute
            ]
        return cls._columns

    def key_columns(self):
        """The columns of the natural key (`import_id_fields`): one, or several for a citation."""
        attributes = [self.fields[name].attribute for name in self.get_import_id_fields()]
        return [next(column for column in self.columns() if column.attribute == name) for name in attributes]

    def key_column(self):
        (column,) = self.key_columns()
        return column

    def check_headers(self, headers):
        """Messages for a header row that lacks a required column or has one this resource does not know."""
        known = {column.name: column for column in self.columns()}
        messages = []
        seen = set()
        for header in headers:
            if not header:
                continue  # an unnamed column: refused in `import_data_inner` only if it holds values
            if header in seen:
                messages.append(_("Row 1 (the header) names the column “%(column)s” twice.") % {"column": header})
            seen.add(header)
            if header not in known:
                messages.append(
                    _("Row 1 (the header): “%(column)s” is not a column of %(model)s. The columns are: %(columns)s.")
                    % {
                        "column": header,
                        "model": self._meta.model._meta.verbose_name_plural,
                        "columns": ", ".join(known),
                    }
                )
        for name, column in known.items():
            key = column in self.key_columns() and not column.model_field.null
            if (column.required or key) and name not in seen:
                messages.append(
                    _("Row 1 (the header): the required column “%(column)s” is missing.") % {"column": name}
                )
        return messages

    # -- import --------------------------------------------------------------------------------

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        self._store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)

        headers = [str(header).strip() if header is not None else "" for header in dataset.headers or []]
        messages = self.check_headers(headers) if headers else [_("The file is empty.")]
        for index, header in enumerate(headers):
            if not header and any(self.cell(row[index]) is not None for row in dataset):
                messages.append(
                    _("Row 1 (the header): column %(number)d has values but no name.") % {"number": index + 1}
                )
        if not messages and not len(dataset):
            messages = [_("The file has a header row but no records under it.")]
        if messages:
            for message in messages:
                result.append_base_error(self.get_error_result_class()(ImportFileError(message)))
            if raise_errors:
                raise exceptions.ImportError(ImportFileError(" ".join(messages)))
            return result

        columns = [column for column in self.columns() if column.name in headers]
        self.column_names = {column.attribute: column.name for column in self.columns()}
        self._dry_run = dry_run
        self._user = kwargs.get("user")
        self._public = defaultdict(set)  # content model -> pks of public records named in the file
        self._cache = defaultdict(dict)  # (model, key field) -> {natural key: pk}
        pending = []
        seen_keys = {}
        for batch in batched(enumerate(dataset.dict, 2), self._meta.batch_size):
            pending_batch = [PendingRow(number, row) for number, row in batch]
            self.read_batch(pending_batch, columns, seen_keys)
            pending.extend(pending_batch)
        self.check_unique(pending, columns)
        self.check_self_references(pending, seen_keys)
        if dry_run and not self._meta.skip_diff:
            self.fetch_replaced_keys(pending, columns)

        for item in pending:
            self.add_row_result(result, item, collect_failed_rows)

        failed = result.has_errors() or result.has_validation_errors()
        if failed and raise_errors:
            first = (result.invalid_rows or result.error_rows)[0]
            raise exceptions.ImportError(getattr(first, "error", None) or first.errors[0].error, number=first.number)
        if not failed and not dry_run:
            try:
                with transaction.atomic(using=self.get_db_connection_name()):
                    self.write(pending, columns)
            except DatabaseError as error:
                # The checks above should have caught everything the database refuses; if they
                # did not, nothing is written and the person importing is told.
                message = _("The database refused the import, so nothing was written: %(error)s") % {"error": error}
                result.append_base_error(self.get_error_result_class()(ImportFileError(message)))
                if raise_errors:
                    raise exceptions.ImportError(ImportFileError(message)) from error
            else:
                for item in pending:
                    item.row_result.add_instance_info(item.instance)
        return result

    # Reading a batch of rows: the only queries before the writes are here (one per table).

    def read_batch(self, batch, columns, seen_keys):
        self.fetch_related(batch, columns)
        key_columns = self.key_columns()
        for item in batch:
            item.key = self.read_key(item, key_columns)
            if item.key is None:
                continue  # the key's cells are reported by `read_row`, like any other
            if item.key in seen_keys:
                shown = ", ".join(str(self.cell(item.row.get(column.name)) or "") for column in key_columns)
                item.errors[key_columns[0].name].append(
                    _("“%(key)s” is also in row %(row)d of this file: each record may appear once.")
                    % {"key": shown, "row": seen_keys[item.key]}
                )
            else:
                seen_keys[item.key] = item.number

        model = self._meta.model
        existing = self.fetch_existing([item.key for item in batch if item.key is not None], key_columns)
        current_m2m = self.fetch_relations(columns, [instance.pk for instance in existing.values()])
        for item in batch:
            instance = existing.get(item.key)
            item.new = instance is None
            item.instance = model() if item.new else instance
            item.original = {} if item.new else self.snapshot(item.instance, columns, current_m2m)
            item.was_public = getattr(instance, "publication_status", None) in PUBLIC_STATUSES
            self.read_row(item, columns)

    def read_key(self, item, key_columns):
        """A row's natural key as stored (slug, or a tuple of values and pks); None if unreadable."""
        values = []
        for column in key_columns:
            value = self.cell(item.row.get(column.name))
            try:
                if value is None:
                    pass
                elif column.related:
                    value = self._cache[column.related, column.key].get(self.split(column, value)[0])
                    if value is None:
                        return None
                elif column.precision:
                    value = parse_precise_date(value)[0]
                else:
                    value = self.read_plain(column, value)
            except (ValidationError, ValueError, TypeError, decimal.InvalidOperation):
                return None
            values.append(value)
        if len(values) == 1:
            return values[0] if values[0] not in (None, "") else None
        return tuple(values)

    def fetch_existing(self, keys, key_columns):
        """The records the file names that exist: {key: instance}, one query per batch."""
        model = self._meta.model
        if not keys:
            return {}
        if len(key_columns) == 1:
            return model._default_manager.in_bulk(keys, field_name=key_columns[0].attribute)
        # A composite key: fetch by its first part (never empty), match the rest here.
        first = key_columns[0].model_field.attname
        attnames = [column.model_field.attname for column in key_columns]
        candidates = model._default_manager.filter(**{f"{first}__in": {key[0] for key in keys}})
        return {tuple(getattr(instance, name) for name in attnames): instance for instance in candidates}

    def fetch_relations(self, columns, pks):
        """The many-to-many values of existing records: {attribute: {pk: set of related pks}}."""
        values = {}
        for column in columns:
            if column.many:
                values[column.attribute] = current = defaultdict(set)
                if pks:
                    rows = column.through._default_manager.filter(**{f"{column.source_column}__in": pks})
                    for source, target in rows.values_list(column.source_column, column.target_column):
                        current[source].add(target)
        return values

    def fetch_related(self, batch, columns):
        """Look up, in one query per related table, the natural keys this batch names."""
        wanted = defaultdict(set)
        for column in columns:
            if column.related:
                cache = self._cache[column.related, column.key]
                for item in batch:
                    for value in self.split(column, item.row.get(column.name)):
                        if value not in cache:
                            wanted[column.related, column.key].add(value)
        for (model, key), values in wanted.items():
            cache = self._cache[model, key]
            key_field = model._meta.get_field(key)
            typed = {}
            for value in values:
                try:
                    typed[key_field.to_python(value)] = value
                except ValidationError:
                    cache[value] = None
            for chunk in batched(typed, self._meta.batch_size):
                # For content records, also which of them the public sees (see `record_fields`).
                status = ["publication_status"] if model in CONTENT_MODELS else []
                rows = model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk", *status)
                found = {row[0]: row[1] for row in rows}
                self._public[model].update(row[1] for row in rows if status and row[2] in PUBLIC_STATUSES)
                for value in chunk:
                    cache[typed[value]] = found.get(value)

    def fetch_replaced_keys(self, pending, columns):
        """The natural keys of the related records a preview shows as replaced (one query per table)."""
        for column in columns:
            if not column.related:
                continue
            cache = self._cache[column.related, column.key]
            known = set(cache.values())
            replaced = set()
            for item in pending:
                if not item.new:
                    value = item.original.get(column.attribute)
                    replaced.update(value if column.many else [value])
            missing = replaced - known - {None}
            for chunk in batched(missing, self._meta.batch_size):
                rows = column.related._default_manager.filter(pk__in=chunk).values_list(column.key, "pk")
                cache.update(rows)

    @staticmethod
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

    @staticmethod
    def cell(value):
        """A cell's text: stripped, spreadsheet neutralisation undone, None for an empty cell."""
        if value.__class__ is str:
            value = value.strip()
            if value[:1] == "'":
                value = unneutralise(value)
            return value or None
        return value

    def split(self, column, value):
        value = self.cell(value)
        if value is None:
            return []
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not column.many:
            return [str(value)]
        return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]

    def read_plain(self, column, value):
        """A cell as the model field's value, validated as the field's own clean() would.

        The same checks as Model.clean_fields() (to_python, blank, choices, validators), done
        once per cell rather than once more over every field of the model.
        """
        value = self.cell(value)
        field = column.model_field
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
        if column.choices is not None and value not in column.choices:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(column.choices)}
            )
        value = field.to_python(value)
        if value not in field.empty_values:
            for validator in column.validators:
                validator(value)
        return value

    def read_row(self, item, columns):
        """Set the row's values on its instance; collect each column's errors."""
        instance = item.instance
        precisions = {}
        for column in columns:
            raw = item.row.get(column.name)
            try:
                if column.precision:
                    value = self.cell(raw)
                    if value is None and not column.model_field.null:
                        raise ValidationError(_("This column cannot be empty."))
                    date, precision = parse_precise_date(value) if value is not None else (None, None)
                    if precision and precisions.setdefault(column.precision, precision) != precision:
                        raise ValidationError(
                            _(
                                "Give this date to the same precision (year, month or day) "
                                "as the other dates of the record."
                            )
                        )
                    setattr(instance, column.attribute, date)
                    if precision:
                        setattr(instance, column.precision, precision)
                elif column.related:
                    self.read_related(item, column, raw)
                else:
                    setattr(instance, column.attribute, self.read_plain(column, raw))
            except (ValidationError, ValueError, TypeError, decimal.InvalidOperation) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                item.errors[column.name].extend(messages)
        self.validate(item, columns)

    def read_related(self, item, column, raw):
        cache = self._cache[column.related, column.key]
        pks = set()
        for value in self.split(column, raw):
            pk = cache.get(value)
            if pk is None and column.related is self._meta.model:
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

    def validate(self, item, columns):
        """The model's clean() and its database constraints, once the fields are read.

        Each field was validated as it was read (`read_plain`); relations were checked against
        the database in one query per batch (`fetch_related`) and uniqueness on sets
        (`check_unique`), where Model.full_clean() would query once per row and field.
        """
        instance = item.instance
        by_attribute = self.column_names
        errors = {}
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for earlier, later in self.ordered_pairs:
            start, end = getattr(instance, earlier), getattr(instance, later)
            if start is not None and end is not None and end < start and later in by_attribute:
                errors.setdefault(later, []).append(
                    _("It is before %(earlier)s (“%(value)s”).")
                    % {"earlier": by_attribute.get(earlier, earlier), "value": item.row.get(earlier, start)}
                )
        errors = ValidationError(errors).message_dict if errors else {}
        errors = self.validate_instance_values(instance, errors)
        for name in self.record_fields:
            record_model = self._meta.model._meta.get_field(name).related_model
            if getattr(instance, f"{name}_id") in self._public[record_model] and not self.may_publish(record_model):
                errors.setdefault(name, []).append(
                    _("Only a publisher may change what a published or archived record shows.")
                )
        if not self.may_publish() and (item.was_public or instance.publication_status in PUBLIC_STATUSES):
            errors.setdefault("publication_status", []).append(
                _(
                    "Only a publisher may publish or archive a record, or change a published one; "
                    "import it as draft or in review."
                )
            )
        for name, messages in errors.items():
            column = by_attribute.get(name, name if name != NON_FIELD_ERRORS else NON_FIELD_ERRORS)
            item.errors[column].extend(str(message) for message in messages)

    def validate_instance_values(self, instance, errors):
        """Rules of the database's check constraints that need more than `ordered_pairs`."""
        return errors

    def may_publish(self, model=None):
        """Whether the person importing may set what the public sees of `model` (by default the
        resource's own): the workflow's publish permission. Reference data has no workflow; the
        command line runs with no user and is trusted like `loaddata`."""
        model = model or self._meta.model
        if model not in CONTENT_MODELS or self._user is None:
            return True
        return self._user.has_perm(f"{model._meta.app_label}.publish_{model._meta.model_name}")

    def check_unique(self, pending, columns):
        """Unique fields other than the key (e.g. names): in the file, and against the database."""
        for column in columns:
            field = column.model_field
            if not field.unique or column in self.key_columns() or column.related:
                continue
            key_attribute = self.key_column().attribute
            seen = {}
            for item in pending:
                value = getattr(item.instance, field.attname)
                if value in (None, ""):
                    continue
                if value in seen:
                    item.errors[column.name].append(
                        _("“%(value)s” is also in row %(row)d of this file; it must be unique.")
                        % {"value": value, "row": seen[value].number}
                    )
                else:
                    seen[value] = item
            file_keys = {item.key: item for item in pending}
            for chunk in batched(seen, self._meta.batch_size):
                rows = self._meta.model._default_manager.filter(**{f"{field.attname}__in": chunk})
                for value, holder in rows.values_list(field.attname, key_attribute):
                    item = seen[value]
                    other = file_keys.get(holder)
                    if holder != item.key and (other is None or getattr(other.instance, field.attname) == value):
                        item.errors[column.name].append(
                            _("“%(value)s” already belongs to the record “%(holder)s”; it must be unique.")
                            % {"value": value, "holder": holder}
                        )

    def check_self_references(self, pending, seen_keys):
        for item in pending:
            for attribute, value in item.self_refs.items():
                if value not in seen_keys:
                    item.errors[self.fields[attribute].column_name].append(
                        _("No %(model)s has the slug “%(value)s”, in the database or in this file.")
                        % {"model": self._meta.model._meta.verbose_name, "value": value}
                    )

    def add_row_result(self, result, item, collect_failed_rows):
        row_result = item.row_result = self.get_row_result_class()()
        if item.errors:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(dict(item.errors))
            result.append_invalid_row(item.number, item.row, row_result.validation_error)
            if collect_failed_rows:
                result.append_failed_row(item.row, row_result.validation_error)
        elif not item.new:
            for column in self.columns():
                if column.name not in item.row:
                    continue
                for name, value in self.values(column, item).items():
                    if value != item.original[name] or column.attribute in item.self_refs:
                        item.changed.add(name)
        if not item.errors:
            if item.new:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
            elif item.changed:
                row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            if self._dry_run:  # only the preview shows these; an import sets them once written
                if not self._meta.skip_diff:
                    row_result.diff = self.row_diff(item)
                row_result.add_instance_info(item.instance)
            if self._store_instance:
                row_result.instance = item.instance
        result.increment_row_result_total(row_result)
        if row_result.import_type != RowResult.IMPORT_TYPE_SKIP or self._meta.report_skipped:
            result.append_row_result(row_result)

    @staticmethod
    def values(column, item):
        """{field name: value} a column sets: a date sets its precision too; a relation, its pks."""
        if column.many:
            return {column.attribute: item.m2m.get(column.attribute, frozenset())}
        values = {column.model_field.name: getattr(item.instance, column.model_field.attname)}
        if column.precision:
            values[column.precision] = getattr(item.instance, column.precision)
        return values

    def row_diff(self, item):
        """The row as the preview shows it: each cell, with what it replaces where it changes."""
        cells = []
        by_name = {column.name: column for column in self.columns()}
        for column in (by_name[name] for name in self.get_diff_headers()):
            new = item.row.get(column.name)
            new = "" if new is None else str(new)
            if not item.new and column.attribute in item.changed:
                cells.append(f"<del>{html.escape(self.describe(column, item))}</del> <ins>{html.escape(new)}</ins>")
            else:
                cells.append(html.escape(new))
        return cells

    def describe(self, column, item):
        """The value a row replaces, as an export would show it."""
        value = item.original[column.attribute]
        if column.precision:
            return iso_date(value, item.original[column.precision]) or ""
        if column.related:
            keys = {pk: key for key, pk in self._cache[column.related, column.key].items()}
            if column.many:
                return f"{SEPARATOR} ".join(sorted(str(keys.get(pk, "?")) for pk in value))
            return "" if value is None else str(keys.get(value, "?"))
        return "" if value is None else str(value)

    # Writing: every database write of an import is in the three methods below.

    def write(self, pending, columns):
        model = self._meta.model
        new = [item.instance for item in pending if item.new]
        changed = [item for item in pending if not item.new and item.changed]
        many = {c.attribute for c in columns if c.many}
        update_fields = sorted({name for item in changed for name in item.changed} - many)
        self.insert_records(new)
        if any(instance.pk is None for instance in new) and len(self.key_columns()) == 1:
            # A database that does not return the ids of inserted rows.
            key = self.key_column().attribute
            ids = model._default_manager.in_bulk([getattr(i, key) for i in new], field_name=key)
            for instance in new:
                instance.pk = ids[getattr(instance, key)].pk
        # Self references (an agreement superseding another of the same file), now that all have ids.
        keys = {item.key: item.instance.pk for item in pending}
        fixed = []
        for item in pending:
            for attribute, value in item.self_refs.items():
                setattr(item.instance, model._meta.get_field(attribute).attname, keys[value])
                fixed.append(item.instance)
        if changed and update_fields:
            if any(f.name == "updated_at" for f in model._meta.fields):
                now = timezone.now()
                for item in changed:
                    item.instance.updated_at = now
                update_fields.append("updated_at")
            self.update_records([item.instance for item in changed], update_fields)
        self_ref_fields = sorted({attr for item in pending for attr in item.self_refs})
        if fixed:
            self.update_records(fixed, self_ref_fields)
        for column in columns:
            if column.many:
                rows = [item for item in pending if item.new or column.attribute in item.changed]
                self.replace_relations(column, rows)

    def insert_records(self, instances):
        """Insert new records (one INSERT per batch), with a history entry each where the model
        keeps history."""
        model = self._meta.model
        drop_page_cache()  # bulk_create sends no signal
        if self.keeps_history():
            bulk_create_with_history(
                instances, model, batch_size=self._meta.batch_size, **self.history_kwargs(_("Imported"))
            )
        else:
            model._default_manager.bulk_create(instances, batch_size=self._meta.batch_size)

    def update_records(self, instances, fields):
        """Update changed records (one UPDATE per batch), with a history entry each where the model
        keeps history."""
        model = self._meta.model
        drop_page_cache()  # nor does bulk_update
        if self.keeps_history():
            bulk_update_with_history(
                instances, model, fields, batch_size=UPDATE_BATCH_SIZE, **self.history_kwargs(_("Updated by import"))
            )
        else:
            model._default_manager.bulk_update(instances, fields, batch_size=UPDATE_BATCH_SIZE)

    def keeps_history(self):
        return hasattr(self._meta.model, "history")

    def history_kwargs(self, reason):
        return {"default_user": self._user, "default_change_reason": reason}

    def replace_relations(self, column, items):
        """Set a many-to-many column of the given rows: delete their old links, insert the new."""
        through = column.through._default_manager
        drop_page_cache()
        existing = [item.instance.pk for item in items if not item.new]
        for chunk in batched(existing, self._meta.batch_size):
            through.filter(**{f"{column.source_column}__in": chunk}).delete()
        links = [
            column.through(**{column.source_column: item.instance.pk, column.target_column: target})
            for item in items
            for target in sorted(item.m2m.get(column.attribute, ()))
        ]
        through.bulk_create(links, batch_size=self._meta.batch_size)


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class CountryResource(RelationsResource):
    class Meta(RelationsResource.Meta):
        model = Country
        fields = ("code", *in_both_languages("name"), "asean_member_since")
        import_id_fields = ("code",)


class OrganisationResource(RelationsResource):
    country = natural_key("country", Country, "code")

    class Meta(RelationsResource.Meta):
        model = Organisation
        fields = (
            "slug",
            *in_both_languages("name", "acronym"),
            "kind",
            "country",
            "website",
            *in_both_languages("description"),
        )


class TrackResource(RelationsResource):
    class Meta(RelationsResource.Meta):
        model = Track
        fields = ("number", *in_both_languages("name", "description"))
        import_id_fields = ("number",)


class PillarResource(RelationsResource):
    class Meta(RelationsResource.Meta):
        model = Pillar
        fields = ("slug", *in_both_languages("name", "description"))


class SourceResource(RelationsResource):
    class Meta(RelationsResource.Meta):
        model = Source
        fields = (
            "slug",
            "title",
            "author",
            "year",
            "language",
            "url",
            *in_both_languages("bibliographic_details", "notes"),
        )


# ---------------------------------------------------------------------------------------------
# The four content types
# ---------------------------------------------------------------------------------------------

RECORD_FIELDS = ("slug", *in_both_languages("title", "summary", "body"))
#: Columns staff see but the public downloads leave out.
STAFF_ONLY = ("publication_status",)


class EventResource(RelationsResource):
    start_date = PreciseDateField("start_date", precision="date_precision")
    end_date = PreciseDateField("end_date", precision="date_precision")
    country = natural_key("country", Country, "code")
    track = natural_key("track", Track, "number")
    pillars = natural_keys("pillars", Pillar, "slug")
    organisations = natural_keys("organisations", Organisation, "slug")
    agreements = natural_keys("agreements", Agreement, "slug")

    ordered_pairs = (("start_date", "end_date"),)

    class Meta(RelationsResource.Meta):
        model = Event
        fields = (
            *RECORD_FIELDS,
            "kind",
            "start_date",
            "end_date",
            *in_both_languages("city"),
            "country",
            "track",
            "pillars",
            "organisations",
            "agreements",
            *STAFF_ONLY,
        )


class AgreementResource(RelationsResource):
    adopted_on = PreciseDateField("adopted_on", precision="adopted_precision")
    country = natural_key("country", Country, "code")
    party_countries = natural_keys("party_countries", Country, "code")
    party_organisations = natural_keys("party_organisations", Organisation, "slug")
    supersedes = natural_key("supersedes", Agreement, "slug")
    pillars = natural_keys("pillars", Pillar, "slug")

    ordered_pairs = (("period_start", "period_end"),)

    class Meta(RelationsResource.Meta):
        model = Agreement
        fields = (
            *RECORD_FIELDS,
            "kind",
            "status",
            "adopted_on",
            *in_both_languages("city"),
            "country",
            "party_countries",
            "party_organisations",
            "period_start",
            "period_end",
            "supersedes",
            "pillars",
            "text_url",
            *STAFF_ONLY,
        )


class MissionResource(RelationsResource):
    country = natural_key("country", Country, "code")
    accredited_countries = natural_keys("accredited_countries", Country, "code")
    accredited_organisations = natural_keys("accredited_organisations", Organisation, "slug")
    opened_on = PreciseDateField("opened_on", precision="opened_precision")
    closed_on = PreciseDateField("closed_on", precision="closed_precision")

    ordered_pairs = (("opened_on", "closed_on"),)

    class Meta(RelationsResource.Meta):
        model = Mission
        fields = (
            *RECORD_FIELDS,
            "kind",
            *in_both_languages("city"),
            "country",
            "accredited_countries",
            "accredited_organisations",
            "opened_on",
            "closed_on",
            "website",
            *STAFF_ONLY,
        )


class AssistanceProgramResource(RelationsResource):
    pillars = natural_keys("pillars", Pillar, "slug")
    countries = natural_keys("countries", Country, "code")
    organisations = natural_keys("organisations", Organisation, "slug")
    agreements = natural_keys("agreements", Agreement, "slug")
    events = natural_keys("events", Event, "slug")

    ordered_pairs = (("start_year", "end_year"),)

    class Meta(RelationsResource.Meta):
        model = AssistanceProgram
        fields = (
            *RECORD_FIELDS,
            "amount",
            "currency",
            "amount_as_stated",
            "other_amount",
            "other_currency",
            "start_year",
            "end_year",
            "sector",
            "status",
            "pillars",
            "countries",
            "organisations",
            "agreements",
            "events",
            *STAFF_ONLY,
        )

    def validate_instance_values(self, instance, errors):
        # The database's "an amount needs its currency, and a currency its amount", per column.
        for amount, currency in (("amount", "currency"), ("other_amount", "other_currency")):
            if amount in errors or currency in errors:
                continue
            if getattr(instance, amount) is not None and not getattr(instance, currency):
                errors[currency] = [_("An amount needs its currency (CAD or USD).")]
            elif getattr(instance, amount) is None and getattr(instance, currency):
                errors[amount] = [_("A currency needs its amount.")]
        return errors


# ---------------------------------------------------------------------------------------------
# What belongs to records: heads of mission, citations
# ---------------------------------------------------------------------------------------------


class HeadOfMissionResource(RelationsResource):
    mission = natural_key("mission", Mission, "slug")
    start_date = PreciseDateField("start_date", precision="start_precision")
    end_date = PreciseDateField("end_date", precision="end_precision")

    ordered_pairs = (("start_date", "end_date"),)
    record_fields = ("mission",)

    class Meta(RelationsResource.Meta):
        model = HeadOfMission
        fields = ("mission", "name", *in_both_languages("title"), "start_date", "end_date", *in_both_languages("note"))
        import_id_fields = ("mission", "name", "start_date")


class CitationResource(RelationsResource):
    """A citation names its record in the column of the record's type; the others stay empty."""

    source = natural_key("source", Source, "slug")
    event = natural_key("event", Event, "slug")
    agreement = natural_key("agreement", Agreement, "slug")
    mission = natural_key("mission", Mission, "slug")
    assistanceprogram = natural_key("assistanceprogram", AssistanceProgram, "slug")
    record_fields = CITED_FIELDS

    class Meta(RelationsResource.Meta):
        model = Citation
        fields = (*CITED_FIELDS, "source", "locator", "quote", *in_both_languages("note", "discrepancy"))
        # The source first: existing citations are fetched by it (it is never empty).
        import_id_fields = ("source", *CITED_FIELDS, "locator")

    def validate_instance_values(self, instance, errors):
        cited = [name for name in CITED_FIELDS if getattr(instance, f"{name}_id") is not None]
        if len(cited) != 1 and not any(name in errors for name in CITED_FIELDS):
            errors[NON_FIELD_ERRORS] = [
                _("A citation belongs to exactly one record: fill in one of the columns %(columns)s.")
                % {"columns": ", ".join(CITED_FIELDS)}
            ]
        return errors


#: Every resource, in the order their files import (a record's relations must exist first).
RESOURCES = [
    CountryResource,
    OrganisationResource,
    TrackResource,
    PillarResource,
    SourceResource,
    AgreementResource,
    EventResource,
    MissionResource,
    HeadOfMissionResource,
    AssistanceProgramResource,
    CitationResource,
]
RESOURCE_FOR_MODEL = {resource._meta.model: resource for resource in RESOURCES}


def resource_for(model):
    """The resource of a model (a queryset's `.model`), for the admin, commands and downloads."""
    return RESOURCE_FOR_MODEL[model]


def error_lines(result):
    """A result's errors as lines of text: "Row 3, column “country”: No country has the code “XX”."."""
    lines = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            where = _("Row %(row)d") % {"row": row.number}
            if column != NON_FIELD_ERRORS:
                where += ", " + _("column “%(column)s”") % {"column": column}
            lines.extend(f"{where}: {message}" for message in messages)
    for number, errors in result.row_errors():
        lines.extend(_("Row %(row)d: %(error)s") % {"row": number, "error": error.error} for error in errors)
    return lines


def file_stem(model):
    """The file name an export of a model gets, and an import is recognised by: "assistance-programs".

    In English whatever the page's or the user's language, so that a file's name means one thing."""
    with override("en"):
        return str(model._meta.verbose_name_plural).replace(" ", "-")
