"""Load the registry's fixtures without overwriting what staff have edited.

`loaddata` replaces every record a fixture names. This command adds only the records that are
not in the database yet (matched by natural key), so it is safe to run on every start: a new
fixture's records arrive, and a record staff have changed stays as they left it.

Fixtures load in one order whatever their names: reference data first (content records name countries,
organisations, tracks and sources by natural key), then the rest alphabetically.
"""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

from relations.cache import bump
from relations.search import index as search_index

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
            # The records' raw saves marked them for the search index: index them now, in this
            # transaction, rather than when it commits (relations.search.index).
            search_index.flush()
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
                return
        # Raw saves send post_save, but history and deferred fields are written in bulk: drop the
        # public pages' cache once more, explicitly.
        bump()
        self.stdout.write(self.style.SUCCESS("Fixtures loaded."))

    def load(self, path):
        added = kept = 0
        deferred = []
        created = []
        with path.open(encoding="utf-8") as stream:
            for obj in serializers.deserialize("json", stream, handle_forward_references=True):
                # The deserializer sets the primary key when the natural key is already in the database.
                if obj.object.pk is not None:
                    kept += 1
                    continue
                obj.save()
                added += 1
                created.append(obj.object)
                if obj.deferred_fields:
                    deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
        self.start_history(created)
        return added, kept

    def start_history(self, records):
        """Give each added record that has a history its first entry, dated when it was last modified.

        A fixture is loaded raw, which records no history; without this a record's history (and the
        earliest version it can be restored to) would begin only at its first edit.
        """
        by_model = defaultdict(list)
        for record in records:
            if getattr(record, "updated_at", None):
                record._history_date = record.updated_at
            by_model[type(record)].append(record)
        for model, added in by_model.items():
            try:
                history = get_history_manager_for_model(model)
            except NotHistoricalModelError:
                continue
            history.bulk_history_create(added, default_change_reason="Loaded from the fixtures")
