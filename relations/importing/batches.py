"""Import batches: what a confirmed import added and changed, kept so that it can be undone.

Each confirmed import is an `ImportBatch` (who, when, the file's name and SHA-256, the counts)
with one `ImportedRow` per record it added or changed: the values of the fields it changed
before and after (many-to-many links as sorted lists of ids), written in the import's own
transaction. `undo` puts every record back in one transaction: it deletes what the import added
and restores what it changed, but only where each record still holds what the import wrote;
if any record was changed since (by hand or by a later import), nothing is undone and the
records are named.
"""

import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .. import cache, workflow

#: Fields an import sets that are not columns but must come back too.
BOOKKEEPING = ("updated_at",)


class UndoRefused(Exception):
    """An undo that would overwrite later changes, or that the user may not make; `str()` says why."""


def encode(value):
    """A field's value as JSON keeps it: dates and times in ISO 8601 (to the microsecond), decimals
    as text, links as sorted ids."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool | float):
        return value
    return DjangoJSONEncoder().default(value)


def current(instance, name, many, links):
    if name in many:
        return sorted(links[name].get(instance.pk, ()))
    field = instance._meta.get_field(name)
    return encode(getattr(instance, field.attname))


def record(model, user, file_name, sha256, pending, columns):
    """Write the batch of a confirmed import (inside its transaction); the batch."""
    from ..models import ImportBatch, ImportedRow

    many = {column.attribute for column in columns if column.many}
    has_bookkeeping = [name for name in BOOKKEEPING if any(f.name == name for f in model._meta.fields)]
    batch = ImportBatch.objects.create(
        user=user,
        model=model._meta.label_lower,
        file_name=file_name[:255],
        sha256=sha256,
        added=sum(1 for item in pending if item.new),
        changed=sum(1 for item in pending if not item.new and item.changed),
        unchanged=sum(1 for item in pending if not item.new and not item.changed),
    )
    rows = []
    for item in pending:
        if item.new:
            names = [name for column in columns for name in column_names(column)]
            after = {name: after_value(item, name, many) for name in names}
            rows.append(ImportedRow(batch=batch, object_id=item.instance.pk, action="added", after=after))
        elif item.changed:
            names = sorted(item.changed) + has_bookkeeping
            before = {name: encode(item.original.get(name, item.bookkeeping.get(name))) for name in names}
            after = {name: after_value(item, name, many) for name in names}
            rows.append(
                ImportedRow(batch=batch, object_id=item.instance.pk, action="changed", before=before, after=after)
            )
    ImportedRow.objects.bulk_create(rows, batch_size=1000)
    return batch


def column_names(column):
    if column.many:
        return [column.attribute]
    return [column.model_field.name, *([column.precision] if column.precision else [])]


def after_value(item, name, many):
    if name in many:
        return sorted(item.m2m.get(name, ()))
    return encode(getattr(item.instance, item.instance._meta.get_field(name).attname))


def fetch_links(model, names, pks):
    """{m2m name: {pk: set of linked pks}} for these records."""
    links = {}
    for name in names:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source = field.m2m_field_name() + "_id"
        target = field.m2m_reverse_field_name() + "_id"
        links[name] = found = {}
        for a, b in through._default_manager.filter(**{f"{source}__in": pks}).values_list(source, target):
            found.setdefault(a, set()).add(b)
    return links


def may_undo(user, model, instances, rows):
    """Undoing changes records as an import would, so the import's permissions apply: the import
    permission, and a publisher for public records, reference data and the parts of records."""
    if user is None:
        return True
    if not user.has_perm(workflow.permission(model, "import")):
        return False
    if not workflow.has_workflow(model):
        return workflow.may_change_reference(user)
    statuses = {instance.publication_status for instance in instances.values()}
    statuses |= {row.before.get("publication_status") for row in rows} - {None}
    return workflow.may_change(user, model, *statuses)


def undo(batch, user):
    """Undo `batch` for `user`, all or nothing; raise UndoRefused, naming the records, if it cannot be."""
    model = batch.records_model
    with transaction.atomic():
        batch = type(batch).objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at is not None:
            raise UndoRefused(_("This import was already undone."))
        rows = list(batch.rows.all())
        instances = model._default_manager.select_for_update().in_bulk([row.object_id for row in rows])
        if not may_undo(user, model, instances, rows):
            raise UndoRefused(_("Only a publisher may undo an import that changed what the public sees."))
        many = {f.name for f in model._meta.many_to_many}
        names = {name for row in rows for name in row.after}
        links = fetch_links(model, sorted(names & many), list(instances))
        changed_since = [
            row
            for row in rows
            if row.object_id in instances
            and any(
                current(instances[row.object_id], name, many, links) != value
                for name, value in row.after.items()
                if name not in BOOKKEEPING
            )
        ]
        missing = [row for row in rows if row.action == "changed" and row.object_id not in instances]
        if changed_since or missing:
            named = ", ".join(str(instances[row.object_id]) for row in changed_since[:20])
            named_missing = ", ".join(str(row.object_id) for row in missing[:20])
            raise UndoRefused(
                _(
                    "Nothing was undone: these records were changed after the import, and undoing it would "
                    "overwrite those changes: %(records)s. Change them back by hand, or leave the import as it is."
                )
                % {
                    "records": "; ".join(
                        filter(None, [named, named_missing and _("deleted: %(ids)s") % {"ids": named_missing}])
                    )
                }
            )
        restore(model, user, batch, rows, instances, many)
        batch.undone_at = timezone.now()
        batch.undone_by = user
        batch.save(update_fields=["undone_at", "undone_by"])
        cache.bump()
    return batch


def restore(model, user, batch, rows, instances, many):
    reason = _("Import undone (%(file)s)") % {"file": batch.file_name}
    by_fields = {}
    for row in rows:
        if row.action != "changed":
            continue
        instance = instances[row.object_id]
        plain = tuple(sorted(name for name in row.before if name not in many))
        for name in plain:
            field = model._meta.get_field(name)
            setattr(instance, field.attname, field.to_python(row.before[name]))
        by_fields.setdefault(plain, []).append(instance)
        for name in set(row.before) & many:
            getattr(instance, name).set(row.before[name])
    versioned = any(f.name == "version" for f in model._meta.fields)
    for fields, group in by_fields.items():
        if fields and versioned:
            # An undo is a new version too: a form opened before it is stale (relations.importing.writer).
            for instance in group:
                instance.version = (instance.version or 0) + 1
            fields = (*fields, "version")
        if fields:
            if hasattr(model, "history"):
                bulk_update_with_history(group, model, list(fields), default_user=user, default_change_reason=reason)
            else:
                model._default_manager.bulk_update(group, list(fields))
    added = [row.object_id for row in rows if row.action == "added" and row.object_id in instances]
    if added:
        # What was attached to an added record since (a citation, a head of mission, an agreement
        # superseding it) would go with it: refuse rather than delete someone's later work.
        for relation in model._meta.related_objects:
            if relation.one_to_many or relation.one_to_one:
                later = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": added})
                if names := sorted(str(obj) for obj in later[:20]):
                    raise UndoRefused(
                        _(
                            "Nothing was undone: records added by this import have had others attached since: "
                            "%(records)s."
                        )
                        % {"records": ", ".join(names)}
                    )
        try:
            model._default_manager.filter(pk__in=added).delete()
        except ProtectedError as error:
            names = ", ".join(sorted({str(obj) for obj in error.protected_objects})[:20])
            raise UndoRefused(
                _("Nothing was undone: records added by this import are now named by others: %(records)s.")
                % {"records": names}
            ) from None
