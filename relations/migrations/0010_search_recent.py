"""An index of the search entries, most recent first, that a search matching many records reads in
order until it has its MAX_MATCHES (relations.search.bounded) instead of reading every match to
sort them. PostgreSQL puts NULLs first in a descending index unless told, and SQLite's index
grammar has no NULLS LAST (its NULLs sort first ascending, so last descending): one statement each."""

from django.db import migrations

STATEMENTS = {
    "postgresql": (
        "CREATE INDEX search_entry_recent_idx ON relations_searchentry (date DESC NULLS LAST, id DESC)",
        "DROP INDEX search_entry_recent_idx",
    ),
    "sqlite": (
        "CREATE INDEX search_entry_recent_idx ON relations_searchentry (date DESC, id DESC)",
        "DROP INDEX search_entry_recent_idx",
    ),
}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor in STATEMENTS:
        schema_editor.execute(STATEMENTS[schema_editor.connection.vendor][0])


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in STATEMENTS:
        schema_editor.execute(STATEMENTS[schema_editor.connection.vendor][1])


class Migration(migrations.Migration):
    dependencies = [("relations", "0009_tasks")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
