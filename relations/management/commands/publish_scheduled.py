"""Take the editorial steps whose time has come: publish records and draft changes scheduled to go
live, archive records scheduled to expire (relations.workflow.schedule sets the times).

Meant for cron or a systemd timer, every few minutes, e.g. in the crontab of the site's user:

    */5 * * * * cd /srv/relations && .venv/bin/python manage.py publish_scheduled

Each step goes through relations.workflow, with its checks: a record that would be published
without its translations, or draft changes that no longer pass the form's checks, are not
skipped silently: each failure is written to stderr and the command exits with status 1, the
other steps still taken. --dry-run takes every step in a transaction that is rolled back, so it
reports exactly what would happen, failures included, and writes nothing.
"""

from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from relations import workflow
from relations.models import CONTENT_MODELS


class Rollback(Exception):
    pass


def applier(record, revision):
    """Apply a working copy through its admin's change form, as its scheduler."""
    model_admin = admin.site._registry[type(record)]
    request = RequestFactory().post("/")
    request.user = revision.scheduled_by

    def apply(revision):
        return model_admin._apply(request, record, revision.data, workflow.SCHEDULED_REASON)

    return apply


class Command(BaseCommand):
    help = "Publish and archive what is scheduled for now or earlier (run it from cron or a systemd timer)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; write nothing.")

    def handle(self, *args, dry_run, **options):
        now = timezone.now()
        failures = done = 0
        try:
            with transaction.atomic():
                for kind, record, revision in workflow.due(CONTENT_MODELS, now):
                    label = f"{kind}: {record._meta.verbose_name} “{record}” ({record.slug})"
                    apply = applier(record, revision) if revision is not None else None
                    try:
                        with transaction.atomic():
                            workflow.take_scheduled(kind, record, revision, apply)
                    except workflow.Refused as refusal:
                        failures += 1
                        self.stderr.write(f"FAILED {label}: {refusal}")
                        continue
                    except Exception as error:  # reported too; the other steps still run
                        failures += 1
                        self.stderr.write(f"FAILED {label}: {type(error).__name__}: {error}")
                        continue
                    done += 1
                    self.stdout.write(("would " if dry_run else "") + label)
                if dry_run:
                    raise Rollback
        except Rollback:
            pass
        summary = f"{done} scheduled step(s) {'would be ' if dry_run else ''}taken, {failures} failed."
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
