"""Load the registry's fixtures without overwriting what staff have edited.

`loaddata` replaces every record a fixture names. This command adds only the records that are
not in the database yet (matched by natural key), so it is safe to run on every start: a new
fixture's records arrive, and a record staff have changed stays as they left it.

Fixtures load in one order whatever their names: reference data first (content records name countries,
organisations, tracks and sources by natural key), then the rest alphabetically.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

REFERENCE_FIXTURE = "reference.json"


class Command(BaseCommand):
    help = "Add the records of the JSON fixtures in FIXTURE_DIRS that the database does not have yet."

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help="Fixture files (default: every *.json in FIXTURE_DIRS).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be added; write nothing.")

    def handle(self, *args, fixtures, dry_run, **options):
        paths = [Path(name) for name in fixtures] or sorted(
            (path for directory in settings.FIXTURE_DIRS for path in Path(directory).glob("*.json")),
            key=lambda path: (path.name != REFERENCE_FIXTURE, path.name),
        )
        if missing := [str(path) for path in paths if not path.is_file()]:
            raise CommandError(f"No such fixture: {', '.join(missing)}")

        with transaction.atomic():
            for path in paths:
                added, kept = self.load(path)
                self.stdout.write(f"{path.name}: {added} added, {kept} already present")
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
                return
        self.stdout.write(self.style.SUCCESS("Fixtures loaded."))

    def load(self, path):
        added = kept = 0
        deferred = []
        with path.open(encoding="utf-8") as stream:
            for obj in serializers.deserialize("json", stream, handle_forward_references=True):
                # The deserializer sets the primary key when the natural key is already in the database.
                if obj.object.pk is not None:
                    kept += 1
                    continue
                obj.save()
                added += 1
                if obj.deferred_fields:
                    deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
        return added, kept
