"""Restore a backup made by `manage.py backup`, in one transaction.

    manage.py migrate && manage.py restore backup-20261125-180000.xml.gz
    manage.py restore backup.xml.gz --replace     # empty what a backup holds first

It refuses a database that already holds any of what a backup holds (records, reference data,
history, accounts, groups, the admin's log) unless `--replace` is given, in which case those
tables are emptied first, in the same transaction: if loading fails, nothing has changed.
Content types and permissions are those `migrate` created, matched by natural key.
"""

from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from relations.cache import bump

from .backup import BACKUP_LABELS


def backed_up_models():
    models = []
    for label in BACKUP_LABELS:
        app_label, _, model_name = label.partition(".")
        config = apps.get_app_config(app_label)
        models += [config.get_model(model_name)] if model_name else list(config.get_models())
    return models


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .xml.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--replace", action="store_true", help="Empty what a backup holds first, instead of refusing."
        )

    def handle(self, *args, file, replace, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        models = backed_up_models()
        # Content types are matched by natural key: forget any ids remembered from before a flush.
        ContentType.objects.clear_cache()
        with transaction.atomic():
            present = [model._meta.label for model in models if model._default_manager.exists()]
            if present and not replace:
                raise CommandError(
                    f"The database is not empty ({', '.join(present[:5])}…): restore into an empty, migrated "
                    "database, or give --replace to empty these tables first."
                )
            if present:
                tables = [model._meta.db_table for model in models]
                tables += [field.m2m_db_table() for model in models for field in model._meta.local_many_to_many]
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses tables with foreign-key checks still pending in this transaction.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
                connection.ops.execute_sql_flush(statements)
            call_command("loaddata", str(path.resolve()), verbosity=0)
        bump()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
