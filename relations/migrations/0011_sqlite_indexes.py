"""Indexes SQLite can use for the public lists and a record's "Date modified" (on SQLite only).

On PostgreSQL the lists read the partial `*_listed_{en,fr}_idx` indexes (relations.models.
listed_indexes): the listed records in list order, with the filtered columns as INCLUDE columns.
SQLite ignores INCLUDE (models.W040), and without statistics its planner takes any equality for a
selective one: for `publication_status = 'published'` it read every published record through the
status index and sorted them for each page (a list page cost 4 to 7 times as much at 10,000
events as at 1,000), and for a record's last published change (RecordQuerySet.with_date_modified)
it read every published history entry of the type. These indexes lead with the equalities, then
the order: a list's status, its order in each language (by its title in that language) and the
id, then the columns the filters test, as plain key columns, so that the page of ids and the
counts are read from the index alone, in order, without a sort; a history's record id, status and
date, so that the last published change is one step in the index.
"""

from django.db import migrations

# Each list's order, from its id on the same as the listed indexes'; {code}: each language's.
LISTS = [
    ("event", "relations_event", ["start_date DESC", "title_{code}", "id", "country_id", "track_id", "kind"]),
    ("agreement", "relations_agreement", ["adopted_on DESC", "title_{code}", "id", "country_id", "kind", "status"]),
    ("mission", "relations_mission", ["title_{code}", "id", "country_id", "kind", "opened_on", "closed_on"]),
    (
        "program",
        "relations_assistanceprogram",
        ["start_year DESC", "title_{code}", "id", "end_year", "sector", "status"],
    ),
]
HISTORIES = ["event", "agreement", "mission", "assistanceprogram"]
LANGUAGE_CODES = ("en", "fr")


def indexes():
    """(name, table, columns) of every index this migration makes."""
    for name, table, order in LISTS:
        for code in LANGUAGE_CODES:
            columns = ["publication_status", *(column.format(code=code) for column in order)]
            yield f"{name}_sqlite_list_{code}_idx", table, columns
    for name in HISTORIES:
        yield (
            f"historical{name}_published_idx",
            f"relations_historical{name}",
            ["id", "publication_status", "history_date"],
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, table, columns in indexes():
            schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ({", ".join(columns)})')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, _table, _columns in indexes():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("relations", "0010_search_recent")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
