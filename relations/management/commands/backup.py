"""Back up the whole registry to one gzipped XML file.

    manage.py backup                          # backup-<date>-<time>.xml.gz in the current directory
    manage.py backup --output /backups/registry.xml.gz

What it holds is `BACKUP_LABELS`: the reference data, the records, their citations, heads of
mission and history (this app), the staff's accounts and groups with their permissions, and the
admin's log. Primary keys are kept (the history refers to records by id); content types and
permissions, which `migrate` creates with ids of its own, are referred to by natural key. Sessions
and sign-in lockouts are not kept. XML rather than JSON because Django's JSON encoder cuts times
to the millisecond, and a restored record must be identical. `manage.py restore FILE` loads it
back (see there).
"""

import gzip
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

#: What a backup holds, as dumpdata labels; `restore` empties the same before loading.
BACKUP_LABELS = ["auth.group", "auth.user", "relations", "admin.logentry"]
#: What is derived from the rest and left out: the search index, which a restore rebuilds as it
#: loads the records (relations.search.index).
DERIVED = ["relations.SearchEntry", "relations.SearchTerm"]


class Command(BaseCommand):
    help = "Back up the registry (records, reference data, history, staff accounts) to a gzipped XML file."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The file to write (default: backup-<date>-<time>.xml.gz).")

    def handle(self, *args, output, **options):
        path = Path(output or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.xml.gz")
        if not path.name.endswith(".xml.gz"):
            path = path.with_name(f"{path.name}.xml.gz")
        # One snapshot of the whole database, even while staff are editing: on PostgreSQL every
        # query of the dump sees the same state (REPEATABLE READ); SQLite's transaction is one already.
        outermost = not connection.in_atomic_block
        with transaction.atomic(), gzip.open(path, "wt", encoding="utf-8") as stream:
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command(
                "dumpdata",
                *BACKUP_LABELS,
                exclude=DERIVED,
                format="xml",
                natural_foreign=True,
                stdout=stream,
                verbosity=0,
            )
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({path.stat().st_size:,} bytes)."))
