"""The admin's first page: what is waiting, and for whom.

For a user who may publish: the records and draft changes awaiting review. For everyone: their
own drafts, the records published most recently and those missing a translation, each with a
count and links. A fixed number of queries per content type, whatever the number of records.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import workflow
from .i18n import LANGUAGE_CODES, localized
from .models import CONTENT_MODELS, Revision

#: How many items a section lists (its count says how many there are).
LIMIT = 10
LIST_FIELDS = ("title_en", "title_fr", "slug", "updated_at", "publication_status")


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""


@dataclass
class Section:
    key: str
    title: str
    count: int = 0
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (label, url) to the full lists


def change_url(record):
    return reverse(f"admin:relations_{record._meta.model_name}_change", args=[record.pk])


def changelist_url(model, query=""):
    return reverse(f"admin:relations_{model._meta.model_name}_changelist") + (f"?{query}" if query else "")


def _add(section, model, records, detail=""):
    """Count `records` and list the first few (two queries)."""
    count = records.count()
    if count:
        section.count += count
        name = model._meta.verbose_name
        section.items += [
            Item(str(record), change_url(record), f"{name}{detail}") for record in records.only(*LIST_FIELDS)[:LIMIT]
        ]
    return count


def _revisions(section, revisions, detail):
    revisions = list(revisions.select_related("updated_by", "content_type").prefetch_related("record")[: LIMIT + 1])
    for revision in revisions[:LIMIT]:
        if revision.record is not None:
            section.items.append(
                Item(str(revision.record), change_url(revision.record), detail % {"user": revision.updated_by or "—"})
            )
    return revisions


def dashboard(user):
    """The sections of the admin's first page for `user`."""
    models = [model for model in CONTENT_MODELS if user.has_perm(workflow.permission(model, "view"))]
    publishable = [model for model in models if workflow.may_publish(user, model)]
    sections = []

    if publishable:
        awaiting = Section("review", _("Awaiting review"))
        for model in publishable:
            count = _add(
                awaiting, model, model.objects.filter(publication_status=workflow.REVIEW).order_by("updated_at")
            )
            if count:
                awaiting.links.append(
                    (model._meta.verbose_name_plural, changelist_url(model, "publication_status__exact=review"))
                )
        submitted = Revision.objects.awaiting_review().filter(
            content_type__model__in=[model._meta.model_name for model in publishable],
            content_type__app_label="relations",
        )
        awaiting.count += submitted.count()
        _revisions(awaiting, submitted.order_by("submitted_at"), _("draft changes by %(user)s"))
        sections.append(awaiting)

    mine = Section("drafts", _("My drafts"))
    for model in models:
        drafted = model.history.filter(history_user=user).values("id")
        _add(
            mine, model, model.objects.filter(publication_status=workflow.DRAFT, pk__in=drafted).order_by("-updated_at")
        )
    own = Revision.objects.filter(Q(updated_by=user) | Q(created_by=user))
    mine.count += own.count()
    _revisions(mine, own, _("draft changes by %(user)s"))
    sections.append(mine)

    scheduled = Section("scheduled", _("Scheduled"))
    for model in models:
        _add(
            scheduled,
            model,
            model.objects.filter(Q(go_live_at__isnull=False) | Q(expire_at__isnull=False)).order_by("go_live_at"),
        )
    timed = Revision.objects.filter(go_live_at__isnull=False)
    scheduled.count += timed.count()
    _revisions(scheduled, timed.order_by("go_live_at"), _("draft changes by %(user)s"))
    sections.append(scheduled)

    recent = Section("published", _("Recently published"))
    latest = []
    for model in models:
        latest += list(model.objects.published().only(*LIST_FIELDS).order_by("-updated_at")[:LIMIT])
    latest.sort(key=lambda record: record.updated_at, reverse=True)
    recent.items = [Item(str(record), change_url(record), record._meta.verbose_name) for record in latest[:LIMIT]]
    recent.count = len(recent.items)
    sections.append(recent)

    missing = Section("translation", _("Missing a translation"))
    for model in models:
        for code in LANGUAGE_CODES:
            condition = Q()
            for name in model.required_translations:
                condition |= Q(**{localized(name, code): ""})
            count = model.objects.filter(condition).count()
            if count:
                missing.count += count
                missing.links.append(
                    (
                        _("%(count)d %(records)s without %(language)s")
                        % {"count": count, "records": model._meta.verbose_name_plural, "language": code.upper()},
                        changelist_url(model, f"missing={code}"),
                    )
                )
    sections.append(missing)
    return sections
