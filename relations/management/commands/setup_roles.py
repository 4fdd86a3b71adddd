"""Create or update the staff roles as groups: Editor, Publisher and Importer.

The roles are defined here, in code, so that every environment has the same ones and a change to
a role is reviewed like any other change. The command is idempotent: run it after every migrate
(the README's deploy steps do). It sets each group's permissions to exactly the list below, so a
permission taken out of a list is taken away too; permissions granted to a user directly, and
other groups, are left alone.

A role names permissions by codename. A codename that does not exist (yet) is skipped with a
notice rather than failing, so a role can name a permission another part of the project adds,
such as django-import-export's `import_<model>`.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from relations.models import CONTENT_MODELS

CONTENT = [model._meta.model_name for model in CONTENT_MODELS]  # event, agreement, mission, assistanceprogram
PARTS = ["citation", "headofmission"]  # edited with their record, in its form
REFERENCE = ["country", "organisation", "track", "pillar", "source"]


def perms(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


# Role → permission codenames (all in the `relations` app). Extend a list to extend a role.
ROLES = {
    # Create and edit records, submit them for review; no publishing, no deleting records. Editors may
    # remove a citation or a head of mission while editing a draft: that is editing the record.
    "Editor": [
        *perms(["view", "add", "change"], CONTENT),
        *perms(["view", "add", "change", "delete"], PARTS),
        # Reference data is named by every public page: only publishers change it (workflow.may_change_reference).
        *perms(["view"], REFERENCE),
        *perms(["export"], CONTENT + PARTS + REFERENCE),
    ],
    # Everything an Editor may do, and publish, archive, return to draft and delete.
    "Publisher": [],  # filled in below
    # Import files of records, their citations and heads of mission, and reference data
    # (django-import-export's permissions), and see what is there. Without the Publisher role too,
    # an import may not publish or change what the public sees (relations.workflow).
    "Importer": [
        *perms(["view"], CONTENT + PARTS + REFERENCE),
        *perms(["import", "export"], CONTENT + PARTS + REFERENCE),
    ],
}
ROLES["Publisher"] = [
    *ROLES["Editor"],
    *perms(["publish", "delete"], CONTENT),
    *perms(["add", "change", "delete"], REFERENCE),
]


class Command(BaseCommand):
    help = "Create or update the Editor, Publisher and Importer groups with their permissions."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be set; write nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        say = self.stdout.write if verbosity >= 1 else (lambda *args: None)
        # Permissions are created after migrate; make sure they exist when this runs straight after.
        create_permissions(apps.get_app_config("relations"), verbosity=0)
        available = {
            permission.codename: permission
            for permission in Permission.objects.filter(content_type__app_label="relations")
        }
        with transaction.atomic():
            for name, codenames in ROLES.items():
                missing = sorted(set(codenames) - set(available))
                granted = [available[codename] for codename in dict.fromkeys(codenames) if codename in available]
                group, created = Group.objects.get_or_create(name=name)
                group.permissions.set(granted)
                say(f"{name}: {'created' if created else 'updated'}, {len(granted)} permissions")
                if missing:
                    say(self.style.NOTICE(f"  not defined (yet), skipped: {', '.join(missing)}"))
            if dry_run:
                transaction.set_rollback(True)
                say(self.style.WARNING("Dry run: nothing was written."))
                return
        say(self.style.SUCCESS("Roles set up."))
