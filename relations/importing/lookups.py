"""What a file's rows name, fetched from the database: one query per table and batch of rows."""

from collections import defaultdict

from django.core.exceptions import ValidationError

from .. import workflow
from .columns import batched
from .reading import split


class Lookups:
    """The natural keys the file names, with their pks; the records it names; their relations.

    The only queries an import makes before its writes are here.
    """

    def __init__(self, model, batch_size):
        self.model = model
        self.batch_size = batch_size
        self.keys = defaultdict(dict)  # (model, key field) -> {natural key: pk, or None if none has it}
        self.public = defaultdict(set)  # content model -> pks of public records named in the file

    def pk(self, column, value):
        """The pk of the record a relation's cell names, if one was found."""
        return self.keys[column.related, column.key].get(value)

    def natural_keys(self, column):
        """{pk: natural key} of a relation's records known so far (for a preview's "replaced")."""
        return {pk: key for key, pk in self.keys[column.related, column.key].items()}

    def fetch_related(self, batch, columns):
        """Look up, in one query per related table, the natural keys this batch names."""
        wanted = defaultdict(set)
        for column in columns:
            if column.related:
                cache = self.keys[column.related, column.key]
                for item in batch:
                    for value in split(column, item.row.get(column.name)):
                        if value not in cache:
                            wanted[column.related, column.key].add(value)
        for (model, key), values in wanted.items():
            cache = self.keys[model, key]
            key_field = model._meta.get_field(key)
            typed = {}
            for value in values:
                try:
                    typed[key_field.to_python(value)] = value
                except ValidationError:
                    cache[value] = None
            for chunk in batched(typed, self.batch_size):
                # For content records, also which of them the public sees (see `record_fields`).
                status = ["publication_status"] if workflow.has_workflow(model) else []
                rows = model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk", *status)
                found = {row[0]: row[1] for row in rows}
                self.public[model].update(row[1] for row in rows if status and workflow.is_public(row[2]))
                for value in chunk:
                    cache[typed[value]] = found.get(value)

    def fetch_existing(self, keys, key_columns):
        """The records the file names that exist: {key: instance}, one query per batch."""
        if not keys:
            return {}
        manager = self.model._default_manager
        if len(key_columns) == 1:
            return manager.in_bulk(keys, field_name=key_columns[0].attribute)
        # A composite key: fetch by its first part (never empty), match the rest here.
        first = key_columns[0].model_field.attname
        attnames = [column.model_field.attname for column in key_columns]
        candidates = manager.filter(**{f"{first}__in": {key[0] for key in keys}})
        return {tuple(getattr(instance, name) for name in attnames): instance for instance in candidates}

    @staticmethod
    def fetch_relations(columns, pks):
        """The many-to-many values of existing records: {attribute: {pk: set of related pks}}."""
        found = {}
        for column in columns:
            if column.many:
                found[column.attribute] = current = defaultdict(set)
                if pks:
                    rows = column.through._default_manager.filter(**{f"{column.source_column}__in": pks})
                    for source, target in rows.values_list(column.source_column, column.target_column):
                        current[source].add(target)
        return found

    def fetch_replaced_keys(self, pending, columns):
        """The natural keys of the related records a preview shows as replaced (one query per table)."""
        for column in columns:
            if not column.related:
                continue
            cache = self.keys[column.related, column.key]
            known = set(cache.values())
            replaced = set()
            for item in pending:
                if not item.new:
                    value = item.original.get(column.attribute)
                    replaced.update(value if column.many else [value])
            missing = replaced - known - {None}
            for chunk in batched(missing, self.batch_size):
                rows = column.related._default_manager.filter(pk__in=chunk).values_list(column.key, "pk")
                cache.update(rows)
