"""Export records as CSV, XLSX or JSON files that `importrecords` and the admin import read back.

manage.py exportrecords --output-dir backup/            # every type, as CSV
manage.py exportrecords events agreements --format xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relations.formats import FORMATS_BY_NAME
from relations.resources import resources_by_stem


class Command(BaseCommand):
    help = "Export records to files named after them (events.csv, …): every type unless some are named."

    def add_arguments(self, parser):
        parser.add_argument("records", nargs="*", help=f"Which: {', '.join(resources_by_stem())} (default: all).")
        parser.add_argument("--format", default="csv", choices=sorted(FORMATS_BY_NAME), help="File format (csv).")
        parser.add_argument("--output-dir", default=".", type=Path, help="Where to write the files (here).")

    def handle(self, *args, records, format, output_dir, **options):
        by_stem = resources_by_stem()
        if unknown := sorted(set(records) - set(by_stem)):
            raise CommandError(f"No such records: {', '.join(unknown)}. Choose from {', '.join(by_stem)}.")
        file_format = FORMATS_BY_NAME[format]()
        output_dir.mkdir(parents=True, exist_ok=True)
        for stem in records or by_stem:
            resource = by_stem[stem]()
            dataset = resource.export()
            data = file_format.export_data(dataset)
            path = output_dir / f"{stem}.{file_format.get_extension()}"
            if isinstance(data, str):
                path.write_text(data, encoding="utf-8", newline="")
            else:
                path.write_bytes(data)
            self.stdout.write(f"{path}: {len(dataset)} records")
        self.stdout.write(self.style.SUCCESS("Exported."))
