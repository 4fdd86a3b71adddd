"""Import CSV, XLSX or JSON files through the admin's resources, all or nothing.

    manage.py importrecords countries.csv organisations.csv events.xlsx --dry-run

Each file's model is known from its name, as `exportrecords` writes it ("events.csv",
"assistance-programs.xlsx"), or given with --model. Files are imported in dependency order
(reference data first) and in one transaction: if any row of any file fails, nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relations.formats import FORMATS_BY_NAME, ImportFileError
from relations.resources import RESOURCES, error_lines, resources_by_stem


class Command(BaseCommand):
    help = "Import files of records (CSV, XLSX or JSON) as the admin does: checked, then all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Files named <records>.<csv|xlsx|json>, e.g. events.csv.")
        parser.add_argument(
            "--model", choices=sorted(resources_by_stem()), help="What the files hold, if not their name."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, files, model, dry_run, **options):
        order = {resource: index for index, resource in enumerate(RESOURCES)}
        jobs = sorted(((self.resource(Path(name), model), Path(name)) for name in files), key=lambda job: order[job[0]])
        failed = False
        with transaction.atomic():
            for resource_class, path in jobs:
                try:
                    dataset = self.file_format(path)().create_dataset(path.read_bytes())
                except (ImportFileError, OSError) as error:
                    raise CommandError(f"{path}: {error}") from None
                if not len(dataset):  # an export of an empty table: its header only
                    self.stdout.write(f"{path}: no records")
                    continue
                # Not a dry run here even with --dry-run: a later file may need this one's
                # records; the whole transaction is rolled back below instead.
                result = resource_class().import_data(dataset, dry_run=False, file_name=path.name)
                totals = ", ".join(f"{count} {kind}" for kind, count in result.totals.items() if count)
                self.stdout.write(f"{path}: {totals or 'nothing'}")
                for line in error_lines(result):
                    self.stderr.write(f"{path}: {line}")
                failed = failed or result.has_errors() or result.has_validation_errors()
            if failed or dry_run:
                transaction.set_rollback(True)
        if failed:
            raise CommandError("Nothing was imported: correct the rows above and import again.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))

    @staticmethod
    def resource(path, model):
        stem = model or path.stem
        by_stem = resources_by_stem()
        if stem not in by_stem:
            raise CommandError(f"{path}: name the file after its records ({', '.join(by_stem)}) or use --model.")
        return by_stem[stem]

    @staticmethod
    def file_format(path):
        try:
            return FORMATS_BY_NAME[path.suffix.lower().lstrip(".")]
        except KeyError:
            raise CommandError(f"{path}: the file must end in .csv, .xlsx or .json.") from None
