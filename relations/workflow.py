"""The editorial workflow: a record's states, the steps between them, who may take each, and the
one function that takes a step.

A record is a draft, then in review when it is ready for a publisher, then published; a published
record may be archived (it stays at its address, marked as archived, out of lists). Published and
archived records are *public*. The steps are the admin's actions (`STEPS`); a status may change
only along one of them, whether in the admin or by an import.

Who may take a step comes from Django's permissions (the roles are groups: see setup_roles):
`change_<model>` lets a user edit drafts and records in review and move them between the two;
`publish_<model>` is needed for every step that starts or ends at a public status, and for any
change to a public record: what the public sees changes only with a publisher's approval.

This module imports no model: `relations.models` takes the statuses and the permission from here,
and the functions below work on any model with a `publication_status` field.
"""

from typing import NamedTuple

from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PublicationStatus(models.TextChoices):
    """Where a record is in the editorial workflow: draft → in review → published (→ archived)."""

    DRAFT = "draft", gettext_lazy("Draft")
    REVIEW = "review", gettext_lazy("In review")
    PUBLISHED = "published", gettext_lazy("Published")
    ARCHIVED = "archived", gettext_lazy("Archived")


DRAFT, REVIEW, PUBLISHED, ARCHIVED = PublicationStatus

# What the public may see at a record's URL, and what an Editor (who may not publish) may change:
# a record the public can see changes only with a Publisher's approval.
PUBLIC_STATUSES = (PUBLISHED, ARCHIVED)
UNPUBLISHED_STATUSES = (DRAFT, REVIEW)


class Step(NamedTuple):
    sources: tuple
    target: str


#: The steps of the workflow, named as the admin's actions are.
STEPS = {
    "submit_for_review": Step((DRAFT,), REVIEW),
    "publish": Step((DRAFT, REVIEW, ARCHIVED), PUBLISHED),
    "archive": Step((PUBLISHED,), ARCHIVED),
    "return_to_draft": Step((REVIEW, PUBLISHED, ARCHIVED), DRAFT),
}
#: Every (from, to) pair a status may change along.
TRANSITIONS = frozenset((source, step.target) for step in STEPS.values() for source in step.sources)


def workflow_permissions(model_name, verbose_name_plural):
    """The permissions a content type adds to Django's add/change/delete/view (see setup_roles)."""
    return [(f"publish_{model_name}", f"Can publish, archive and unpublish {verbose_name_plural}")]


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def is_public(status):
    return status in PUBLIC_STATUSES


def is_allowed(source, target):
    """Whether a status may change from `source` to `target` (staying where it is always may)."""
    return source == target or (source, target) in TRANSITIONS


def targets(source):
    """The statuses a record in `source` may move to, in the workflow's order."""
    return [status for status in PublicationStatus if (source, status) in TRANSITIONS]


def has_workflow(model):
    try:
        model._meta.get_field("publication_status")
    except FieldDoesNotExist:
        return False
    return True


def permission(model, action):
    """The full name of a permission on `model`: permission(Event, "publish") == "relations.publish_event"."""
    opts = model._meta
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def may_publish(user, model):
    """Whether `user` may set what the public sees of `model`: the `publish_<model>` permission.

    A model without the workflow (reference data) has nothing to publish, and no user (`None`)
    is a management command, trusted like `loaddata`.
    """
    return user is None or not has_workflow(model) or user.has_perm(permission(model, "publish"))


def may_change_reference(user):
    """Whether `user` may add or change reference data (countries, organisations, tracks, pillars,
    sources), which every public page shows at once: publishers only (a publish permission on any
    content type), and management commands (`None`)."""
    return (
        user is None
        or user.is_superuser
        or any(permission.split(".", 1)[1].startswith("publish_") for permission in user.get_all_permissions())
    )


def may_change(user, model, *statuses):
    """Whether a user who may edit records of `model` (change them, or import them) may make a
    change that starts or ends at `statuses`: one that touches a public record needs a publisher."""
    return not any(is_public(status) for status in statuses) or may_publish(user, model)


def may_change_record(user, record):
    """A draft or a record in review is open to editors; a public record only to publishers."""
    return may_change(user, type(record), record.publication_status)


def settable_statuses(user, model):
    """The statuses `user` may give a record of `model`: all for a publisher, else the unpublished ones."""
    return list(PublicationStatus) if may_publish(user, model) else list(UNPUBLISHED_STATUSES)


def may_preview(user, model):
    """Whether `user` may open a record of `model` in any status (a staff preview): staff with the
    view permission."""
    return user.is_staff and user.has_perm(permission(model, "view"))


# ---------------------------------------------------------------------------------------------
# Taking a step
# ---------------------------------------------------------------------------------------------


class Refused(Exception):
    """A step the workflow does not take; `str()` says why, for the person who asked."""


class NotAStep(Refused):
    def __init__(self, source, target):
        self.source, self.target = source, target
        super().__init__(not_a_step_message(source, target))


class NotPermitted(Refused):
    def __init__(self):
        super().__init__(_("Only a publisher may change a published or archived record, or publish one."))


class Untranslated(Refused):
    def __init__(self, record, missing):
        self.missing = missing
        names = ", ".join(str(record._meta.get_field(name).verbose_name) for name in missing)
        super().__init__(
            _(
                "“%(record)s” was not published: it has no %(missing)s. A public record needs its title and "
                "summary in English and in French."
            )
            % {"record": record, "missing": names}
        )


def not_a_step_message(source, target):
    labels = ", ".join(_("“%(status)s”") % {"status": PublicationStatus(status).label} for status in targets(source))
    return _("A record cannot go from “%(source)s” to “%(target)s”; from “%(source)s” it can go to %(targets)s.") % {
        "source": PublicationStatus(source).label,
        "target": PublicationStatus(target).label,
        "targets": labels,
    }


def check(user, record, target):
    """Raise `Refused` unless `user` may move `record` (as it is stored) to `target`.

    The step must be one of `STEPS`; the user needs `change_<model>`, and `publish_<model>` too if
    the record is public before or after; a record becomes public only with its translations.
    """
    source = record.publication_status
    if not is_allowed(source, target):
        raise NotAStep(source, target)
    model = type(record)
    if user is not None and not user.has_perm(permission(model, "change")):
        raise NotPermitted
    if not may_change(user, model, source, target):
        raise NotPermitted
    if is_public(target) and (missing := record.missing_translations()):
        raise Untranslated(record, missing)


def transition(record, target, user):
    """Move one record to `target` for `user`, or raise `Refused` (see `check`).

    Saved on its own, so that the change has its own entry in the record's history, with the user.
    The save drops the public pages' cache now and again when the transaction commits
    (relations.signals → relations.cache.bump, the one path every saved change takes).
    """
    check(user, record, target)
    record.publication_status = target
    record._history_user = user
    record.save(update_fields=["publication_status", "updated_at"])
