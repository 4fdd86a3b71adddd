"""The search index (relations.search): its table, and each database's full-text index over it.

The old search vectors on the content tables (0002_search_triggers) go: their trigger first.
PostgreSQL: the unaccent and pg_trgm extensions; text search configurations `relations_en` and
`relations_fr` (English or French stemming after unaccent); a trigger that fills each entry's
weighted vectors (title A, summary and names B, body C); a GIN index per vector and a trigram
index on the words. SQLite: an FTS5 table over the entries (Porter stemming over `unicode61
remove_diacritics 2`) and an FTS5 trigram table over the words, each kept by triggers. The
entries themselves are written by relations.search.index: `manage.py rebuild_search_index`
fills the index of a database migrated with records already in it.
"""

import django.contrib.postgres.search
from django.db import migrations, models


SEARCH_TABLES = ["relations_event", "relations_agreement", "relations_mission", "relations_assistanceprogram"]


def drop_old_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCH_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS relations_record_search_vector()")


POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION relations_en (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION relations_en ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION relations_fr (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION relations_fr ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, french_stem",
    """
CREATE FUNCTION relations_search_entry_vectors() RETURNS trigger AS $$
BEGIN
    NEW.vector_en :=
        setweight(to_tsvector('relations_en', NEW.title_en), 'A')
        || setweight(to_tsvector('relations_en', NEW.summary_en), 'B')
        || setweight(to_tsvector('relations_en', NEW.names_en), 'B')
        || setweight(to_tsvector('relations_en', NEW.body_en), 'C');
    NEW.vector_fr :=
        setweight(to_tsvector('relations_fr', NEW.title_fr), 'A')
        || setweight(to_tsvector('relations_fr', NEW.summary_fr), 'B')
        || setweight(to_tsvector('relations_fr', NEW.names_fr), 'B')
        || setweight(to_tsvector('relations_fr', NEW.body_fr), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER relations_searchentry_vectors BEFORE INSERT OR UPDATE ON relations_searchentry "
    "FOR EACH ROW EXECUTE FUNCTION relations_search_entry_vectors()",
    "CREATE INDEX relations_searchentry_en_idx ON relations_searchentry USING gin (vector_en)",
    "CREATE INDEX relations_searchentry_fr_idx ON relations_searchentry USING gin (vector_fr)",
    "CREATE INDEX relations_searchterm_trigram_idx ON relations_searchterm USING gin (term gin_trgm_ops)",
]

POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS relations_searchterm_trigram_idx",
    "DROP TRIGGER IF EXISTS relations_searchentry_vectors ON relations_searchentry",
    "DROP FUNCTION IF EXISTS relations_search_entry_vectors()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS relations_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS relations_fr",
]

COLUMNS = "title_en, summary_en, names_en, body_en, title_fr, summary_fr, names_fr, body_fr"
OLD_COLUMNS = ", ".join(f"old.{name}" for name in COLUMNS.split(", "))
NEW_COLUMNS = ", ".join(f"new.{name}" for name in COLUMNS.split(", "))

SQLITE = [
    f"CREATE VIRTUAL TABLE relations_searchentry_fts USING fts5({COLUMNS}, content='relations_searchentry', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER relations_searchentry_fts_insert AFTER INSERT ON relations_searchentry BEGIN
    INSERT INTO relations_searchentry_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW_COLUMNS});
END""",
    f"""CREATE TRIGGER relations_searchentry_fts_delete AFTER DELETE ON relations_searchentry BEGIN
    INSERT INTO relations_searchentry_fts(relations_searchentry_fts, rowid, {COLUMNS})
    VALUES ('delete', old.id, {OLD_COLUMNS});
END""",
    f"""CREATE TRIGGER relations_searchentry_fts_update AFTER UPDATE ON relations_searchentry BEGIN
    INSERT INTO relations_searchentry_fts(relations_searchentry_fts, rowid, {COLUMNS})
    VALUES ('delete', old.id, {OLD_COLUMNS});
    INSERT INTO relations_searchentry_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW_COLUMNS});
END""",
    "CREATE VIRTUAL TABLE relations_searchterm_trigram USING fts5(term, content='relations_searchterm', "
    "content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER relations_searchterm_trigram_insert AFTER INSERT ON relations_searchterm BEGIN
    INSERT INTO relations_searchterm_trigram(rowid, term) VALUES (new.id, new.term);
END""",
    """CREATE TRIGGER relations_searchterm_trigram_delete AFTER DELETE ON relations_searchterm BEGIN
    INSERT INTO relations_searchterm_trigram(relations_searchterm_trigram, rowid, term)
    VALUES ('delete', old.id, old.term);
END""",
]

SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS relations_searchterm_trigram",
    "DROP TABLE IF EXISTS relations_searchentry_fts",
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


create_index = run({"postgresql": POSTGRESQL, "sqlite": SQLITE})
drop_index = run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):

    dependencies = [
        ('relations', '0007_visuals'),
    ]

    operations = [
        migrations.RunPython(drop_old_vectors, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(
            model_name='agreement',
            name='search_vector_en',
        ),
        migrations.RemoveField(
            model_name='agreement',
            name='search_vector_fr',
        ),
        migrations.RemoveField(
            model_name='assistanceprogram',
            name='search_vector_en',
        ),
        migrations.RemoveField(
            model_name='assistanceprogram',
            name='search_vector_fr',
        ),
        migrations.RemoveField(
            model_name='event',
            name='search_vector_en',
        ),
        migrations.RemoveField(
            model_name='event',
            name='search_vector_fr',
        ),
        migrations.RemoveField(
            model_name='mission',
            name='search_vector_en',
        ),
        migrations.RemoveField(
            model_name='mission',
            name='search_vector_fr',
        ),
        migrations.AddField(
            model_name='country',
            name='also_known_as_en',
            field=models.TextField(blank=True, help_text="Other names search should know, separated by commas: on the first line the country's, e.g. “Vietnam, Viêt Nam”; then one line per city, its names, e.g. “Jakarta, Djakarta”. A record that names the country, or is placed in the city, is found by any of them.", verbose_name='also known as (English)'),
        ),
        migrations.AddField(
            model_name='country',
            name='also_known_as_fr',
            field=models.TextField(blank=True, help_text="Other names search should know, separated by commas: on the first line the country's, e.g. “Vietnam, Viêt Nam”; then one line per city, its names, e.g. “Jakarta, Djakarta”. A record that names the country, or is placed in the city, is found by any of them.", verbose_name='also known as (French)'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='also_known_as_en',
            field=models.TextField(blank=True, help_text='Other names and acronyms search should know, separated by commas, e.g. “ASEAN-Canada JCC, Joint Cooperation Committee”. A record that names the organisation is found by any of them.', verbose_name='also known as (English)'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='also_known_as_fr',
            field=models.TextField(blank=True, help_text='Other names and acronyms search should know, separated by commas, e.g. “ASEAN-Canada JCC, Joint Cooperation Committee”. A record that names the organisation is found by any of them.', verbose_name='also known as (French)'),
        ),
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=10)),
                ('term', models.CharField(max_length=100)),
            ],
            options={
                'ordering': ['language', 'term'],
                'constraints': [models.UniqueConstraint(fields=('language', 'term'), name='search_term_unique')],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record_type', models.CharField(max_length=30)),
                ('record_id', models.PositiveIntegerField()),
                ('year', models.PositiveSmallIntegerField(null=True)),
                ('date', models.DateField(null=True)),
                ('title_en', models.TextField(verbose_name='title (English)')),
                ('title_fr', models.TextField(verbose_name='title (French)')),
                ('summary_en', models.TextField(verbose_name='summary (English)')),
                ('summary_fr', models.TextField(verbose_name='summary (French)')),
                ('names_en', models.TextField(verbose_name='names (English)')),
                ('names_fr', models.TextField(verbose_name='names (French)')),
                ('body_en', models.TextField(verbose_name='body (English)')),
                ('body_fr', models.TextField(verbose_name='body (French)')),
                ('vector_en', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('vector_fr', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('countries', models.ManyToManyField(related_name='search_entries', to='relations.country')),
                ('pillars', models.ManyToManyField(related_name='search_entries', to='relations.pillar')),
            ],
            options={
                'ordering': ['-date', 'id'],
                'indexes': [models.Index(fields=['year'], name='search_entry_year_idx')],
                'constraints': [models.UniqueConstraint(fields=('record_type', 'record_id'), name='search_entry_unique')],
            },
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
        # The reference data's history (0005_editorial) keeps the other names too.
        migrations.AddField(
            model_name='historicalcountry',
            name='also_known_as_en',
            field=models.TextField(blank=True, help_text="Other names search should know, separated by commas: on the first line the country's, e.g. “Vietnam, Viêt Nam”; then one line per city, its names, e.g. “Jakarta, Djakarta”. A record that names the country, or is placed in the city, is found by any of them.", verbose_name='also known as (English)'),
        ),
        migrations.AddField(
            model_name='historicalcountry',
            name='also_known_as_fr',
            field=models.TextField(blank=True, help_text="Other names search should know, separated by commas: on the first line the country's, e.g. “Vietnam, Viêt Nam”; then one line per city, its names, e.g. “Jakarta, Djakarta”. A record that names the country, or is placed in the city, is found by any of them.", verbose_name='also known as (French)'),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='also_known_as_en',
            field=models.TextField(blank=True, help_text='Other names and acronyms search should know, separated by commas, e.g. “ASEAN-Canada JCC, Joint Cooperation Committee”. A record that names the organisation is found by any of them.', verbose_name='also known as (English)'),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='also_known_as_fr',
            field=models.TextField(blank=True, help_text='Other names and acronyms search should know, separated by commas, e.g. “ASEAN-Canada JCC, Joint Cooperation Committee”. A record that names the organisation is found by any of them.', verbose_name='also known as (French)'),
        ),
    ]
