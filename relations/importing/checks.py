"""The checks of an import: the header row, each row's record as a whole, and the file's rows together.

Each field was validated as it was read (relations.importing.reading); relations were checked
against the database in one query per batch (relations.importing.lookups) and uniqueness is
checked on sets here, where Model.full_clean() would query once per row and field.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import workflow
from .columns import batched
from .reading import cell


def file_errors(resource, dataset, headers):
    """Messages for a file that cannot be read as rows of `resource`'s records at all."""
    messages = header_errors(resource, headers) if headers else [_("The file is empty.")]
    for index, header in enumerate(headers):
        if not header and any(cell(row[index]) is not None for row in dataset):
            messages.append(_("Row 1 (the header): column %(number)d has values but no name.") % {"number": index + 1})
    if not messages and not len(dataset):
        messages = [_("The file has a header row but no records under it.")]
    return messages


def header_errors(resource, headers):
    """Messages for a header row that lacks a required column or has one the resource does not know."""
    known = {column.name: column for column in resource.columns()}
    # What an export adds about the record's evidence (corroboration, discrepancies): an exported
    # file imports again, those columns ignored.
    export_only = {field.column_name for field in resource.fields.values() if field.readonly}
    key_columns = resource.key_columns()
    messages = []
    seen = set()
    for header in headers:
        if not header:
            continue  # an unnamed column: refused in `file_errors` only if it holds values
        if header in seen:
            messages.append(_("Row 1 (the header) names the column “%(column)s” twice.") % {"column": header})
        seen.add(header)
        if header not in known and header not in export_only:
            messages.append(
                _("Row 1 (the header): “%(column)s” is not a column of %(model)s. The columns are: %(columns)s.")
                % {
                    "column": header,
                    "model": resource._meta.model._meta.verbose_name_plural,
                    "columns": ", ".join(known),
                }
            )
    for name, column in known.items():
        key = column in key_columns and not column.model_field.null
        if (column.required or key) and name not in seen:
            messages.append(_("Row 1 (the header): the required column “%(column)s” is missing.") % {"column": name})
    return messages


class RowChecks:
    """What a row's values must satisfy together, and what the file's rows must satisfy together."""

    def __init__(self, resource, user, lookups):
        self.resource = resource
        self.model = resource._meta.model
        self.user = user
        self.lookups = lookups
        self.column_names = {column.attribute: column.name for column in resource.columns()}
        self.has_workflow = workflow.has_workflow(self.model)
        self.is_reference = resource.reference_data

    def check_key(self, item, key_columns, seen_keys):
        """Each record appears once in a file."""
        if item.key in seen_keys:
            shown = ", ".join(str(cell(item.row.get(column.name)) or "") for column in key_columns)
            item.errors[key_columns[0].name].append(
                _("“%(key)s” is also in row %(row)d of this file: each record may appear once.")
                % {"key": shown, "row": seen_keys[item.key]}
            )
        else:
            seen_keys[item.key] = item.number

    def validate(self, item):
        """The model's clean(), its database constraints, and the workflow's rules, once the fields are read."""
        instance = item.instance
        by_attribute = self.column_names
        errors = {}
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for earlier, later in self.resource.ordered_pairs:
            start, end = getattr(instance, earlier), getattr(instance, later)
            if start is not None and end is not None and end < start and later in by_attribute:
                errors.setdefault(later, []).append(
                    _("It is before %(earlier)s (“%(value)s”).")
                    % {"earlier": by_attribute.get(earlier, earlier), "value": item.row.get(earlier, start)}
                )
        errors = ValidationError(errors).message_dict if errors else {}
        errors = self.resource.validate_instance_values(instance, errors)
        self.check_workflow(item, errors)
        for name, messages in errors.items():
            item.errors[by_attribute.get(name, name)].extend(str(message) for message in messages)

    def check_workflow(self, item, errors):
        """Judged on what the row changes: a row that changes nothing is skipped for anyone; what
        the public sees (a public record, what a public record shows, reference data) changes
        only with a publisher; a status changes only along a step."""
        if not item.new and not item.changed:
            return
        instance = item.instance
        for name in self.resource.record_fields:  # part of the part's natural key: it never moves
            record_model = self.model._meta.get_field(name).related_model
            if getattr(instance, f"{name}_id") in self.lookups.public[record_model] and not workflow.may_publish(
                self.user, record_model
            ):
                errors.setdefault(name, []).append(
                    _("Only a publisher may change what a published or archived record shows.")
                )
        if self.is_reference and not workflow.may_change_reference(self.user):
            errors.setdefault(self.resource.key_columns()[0].attribute, []).append(
                _(
                    "Only a publisher may add or change %(model)s: every public page shows them. "
                    "Leave this row as it was exported, or ask a publisher to import it."
                )
                % {"model": self.model._meta.verbose_name_plural}
            )
        if not self.has_workflow:
            return
        before, after = item.status, instance.publication_status
        if before is not None and workflow.is_public(before) and not workflow.may_publish(self.user, self.model):
            errors.setdefault("publication_status", []).append(
                _(
                    "This record is %(status)s: only a publisher may change what the public sees. "
                    "This row changes %(fields)s; leave it as it was exported, or ask a publisher to import it."
                )
                % {
                    "status": workflow.PublicationStatus(before).label.lower(),
                    "fields": ", ".join(
                        sorted({self.column_names[name] for name in item.changed if name in self.column_names})
                    ),
                }
            )
        elif not workflow.may_change(self.user, self.model, before, after):
            errors.setdefault("publication_status", []).append(
                _(
                    "Only a publisher may publish or archive a record, or change a published one; "
                    "import it as draft or in review."
                )
            )
        if before is not None and not workflow.is_allowed(before, after):
            errors.setdefault("publication_status", []).append(workflow.not_a_step_message(before, after))

    def check_unique(self, pending, columns, key_columns):
        """Unique fields other than the key (e.g. names): in the file, and against the database."""
        for column in columns:
            field = column.model_field
            if not field.unique or column in key_columns or column.related:
                continue
            key_attribute = self.resource.key_column().attribute
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
            for chunk in batched(seen, self.lookups.batch_size):
                rows = self.model._default_manager.filter(**{f"{field.attname}__in": chunk})
                for value, holder in rows.values_list(field.attname, key_attribute):
                    item = seen[value]
                    other = file_keys.get(holder)
                    if holder != item.key and (other is None or getattr(other.instance, field.attname) == value):
                        item.errors[column.name].append(
                            _("“%(value)s” already belongs to the record “%(holder)s”; it must be unique.")
                            % {"value": value, "holder": holder}
                        )

    def check_self_references(self, pending, seen_keys):
        """A record naming another of its own type names one in the database or in this file."""
        for item in pending:
            for attribute, value in item.self_refs.items():
                if value not in seen_keys:
                    item.errors[self.resource.fields[attribute].column_name].append(
                        _("No %(model)s has the slug “%(value)s”, in the database or in this file.")
                        % {"model": self.model._meta.verbose_name, "value": value}
                    )

    def check_cycles(self, pending, columns):
        """A record may not name itself through a relation to its own type (an agreement superseding
        itself), nor two or more name each other in a ring, in the file or with the database."""
        for column in columns:
            if column.related is not self.model or column.many:
                continue
            key = column.key
            by_pk = {pk: value for value, pk in self.lookups.keys[self.model, key].items() if pk is not None}
            # What the database says each record names, overridden by what this file says.
            chain = dict(
                self.model._default_manager.filter(**{f"{column.attribute}__isnull": False}).values_list(
                    key, f"{column.attribute}__{key}"
                )
            )
            rows = {}
            for item in pending:
                if item.key is None or column.name not in item.row:
                    continue
                target = item.self_refs.get(column.attribute)
                if target is None:
                    target = by_pk.get(getattr(item.instance, column.model_field.attname))
                chain[item.key] = target
                rows[item.key] = item
            for start, item in rows.items():
                seen = [start]
                target = chain.get(start)
                while target is not None and target not in seen:
                    seen.append(target)
                    target = chain.get(target)
                if target is None:
                    continue
                if target == start and len(seen) == 1:
                    message = _("A record cannot name itself here.")
                elif target == start:
                    message = _(
                        "This makes a ring: %(ring)s. Each must name an earlier record, not one that names it."
                    ) % {"ring": " → ".join([*seen, start])}
                else:
                    continue  # a ring further on, reported on the rows that make it
                item.errors[column.name].append(message)
