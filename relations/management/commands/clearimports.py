"""Delete the files kept for import previews that were never confirmed and have expired.

Each new import in the admin clears them too; run this from cron where imports are rare, as
Django's `clearsessions` is run for sessions.
"""

from django.core.management.base import BaseCommand

from relations.importing import kept


class Command(BaseCommand):
    help = "Delete the files kept for import previews older than settings.IMPORT_PREVIEW_HOURS."

    def handle(self, *args, **options):
        deleted = kept.clear_expired()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired import file(s)."))
