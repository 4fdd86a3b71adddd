"""English and French: every text a reader sees gets a column per language.

The existing columns become the English ones (renamed, so nothing is lost) and French columns are
added beside them, empty: publishing needs them filled (Record.clean). Reference names must be
unique in each language, so an existing name is copied into the French column until it is
translated. On PostgreSQL each content table gets a French search vector beside the English one,
kept by the same trigger with the `french` configuration (relations.models.SEARCH_CONFIGS).
"""

import django.contrib.postgres.search
from django.db import migrations, models

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

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION relations_record_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def bilingual_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table in SEARCH_TABLES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {table}_search_idx RENAME TO {table}_search_en_idx")
        schema_editor.execute(f"CREATE INDEX {table}_search_fr_idx ON {table} USING gin (search_vector_fr)")
        schema_editor.execute(f"UPDATE {table} SET title_en = title_en")  # fires the trigger


def english_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_FUNCTION)
    for table in SEARCH_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_fr_idx")
        schema_editor.execute(f"ALTER INDEX IF EXISTS {table}_search_en_idx RENAME TO {table}_search_idx")


def copy_names_to_french(apps, schema_editor):
    for name in ["Country", "Organisation", "Track", "Pillar"]:
        model = apps.get_model("relations", name)
        model.objects.filter(name_fr="").update(name_fr=models.F("name_en"))


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0004_import_export_permissions"),
    ]

    operations = [
        migrations.RenameField("country", "name", "name_en"),
        migrations.RenameField("organisation", "name", "name_en"),
        migrations.RenameField("organisation", "acronym", "acronym_en"),
        migrations.RenameField("organisation", "description", "description_en"),
        migrations.RenameField("track", "name", "name_en"),
        migrations.RenameField("track", "description", "description_en"),
        migrations.RenameField("pillar", "name", "name_en"),
        migrations.RenameField("pillar", "description", "description_en"),
        migrations.RenameField("source", "bibliographic_details", "bibliographic_details_en"),
        migrations.RenameField("source", "notes", "notes_en"),
        migrations.RenameField("event", "title", "title_en"),
        migrations.RenameField("historicalevent", "title", "title_en"),
        migrations.RenameField("event", "summary", "summary_en"),
        migrations.RenameField("historicalevent", "summary", "summary_en"),
        migrations.RenameField("event", "body", "body_en"),
        migrations.RenameField("historicalevent", "body", "body_en"),
        migrations.RenameField("event", "city", "city_en"),
        migrations.RenameField("historicalevent", "city", "city_en"),
        migrations.RenameField("agreement", "title", "title_en"),
        migrations.RenameField("historicalagreement", "title", "title_en"),
        migrations.RenameField("agreement", "summary", "summary_en"),
        migrations.RenameField("historicalagreement", "summary", "summary_en"),
        migrations.RenameField("agreement", "body", "body_en"),
        migrations.RenameField("historicalagreement", "body", "body_en"),
        migrations.RenameField("agreement", "city", "city_en"),
        migrations.RenameField("historicalagreement", "city", "city_en"),
        migrations.RenameField("mission", "title", "title_en"),
        migrations.RenameField("historicalmission", "title", "title_en"),
        migrations.RenameField("mission", "summary", "summary_en"),
        migrations.RenameField("historicalmission", "summary", "summary_en"),
        migrations.RenameField("mission", "body", "body_en"),
        migrations.RenameField("historicalmission", "body", "body_en"),
        migrations.RenameField("mission", "city", "city_en"),
        migrations.RenameField("historicalmission", "city", "city_en"),
        migrations.RenameField("assistanceprogram", "title", "title_en"),
        migrations.RenameField("historicalassistanceprogram", "title", "title_en"),
        migrations.RenameField("assistanceprogram", "summary", "summary_en"),
        migrations.RenameField("historicalassistanceprogram", "summary", "summary_en"),
        migrations.RenameField("assistanceprogram", "body", "body_en"),
        migrations.RenameField("historicalassistanceprogram", "body", "body_en"),
        migrations.RenameField("headofmission", "title", "title_en"),
        migrations.RenameField("historicalheadofmission", "title", "title_en"),
        migrations.RenameField("headofmission", "note", "note_en"),
        migrations.RenameField("historicalheadofmission", "note", "note_en"),
        migrations.RenameField("citation", "note", "note_en"),
        migrations.RenameField("historicalcitation", "note", "note_en"),
        migrations.RenameField("citation", "discrepancy", "discrepancy_en"),
        migrations.RenameField("historicalcitation", "discrepancy", "discrepancy_en"),
        migrations.RenameField("event", "search_vector", "search_vector_en"),
        migrations.RenameField("agreement", "search_vector", "search_vector_en"),
        migrations.RenameField("mission", "search_vector", "search_vector_en"),
        migrations.RenameField("assistanceprogram", "search_vector", "search_vector_en"),
        migrations.AlterModelOptions(
            name="agreement",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["-adopted_on", "title_en"],
                "permissions": [("publish_agreement", "Can publish, archive and unpublish agreements")],
                "verbose_name": "agreement",
                "verbose_name_plural": "agreements",
            },
        ),
        migrations.AlterModelOptions(
            name="assistanceprogram",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["-start_year", "title_en"],
                "permissions": [
                    ("publish_assistanceprogram", "Can publish, archive and unpublish assistance programs")
                ],
                "verbose_name": "assistance program",
                "verbose_name_plural": "assistance programs",
            },
        ),
        migrations.AlterModelOptions(
            name="country",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["name_en"],
                "verbose_name": "country",
                "verbose_name_plural": "countries",
            },
        ),
        migrations.AlterModelOptions(
            name="event",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["-start_date", "title_en"],
                "permissions": [("publish_event", "Can publish, archive and unpublish events")],
                "verbose_name": "event",
                "verbose_name_plural": "events",
            },
        ),
        migrations.AlterModelOptions(
            name="mission",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["title_en"],
                "permissions": [("publish_mission", "Can publish, archive and unpublish missions")],
                "verbose_name": "mission",
                "verbose_name_plural": "missions",
            },
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["name_en"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AlterModelOptions(
            name="pillar",
            options={
                "default_permissions": ("add", "change", "delete", "view", "import", "export"),
                "ordering": ["name_en"],
                "verbose_name": "pillar",
                "verbose_name_plural": "pillars",
            },
        ),
        migrations.RemoveIndex(
            model_name="agreement",
            name="agreement_order_idx",
        ),
        migrations.RemoveIndex(
            model_name="assistanceprogram",
            name="program_order_idx",
        ),
        migrations.RemoveIndex(
            model_name="event",
            name="event_order_idx",
        ),
        migrations.RemoveIndex(
            model_name="mission",
            name="mission_title_idx",
        ),
        migrations.AddField(
            model_name="agreement",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="agreement",
            name="search_vector_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False),
        ),
        migrations.AddField(
            model_name="agreement",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="assistanceprogram",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="assistanceprogram",
            name="search_vector_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False),
        ),
        migrations.AddField(
            model_name="assistanceprogram",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="assistanceprogram",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="citation",
            name="discrepancy_fr",
            field=models.TextField(
                blank=True,
                help_text="Where the source contradicts itself here (e.g. a heading naming another year than the paragraph below it): what it says, and which reading the record follows. Shown on the public page.",
                verbose_name="source discrepancy (French)",
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="note_fr",
            field=models.TextField(blank=True, verbose_name="note (French)"),
        ),
        migrations.AddField(
            model_name="country",
            name="name_fr",
            field=models.CharField(default="", max_length=100, verbose_name="name (French)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="event",
            name="search_vector_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False),
        ),
        migrations.AddField(
            model_name="event",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="headofmission",
            name="note_fr",
            field=models.TextField(blank=True, verbose_name="note (French)"),
        ),
        migrations.AddField(
            model_name="headofmission",
            name="title_fr",
            field=models.CharField(
                default="",
                help_text="E.g. Ambassador of Canada to ASEAN.",
                max_length=200,
                verbose_name="title (French)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="historicalassistanceprogram",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="historicalassistanceprogram",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="historicalassistanceprogram",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="discrepancy_fr",
            field=models.TextField(
                blank=True,
                help_text="Where the source contradicts itself here (e.g. a heading naming another year than the paragraph below it): what it says, and which reading the record follows. Shown on the public page.",
                verbose_name="source discrepancy (French)",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="note_fr",
            field=models.TextField(blank=True, verbose_name="note (French)"),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="historicalheadofmission",
            name="note_fr",
            field=models.TextField(blank=True, verbose_name="note (French)"),
        ),
        migrations.AddField(
            model_name="historicalheadofmission",
            name="title_fr",
            field=models.CharField(
                default="",
                help_text="E.g. Ambassador of Canada to ASEAN.",
                max_length=200,
                verbose_name="title (French)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmission",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="historicalmission",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="historicalmission",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="historicalmission",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="mission",
            name="body_fr",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (French)"
            ),
        ),
        migrations.AddField(
            model_name="mission",
            name="city_fr",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (French)"),
        ),
        migrations.AddField(
            model_name="mission",
            name="search_vector_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, serialize=False),
        ),
        migrations.AddField(
            model_name="mission",
            name="summary_fr",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="mission",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="acronym_fr",
            field=models.CharField(
                blank=True,
                help_text="E.g. ASEAN in English, ANASE in French.",
                max_length=30,
                verbose_name="acronym (French)",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_fr",
            field=models.CharField(default="", max_length=200, verbose_name="name (French)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pillar",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="pillar",
            name="name_fr",
            field=models.CharField(default="", max_length=100, verbose_name="name (French)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="source",
            name="bibliographic_details_fr",
            field=models.TextField(
                blank=True,
                help_text="Journal, volume, pages, ISSN, or a file reference.",
                verbose_name="bibliographic details (French)",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="notes_fr",
            field=models.TextField(
                blank=True,
                help_text="What a reader should know about the document, e.g. known errors.",
                verbose_name="notes (French)",
            ),
        ),
        migrations.AddField(
            model_name="track",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="track",
            name="name_fr",
            field=models.CharField(default="", max_length=100, verbose_name="name (French)"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="agreement",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="assistanceprogram",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="assistanceprogram",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="assistanceprogram",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="citation",
            name="discrepancy_en",
            field=models.TextField(
                blank=True,
                help_text="Where the source contradicts itself here (e.g. a heading naming another year than the paragraph below it): what it says, and which reading the record follows. Shown on the public page.",
                verbose_name="source discrepancy (English)",
            ),
        ),
        migrations.AlterField(
            model_name="citation",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        migrations.AlterField(
            model_name="country",
            name="name_en",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (English)"),
        ),
        migrations.AlterField(
            model_name="event",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="event",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="headofmission",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        migrations.AlterField(
            model_name="headofmission",
            name="title_en",
            field=models.CharField(
                help_text="E.g. Ambassador of Canada to ASEAN.", max_length=200, verbose_name="title (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreement",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreement",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="historicalagreement",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreement",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="historicalassistanceprogram",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalassistanceprogram",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalassistanceprogram",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="discrepancy_en",
            field=models.TextField(
                blank=True,
                help_text="Where the source contradicts itself here (e.g. a heading naming another year than the paragraph below it): what it says, and which reading the record follows. Shown on the public page.",
                verbose_name="source discrepancy (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="historicalheadofmission",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        migrations.AlterField(
            model_name="historicalheadofmission",
            name="title_en",
            field=models.CharField(
                help_text="E.g. Ambassador of Canada to ASEAN.", max_length=200, verbose_name="title (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalmission",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalmission",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="historicalmission",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmission",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="mission",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="The full account, if the summary is not enough.", verbose_name="body (English)"
            ),
        ),
        migrations.AlterField(
            model_name="mission",
            name="city_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="city (English)"),
        ),
        migrations.AlterField(
            model_name="mission",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences in plain words, shown in lists.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="mission",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="acronym_en",
            field=models.CharField(
                blank=True,
                help_text="E.g. ASEAN in English, ANASE in French.",
                max_length=30,
                verbose_name="acronym (English)",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name_en",
            field=models.CharField(max_length=200, unique=True, verbose_name="name (English)"),
        ),
        migrations.AlterField(
            model_name="pillar",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AlterField(
            model_name="pillar",
            name="name_en",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (English)"),
        ),
        migrations.AlterField(
            model_name="source",
            name="bibliographic_details_en",
            field=models.TextField(
                blank=True,
                help_text="Journal, volume, pages, ISSN, or a file reference.",
                verbose_name="bibliographic details (English)",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="notes_en",
            field=models.TextField(
                blank=True,
                help_text="What a reader should know about the document, e.g. known errors.",
                verbose_name="notes (English)",
            ),
        ),
        migrations.AlterField(
            model_name="track",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AlterField(
            model_name="track",
            name="name_en",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (English)"),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["-adopted_on", "title_en"], name="agreement_order_idx"),
        ),
        migrations.AddIndex(
            model_name="assistanceprogram",
            index=models.Index(fields=["-start_year", "title_en"], name="program_order_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["-start_date", "title_en"], name="event_order_idx"),
        ),
        migrations.AddIndex(
            model_name="mission",
            index=models.Index(fields=["title_en"], name="mission_title_idx"),
        ),
        migrations.RunPython(copy_names_to_french, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="country",
            name="name_fr",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (French)"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name_fr",
            field=models.CharField(max_length=200, unique=True, verbose_name="name (French)"),
        ),
        migrations.AlterField(
            model_name="pillar",
            name="name_fr",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (French)"),
        ),
        migrations.AlterField(
            model_name="track",
            name="name_fr",
            field=models.CharField(max_length=100, unique=True, verbose_name="name (French)"),
        ),
        migrations.RunPython(bilingual_search, english_search, elidable=False),
    ]
