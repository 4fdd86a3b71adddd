"""The import's writes: every database write of an import is in this class's three last methods,
with django-simple-history's bulk helpers, so that each record gets its history entry.

Bulk writes send no signals, and none of these drops the page cache: the pipeline does, once,
when the writes are done (relations.importing.Import.write). Nor do they run `Record.save()`, which
makes every save a new version: an update here bumps `version` itself, so that an admin form opened
before the import is refused as stale rather than overwriting it. Each history entry is labelled
with the file's name (relations.workflow.imported_reason).
"""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import workflow
from .columns import batched

#: Rows per UPDATE. bulk_update() writes one CASE WHEN branch per row for each field, which the
#: database evaluates for every row of the batch: smaller batches than inserts are faster.
UPDATE_BATCH_SIZE = 250


class Writer:
    def __init__(self, model, key_columns, batch_size, user, file_name=None):
        self.model = model
        self.file_name = file_name
        self.key_columns = key_columns
        self.batch_size = batch_size
        self.user = user

    def write(self, pending, columns):
        """Insert the new records, update the changed ones, then set their many-to-many links."""
        model = self.model
        new = [item.instance for item in pending if item.new]
        changed = [item for item in pending if not item.new and item.changed]
        many = {c.attribute for c in columns if c.many}
        update_fields = sorted({name for item in changed for name in item.changed} - many)
        self.insert_records(new)
        if any(instance.pk is None for instance in new) and len(self.key_columns) == 1:
            # A database that does not return the ids of inserted rows.
            key = self.key_columns[0].attribute
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
            if any(f.name == "version" for f in model._meta.fields):
                for item in changed:
                    item.instance.version = (item.instance.version or 0) + 1
                update_fields.append("version")
            self.update_records([item.instance for item in changed], update_fields)
        self_ref_fields = sorted({attr for item in pending for attr in item.self_refs})
        if fixed:
            self.update_records(fixed, self_ref_fields)
        for column in columns:
            if column.many:
                rows = [item for item in pending if item.new or column.attribute in item.changed]
                self.replace_relations(column, rows)

    def keeps_history(self):
        return hasattr(self.model, "history")

    def history_kwargs(self, reason):
        return {"default_user": self.user, "default_change_reason": reason}

    def insert_records(self, instances):
        """Insert new records (one INSERT per batch), with a history entry each where the model
        keeps history."""
        if self.keeps_history():
            bulk_create_with_history(
                instances,
                self.model,
                batch_size=self.batch_size,
                **self.history_kwargs(workflow.imported_reason(self.file_name)),
            )
        else:
            self.model._default_manager.bulk_create(instances, batch_size=self.batch_size)

    def update_records(self, instances, fields):
        """Update changed records (one UPDATE per batch), with a history entry each where the model
        keeps history."""
        if self.keeps_history():
            bulk_update_with_history(
                instances,
                self.model,
                fields,
                batch_size=UPDATE_BATCH_SIZE,
                **self.history_kwargs(workflow.imported_reason(self.file_name)),
            )
        else:
            self.model._default_manager.bulk_update(instances, fields, batch_size=UPDATE_BATCH_SIZE)

    def replace_relations(self, column, items):
        """Set a many-to-many column of the given rows: delete their old links, insert the new."""
        through = column.through._default_manager
        existing = [item.instance.pk for item in items if not item.new]
        for chunk in batched(existing, self.batch_size):
            through.filter(**{f"{column.source_column}__in": chunk}).delete()
        links = [
            column.through(**{column.source_column: item.instance.pk, column.target_column: target})
            for item in items
            for target in sorted(item.m2m.get(column.attribute, ()))
        ]
        through.bulk_create(links, batch_size=self.batch_size)
