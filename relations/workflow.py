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

A public record is never edited in place by its change form: an edit is kept as its *working
copy* (a `Revision`, the form's data), the public keeps seeing the live version, and a publisher
publishes the working copy (`publish_revision`, one transaction) or anyone who may edit discards
it. The working copy may be submitted for review with a comment and returned with one; restoring
an earlier version makes a working copy too (`restore`). Every such event is an `EditorialNote`.

This module imports no model: `relations.models` takes the statuses and the permission from here,
the functions below work on any model with a `publication_status` field, and the working copies
are looked up by name (`apps.get_model`).
"""

from typing import NamedTuple

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
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


def may_edit(user, record):
    """Whether `user` may edit `record` in its change form: anyone with `change_<model>`; the edit
    of a public record is kept as its working copy (`edits_go_to_draft`)."""
    return user.has_perm(permission(type(record), "change"))


def edits_go_to_draft(record):
    """Whether the change form's save of `record` is kept as a working copy: a public record's is."""
    return record.pk is not None and is_public(record.publication_status)


def may_change_reference(user):
    """Whether `user` may add, change or delete reference data (countries, organisations, tracks,
    pillars, sources), in the admin or by an import: what every public page names, so a publisher's
    job (a user who may publish some content type). No user (a management command) is trusted."""
    if user is None:
        return True
    return user.is_active and any(perm.startswith("relations.publish_") for perm in user.get_all_permissions())


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


def transition(record, target, user, reason=None):
    """Move one record to `target` for `user`, or raise `Refused` (see `check`).

    Saved on its own, so that the change has its own entry in the record's history, with the user.
    The save drops the public pages' cache now and again when the transaction commits
    (relations.signals → relations.cache.bump, the one path every saved change takes).
    """
    check(user, record, target)
    record.publication_status = target
    record._history_user = user
    if reason:
        record._change_reason = reason
    record.save(update_fields=["publication_status", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Working copies of public records, and moderation
# ---------------------------------------------------------------------------------------------


class NothingToPublish(Refused):
    def __init__(self):
        super().__init__(_("There are no draft changes: someone published or discarded them meanwhile."))


def _revisions():
    return apps.get_model("relations", "Revision").objects


def _note(record, action, user, comment=""):
    return apps.get_model("relations", "EditorialNote").objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        action=action,
        user=user,
        comment=comment.strip(),
    )


def revision_of(record, *, for_update=False):
    """The working copy of `record`, or None."""
    revisions = _revisions().of(record)
    return (revisions.select_for_update() if for_update else revisions).first()


def _check_may_edit(user, record):
    if user is not None and not may_edit(user, record):
        raise NotPermitted


def _check_may_publish(user, record):
    _check_may_edit(user, record)
    if not may_publish(user, type(record)):
        raise NotPermitted


def save_revision(record, data, user, *, restored_from=None):
    """Keep `data` (the change form's, as posted) as the working copy of public `record`; the record
    itself is not touched. A working copy saved again is no longer submitted for review."""
    _check_may_edit(user, record)
    revision = revision_of(record, for_update=True)
    if revision is None:
        revision = _revisions().model(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            created_by=user,
            based_on_version=record.version,
            version=0,
        )
    revision.data = data
    revision.version += 1
    revision.updated_by = user
    revision.restored_from = restored_from
    # What was submitted or scheduled is not what is saved now: it waits for a new approval.
    revision.submitted_at = revision.submitted_by = revision.go_live_at = revision.scheduled_by = None
    revision.save()
    return revision


def submit_for_review(record, user, comment=""):
    """Ask a publisher to review `record`: its working copy if it is public, else the record itself
    (draft → in review)."""
    with transaction.atomic():
        if edits_go_to_draft(record):
            _check_may_edit(user, record)
            revision = revision_of(record, for_update=True)
            if revision is None:
                raise NothingToPublish
            revision.submitted_at, revision.submitted_by = timezone.now(), user
            revision.save(update_fields=["submitted_at", "submitted_by"])
        else:
            transition(record, REVIEW, user)
        _note(record, "submitted", user, comment)


def return_for_changes(record, user, comment=""):
    """A reviewer (a publisher) sends `record` back to its editors with `comment`: its working copy
    is no longer awaiting review, or the record in review goes back to draft."""
    _check_may_publish(user, record)
    with transaction.atomic():
        if edits_go_to_draft(record):
            revision = revision_of(record, for_update=True)
            if revision is None:
                raise NothingToPublish
            revision.submitted_at = revision.submitted_by = None
            revision.save(update_fields=["submitted_at", "submitted_by"])
        else:
            transition(record, DRAFT, user)
        _note(record, "returned", user, comment)


def publish_revision(record, user, apply, comment=""):
    """Make the working copy of public `record` its live version, in one transaction.

    `apply(revision)` writes the working copy's data through the record's change form (the admin's:
    the same fields, inlines and checks as an edit) and returns the saved record, or raises
    `Refused`; a record that would lack a translation is refused (`Untranslated`) and nothing is
    written. The working copy is then dropped.
    """
    _check_may_publish(user, record)
    with transaction.atomic():
        revision = revision_of(record, for_update=True)
        if revision is None:
            raise NothingToPublish
        saved = apply(revision)
        if missing := saved.missing_translations():
            raise Untranslated(saved, missing)
        revision.delete()
        _note(saved, "published", user, comment)
    return saved


def discard_revision(record, user):
    """Drop the working copy of `record`; the live version stays as it is."""
    _check_may_edit(user, record)
    with transaction.atomic():
        revision = revision_of(record, for_update=True)
        if revision is None:
            raise NothingToPublish
        revision.delete()
        _note(record, "discarded", user)


def restore(record, user, version_date, data, apply):
    """Bring back an earlier version of `record` (`data`: the change form's data for it, with the
    record's current status). A public record gets it as its working copy, which says which version
    it came from: the live version and its status are untouched until someone publishes. A draft or
    a record in review is changed in place (`apply(data)`), keeping its status."""
    _check_may_edit(user, record)
    with transaction.atomic():
        if edits_go_to_draft(record):
            save_revision(record, data, user, restored_from=version_date)
        else:
            apply(data)
        label = timezone.localtime(version_date).strftime("%Y-%m-%d %H:%M")
        _note(record, "restored", user, _("From the version of %(date)s.") % {"date": label})


# ---------------------------------------------------------------------------------------------
# Scheduled steps (run by `manage.py publish_scheduled`)
# ---------------------------------------------------------------------------------------------


def schedule(record, user, *, publish_at=None, archive_at=None):
    """A publisher sets when `record` goes live (an unpublished record, or a public record's
    working copy) and when a public record is archived; None clears a time. The step itself is
    taken by `manage.py publish_scheduled`, with the workflow's checks then."""
    _check_may_publish(user, record)
    with transaction.atomic():
        if edits_go_to_draft(record):
            revision = revision_of(record, for_update=True)
            if publish_at and revision is None:
                raise NothingToPublish
            if revision is not None:
                revision.go_live_at, revision.scheduled_by = publish_at, (user if publish_at else None)
                revision.save(update_fields=["go_live_at", "scheduled_by"])
            type(record)._default_manager.filter(pk=record.pk).update(expire_at=archive_at)
            record.expire_at = archive_at
        else:
            type(record)._default_manager.filter(pk=record.pk).update(go_live_at=publish_at)
            record.go_live_at = publish_at
        parts = []
        if publish_at:
            parts.append(_("publish at %(time)s") % {"time": timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M")})
        if archive_at:
            parts.append(_("archive at %(time)s") % {"time": timezone.localtime(archive_at).strftime("%Y-%m-%d %H:%M")})
        _note(record, "scheduled", user, "; ".join(parts) or _("schedule cleared"))


SCHEDULED_REASON = "Scheduled step"
PUBLISHED_REASON = "Published draft changes"
RESTORED_REASON = "Restored from the version of "
IMPORTED_REASON = "Imported from "


def imported_reason(file_name):
    """A record's history entry for an import, labelled with its file's name where it has one."""
    return (IMPORTED_REASON + file_name)[:100] if file_name else IMPORTED_REASON.strip()


def restored_reason(version_date):
    return RESTORED_REASON + version_date.isoformat()


def reason_label(reason):
    """A history entry's change reason, stored in English as a key, in the active language."""
    if not reason:
        return ""
    if reason == SCHEDULED_REASON:
        return _("Scheduled step taken")
    if reason == PUBLISHED_REASON:
        return _("Draft changes published")
    if reason == IMPORTED_REASON.strip():
        return _("Imported")
    if reason.startswith(IMPORTED_REASON):
        return _("Imported from %(file)s") % {"file": reason.removeprefix(IMPORTED_REASON)}
    if reason.startswith(RESTORED_REASON):
        when = parse_datetime(reason.removeprefix(RESTORED_REASON))
        if when is not None:
            shown = date_format(timezone.localtime(when), "DATETIME_FORMAT")
            return _("Restored from the version of %(date)s") % {"date": shown}
    return reason


def due(models_, now):
    """What is due at `now`: [(kind, record, revision)] with kind "publish", "publish-draft-changes"
    or "archive", oldest first."""
    steps = []
    for model in models_:
        steps += [
            ("publish", r, None)
            for r in model.objects.filter(publication_status__in=UNPUBLISHED_STATUSES, go_live_at__lte=now)
        ]
        steps += [("archive", r, None) for r in model.objects.filter(publication_status=PUBLISHED, expire_at__lte=now)]
    for revision in _revisions().filter(go_live_at__lte=now).select_related("scheduled_by"):
        if revision.record is not None:
            steps.append(("publish-draft-changes", revision.record, revision))
    return steps


def take_scheduled(kind, record, revision, apply):
    """Take one due step (see `due`) through the workflow's checks, or raise `Refused`. A working
    copy is published with its scheduler's permissions, by `apply` (the admin's form)."""
    with transaction.atomic():
        if kind == "publish":
            transition(record, PUBLISHED, None, reason=SCHEDULED_REASON)
            type(record)._default_manager.filter(pk=record.pk).update(go_live_at=None)
        elif kind == "archive":
            transition(record, ARCHIVED, None, reason=SCHEDULED_REASON)
            type(record)._default_manager.filter(pk=record.pk).update(expire_at=None)
        else:
            publish_revision(record, revision.scheduled_by, apply)
        _note(record, "scheduled-step", None, kind)
