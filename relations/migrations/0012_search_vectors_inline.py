"""PostgreSQL keeps each search entry's vectors in the row (storage MAIN) and moves its texts out
of line first when a row is too long for a page.

A search reads the most recent entries in date order and tests each one's vector until it has its
MAX_MATCHES (relations.search.bounded), then ranks those by their vectors again. With the default
storage (EXTENDED) the toaster moves a row's largest column out of line first, and that is often a
vector: each entry tested then costs several more page reads. Measured at 100,000 events (the
benchmark's database, rewritten and compacted each way), a French search, whose vectors are the
longer: 11,901 pages read for the 2,987 entries tested, 13.3 ms; with the vectors in the row,
2,941 pages, 3.8 ms (the English vectors were in the row already: 2,940 pages either way). The
texts are read for the page's 20 snippets only.

The entries already written are written again (their trigger computes the vectors anew, which the
new storage applies to). SQLite has no such storage: nothing to do there.
"""

from django.db import migrations

TABLE = "relations_searchentry"


def storage(kind):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN vector_en SET STORAGE {kind}, ALTER COLUMN vector_fr SET STORAGE {kind}"
        )
        schema_editor.execute(f"UPDATE {TABLE} SET id = id")

    return apply


class Migration(migrations.Migration):
    dependencies = [("relations", "0011_sqlite_indexes")]

    operations = [migrations.RunPython(storage("MAIN"), storage("EXTENDED"), elidable=False)]
