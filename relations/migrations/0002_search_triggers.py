"""Full-text search on PostgreSQL: a trigger keeps each content table's two search vectors filled.

On every insert and update (loaddata's raw saves included) the trigger sets `search_vector_en`
from the English title, summary and body (weights A, B, C) with the `english` text search
configuration, and `search_vector_fr` from the French ones with `french`: the configurations
of relations.models.SEARCH_CONFIGS, which queries use (change both together). A GIN index per
vector serves the searches. SQLite keeps the empty columns and searches with icontains instead,
so there this migration does nothing.
"""

from django.db import migrations

SEARCH_TABLES = ["relations_event", "relations_agreement", "relations_mission", "relations_assistanceprogram"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION relations_record_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector_en :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title_en, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary_en, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body_en, '')), 'C');
    NEW.search_vector_fr :=
        setweight(to_tsvector('french'::regconfig, coalesce(NEW.title_fr, '')), 'A')
        || setweight(to_tsvector('french'::regconfig, coalesce(NEW.summary_fr, '')), 'B')
        || setweight(to_tsvector('french'::regconfig, coalesce(NEW.body_fr, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table in SEARCH_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION relations_record_search_vector()"
        )
        for language in ("en", "fr"):
            schema_editor.execute(
                f"CREATE INDEX {table}_search_{language}_idx ON {table} USING gin (search_vector_{language})"
            )
        # Fires the trigger on any rows already there.
        schema_editor.execute(f"UPDATE {table} SET title_en = title_en")


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCH_TABLES:
        for language in ("en", "fr"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_{language}_idx")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS relations_record_search_vector()")


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
