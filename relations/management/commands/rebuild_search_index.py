"""Rebuild the search index from the records: every listed record's entry, and the index's words.

The index keeps itself in step as records change (relations.search.index); this is for a database
that was written without it: restored from a backup, migrated with records already in it, or
filled in bulk (the benchmark).
"""

from django.core.management.base import BaseCommand

from relations import cache
from relations.models import CONTENT_MODELS
from relations.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the published records."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many records would be indexed.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            total = sum(model.objects.listed().count() for model in CONTENT_MODELS)
            self.stdout.write(f"{total} records would be indexed.")
            return
        total = rebuild(stdout=self.stdout)
        cache.bump()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {total} records."))
