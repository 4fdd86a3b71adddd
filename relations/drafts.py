"""The admin's working copies of public records and the editorial views around them.

`WorkingCopyAdmin`: a public record's change form shows and saves its working copy (a
`Revision`: the form's data) instead of the record, refuses a stale form (`RecordForm`), and
applies a working copy through the same form and inlines when it is published.
`EditorialViewsAdmin`: the draft's preview, comparison with the live version, the moderation
steps (submit, return, publish, discard, schedule), restore and the record's history page. The
rules are relations.workflow's; RecordAdmin (relations.admin) mixes both in.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from . import workflow
from .models import Citation, EditorialNote, HeadOfMission, Mission, Revision

DRAFT_SAVED = _("Saved as draft changes. The public page is unchanged until a publisher publishes them.")
PUBLISHED_REASON = workflow.PUBLISHED_REASON

#: How many changes to a record's citations and heads of mission its history page lists.
PART_CHANGES_LIMIT = 100


def part_changes(record):
    """The changes to `record`'s citations and heads of mission, newest first, each field by field:
    [{"when", "user", "part", "kind", "changes": [(label, old, new)]}]. Two queries per kind of part."""
    parts = [(Citation, {record._meta.model_name + "_id": record.pk})]
    if isinstance(record, Mission):
        parts.append((HeadOfMission, {"mission_id": record.pk}))
    rows = []
    for model, lookup in parts:
        entries = list(
            model.history.filter(**lookup)
            .select_related("history_user")
            .order_by("id", "history_date")[:PART_CHANGES_LIMIT]
        )
        previous = {}
        labels = {field.name: capfirst(field.verbose_name) for field in model._meta.fields}
        for entry in entries:
            before = previous.get(entry.id)
            changes = []
            if before is not None and entry.history_type == "~":
                delta = entry.diff_against(before, foreign_keys_are_objs=False)
                changes = [(labels.get(c.field, c.field), c.old, c.new) for c in delta.changes]
            previous[entry.id] = entry
            if entry.history_type == "~" and not changes:
                continue
            rows.append(
                {
                    "when": entry.history_date,
                    "user": entry.history_user,
                    "part": f"{capfirst(model._meta.verbose_name)}: {entry.history_object}",
                    "kind": entry.get_history_type_display(),
                    "changes": changes,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows


def parts_between(record, older, newer):
    """How `record`'s citations and heads of mission differ between the times of two of its versions,
    field by field: [(label, old, new)]. Each part's state at a time is its latest historical row
    saved by then (the parts' history is kept beside the record's, so rows are matched by time).
    One query per kind of part."""
    parts = [(Citation, {record._meta.model_name + "_id": record.pk})]
    if isinstance(record, Mission):
        parts.append((HeadOfMission, {"mission_id": record.pk}))
    rows = []
    for model, lookup in parts:
        states = ({}, {})
        entries = model.history.filter(**lookup, history_date__lte=newer.history_date).order_by("history_date")
        for entry in entries[: PART_CHANGES_LIMIT * 10]:
            for state, version in zip(states, (older, newer), strict=True):
                if entry.history_date <= version.history_date:
                    if entry.history_type == "-":
                        state.pop(entry.id, None)
                    else:
                        state[entry.id] = entry
        before, after = states
        labels = {field.name: capfirst(field.verbose_name) for field in model._meta.fields}
        excluded = [name for name in lookup if name != "id"] + ["id"]
        excluded = [model._meta.get_field(name.removesuffix("_id")).name for name in excluded]
        kind = capfirst(model._meta.verbose_name)
        for part_id in sorted(set(before) | set(after)):
            old, new = before.get(part_id), after.get(part_id)
            name = gettext("%(kind)s: %(part)s") % {"kind": kind, "part": (new or old).history_object}
            if old is None:
                rows.append((name, "", pgettext("a part in two versions", "added")))
            elif new is None:
                rows.append((name, pgettext("a part in two versions", "removed"), ""))
            else:
                delta = new.diff_against(old, excluded_fields=excluded, foreign_keys_are_objs=False)
                rows += [
                    (
                        gettext("%(part)s: %(field)s") % {"part": name, "field": labels.get(c.field, c.field)},
                        display(c.old),
                        display(c.new),
                    )
                    for c in delta.changes
                ]
    return rows[:PART_CHANGES_LIMIT]


def display(value):
    """A historical field value as read: choices' labels are not known here, so the value itself."""
    return "" if value in (None, "") else str(value)


def shown(bound):
    """A bound field's value as a person reads it: choices and related records by name."""
    field = bound.field
    value = bound.value()
    if value in (None, "", [], ()):
        return ""
    try:
        cleaned = field.clean(value)
    except forms.ValidationError:
        return str(value)
    if hasattr(cleaned, "all") or isinstance(cleaned, list | tuple):
        return ", ".join(sorted(str(item) for item in cleaned))
    if getattr(field, "choices", None) and not hasattr(cleaned, "pk"):
        return str(dict(field.choices).get(cleaned, cleaned))
    return "" if cleaned is None else str(cleaned)


class RecordForm(forms.ModelForm):
    """A record's form: its status changes only along a step of the workflow (draft to archived
    is refused, as it is in an import), and a form opened before the record's (or its working
    copy's) latest save is refused rather than overwriting it: no lost update.

    `based_on` carries the versions the form was made from ("record version.working copy
    version"); a save whose `based_on` is not the stored one is refused with what changed meanwhile,
    the user's input stays in the form, and the form is then based on the newer version, so saving
    again deliberately replaces it.
    """

    based_on = forms.CharField(widget=forms.HiddenInput, required=False)

    #: The working copy this form edits, if the record is public (set by RecordAdmin.get_form).
    revision = None
    #: Its data, bound to the form when the change form is opened (a GET), so the draft is shown.
    draft_data = None
    #: Off when a working copy's data is applied by publishing (it was checked when saved).
    stale_check = True

    def __init__(self, data=None, *args, **kwargs):
        if data is None and self.draft_data is not None:
            # Showing the draft (a GET), not saving it: nothing to check against.
            data = self.draft_data.copy()
            data.setlist("based_on", [token(kwargs.get("instance"), self.revision)])
            self.stale_check = False
        super().__init__(data, *args, **kwargs)
        self.fields["based_on"].initial = token(self.instance, self.revision)

    def clean_publication_status(self):
        status = self.cleaned_data["publication_status"]
        stored = self.instance.publication_status  # the form's values are set on it after cleaning
        if self.instance.pk is not None and not workflow.is_allowed(stored, status):
            raise forms.ValidationError(workflow.not_a_step_message(stored, status))
        return status

    def clean(self):
        cleaned = super().clean()
        if self.stale_check and self.instance.pk is not None:
            posted = self.cleaned_data.get("based_on") or ""
            # Locked until the admin's transaction (a POST's) ends: no save slips in between check and write.
            records = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            if transaction.get_connection(router.db_for_write(type(self.instance))).in_atomic_block:
                records = records.select_for_update()
            version = records.values_list("version", flat=True).first()
            revision = (
                Revision.objects.of(self.instance).first()
                if workflow.is_public(self.instance.publication_status)
                else None
            )
            current = f"{version}.{revision.version if revision else 0}"
            if posted != current:
                self.data = self.data.copy()
                self.data["based_on"] = current
                raise forms.ValidationError(conflict_message(self, posted, revision))
        return cleaned


def token(record, revision):
    """The versions a form is made from: the record's and its working copy's (0: none)."""
    if record is None or record.pk is None:
        return ""
    return f"{record.version}.{revision.version if revision else 0}"


def parse_token(value):
    try:
        record, revision = (int(part) for part in value.split("."))
    except (ValueError, AttributeError):
        return 0, 0
    return record, revision


def conflict_message(form, posted, revision):
    """What a stale form is told: who saved what since it was opened (field labels), and that its
    input is still in the form."""
    record = form.instance
    posted_version, posted_revision = parse_token(posted)
    labels = {name: str(field.label) for name, field in form.fields.items()}
    changes, people = [], []
    newer = list(record.history.filter(version__gt=posted_version).select_related("history_user")[:20])
    if newer:
        base = record.history.filter(version=posted_version).first()
        if base is not None:
            delta = newer[0].diff_against(base)
            changes += [labels.get(change.field, change.field) for change in delta.changes]
        people += [(entry.history_user, entry.history_date) for entry in newer]
    if revision is not None and revision.version != posted_revision:
        entries = list(revision.history.filter(version__gt=posted_revision).select_related("history_user")[:20])
        people += [(entry.history_user, entry.history_date) for entry in entries]
        before = revision.history.filter(version=posted_revision).values_list("data", flat=True).first() or {}
        for key in sorted(set(before) | set(revision.data)):
            if key != "based_on" and before.get(key) != revision.data.get(key):
                changes.append(labels.get(key, key))
    elif revision is None and posted_revision:
        changes.append(_("the draft changes were published or discarded"))
    who = ", ".join(sorted({str(user) if user else str(_("an import or a command")) for user, _date in people})) or _(
        "someone else"
    )
    return _(
        "Not saved: %(who)s saved this record after you opened it. Changed meanwhile: %(changes)s. Your "
        "input is still in the form below: check it against the newer version (open the record in another "
        "tab), then save again to replace it."
    ) % {"who": who, "changes": ", ".join(dict.fromkeys(changes)) or _("its status or draft changes")}


def form_data(post):
    """A posted change form as JSON-friendly data (every value a list), less the submit buttons."""
    skip = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}
    return {key: post.getlist(key) for key in post if key not in skip}


def as_data(value):
    """A form field's initial value as a browser would post it."""
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(value)]


def unbound_data(form, formsets):
    """What the forms would post unchanged: the live record's data, in the form of a working copy's."""
    data = {}
    for each in [form, *(f for formset in formsets for f in [formset.management_form, *formset.forms])]:
        for field in each:
            if values := as_data(field.value()):
                data[field.html_name] = values
    return data


class WorkingCopyAdmin:
    """A public record's change form edits its working copy (see the module's docstring)."""

    # Anyone with `change_<model>` may open any record's change form: a public record's edits are
    # kept as its working copy (workflow.edits_go_to_draft) until a publisher publishes them.

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and workflow.edits_go_to_draft(obj):
            # A public record's status changes by the workflow's steps (actions), not with its edits.
            fields.append("publication_status")
        return fields

    def _revision(self, request, obj):
        """The working copy of `obj`, looked up once per request."""
        cache = request.__dict__.setdefault("_revisions", {})
        if obj.pk not in cache:
            cache[obj.pk] = workflow.revision_of(obj) if workflow.edits_go_to_draft(obj) else None
        return cache[obj.pk]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            return form
        # Decided on the record as stored: the form's values are set on `obj` before it is saved.
        request.__dict__.setdefault("_kept_as_draft", {})[obj.pk] = workflow.edits_go_to_draft(obj)
        if not workflow.edits_go_to_draft(obj):
            return form
        revision = self._revision(request, obj)
        attrs = {"revision": revision}
        if revision is not None and request.method == "GET" and not getattr(request, "_live_forms", False):
            attrs["draft_data"] = MultiValueDict(revision.data)
        return type(form.__name__, (form,), attrs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and obj is not None and (revision := self._revision(request, obj)):
            kwargs["data"] = MultiValueDict(revision.data)
        return kwargs

    def _kept_as_draft(self, request, obj):
        """Whether this save of `obj` is kept as its working copy (it was public when the form opened)."""
        if getattr(request, "_applying", False):
            return False
        return getattr(request, "_kept_as_draft", {}).get(obj.pk, workflow.edits_go_to_draft(obj))

    def save_model(self, request, obj, form, change):
        if change and self._kept_as_draft(request, obj):
            workflow.save_revision(obj, form_data(request.POST), request.user)
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change and self._kept_as_draft(request, form.instance):
            return  # the inlines and links are in the working copy, with the record's fields
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if not add and self._kept_as_draft(request, form.instance):
            return [{"changed": {"name": str(_("draft changes")), "object": str(form.instance)}}]
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if self._kept_as_draft(request, obj):
            # Back to the form, which now shows the draft beside the live version.
            self.message_user(request, DRAFT_SAVED, messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- working copies: the live version and the draft, preview, compare, moderation -----------

    def _forms(self, request, obj, data=None):
        """The change form and its inline formsets for `obj`, bound to `data`, or unbound (live)."""
        request._live_forms = True
        form_class = super().get_form(request, obj, change=True)
        form = form_class(MultiValueDict(data) if data is not None else None, instance=obj)
        form.stale_check = False
        formsets = []
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            kwargs = {
                "instance": obj,
                "prefix": formset_class.get_default_prefix(),
                "queryset": inline.get_queryset(request),
            }
            if data is not None:
                kwargs["data"] = MultiValueDict(data)
            formsets.append(formset_class(**kwargs))
        return form, formsets

    def _apply(self, request, obj, data, reason):
        """Write `data` (a working copy's) to `obj` through its change form and inlines, or raise
        `workflow.Refused` saying which fields are wrong. For workflow.publish_revision and restore."""
        form, formsets = self._forms(request, obj, data)
        valid = form.is_valid()
        valid = all([valid, *(formset.is_valid() for formset in formsets)])
        if not valid:
            errors = helpers.AdminErrorList(form, formsets)
            raise workflow.Refused(
                _("The draft changes cannot be applied: %(errors)s")
                % {"errors": "; ".join(" ".join(map(str, error)) for error in errors if error)}
                if errors
                else _("The draft changes cannot be applied.")
            )
        request._applying = True
        record = form.save(commit=False)
        record._history_user = request.user
        record._change_reason = reason
        record.save()
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=True)
        self.log_change(request, record, self.construct_change_message(request, form, formsets))
        return record

    def _snapshot(self, request, obj, data=None):
        """{form key: (label, value as shown)} of the live record (`data` None) or a working copy."""
        form, formsets = self._forms(request, obj, data)
        rows = {}
        for name, field in form.fields.items():
            if name in ("based_on", "publication_status"):
                continue
            rows[form.add_prefix(name)] = (str(field.label), shown(form[name]))
        for formset in formsets:
            label = capfirst(formset.model._meta.verbose_name)
            for number, each in enumerate(formset.forms, 1):
                if data is not None and not each.has_changed() and not each.initial:
                    continue
                for name, field in each.fields.items():
                    if name in ("id", "DELETE", formset.fk.name):
                        continue
                    key = each.add_prefix(name)
                    rows[key] = (f"{label} {number}: {field.label}", shown(each[name]))
                if data is not None and "DELETE" in each.fields and each["DELETE"].value():
                    rows[each.add_prefix("id")] = (f"{label} {number}", str(_("removed")))
        return rows

    def draft_diff(self, request, obj, revision):
        """The working copy against the live version: [(label, live, draft)] where they differ."""
        live = self._snapshot(request, obj)
        draft = self._snapshot(request, obj, revision.data)
        empty = ("", "")
        return [
            (draft.get(key, live.get(key, empty))[0], live.get(key, empty)[1], draft.get(key, empty)[1])
            for key in dict.fromkeys([*live, *draft])
            if live.get(key, empty)[1] != draft.get(key, empty)[1]
        ]


class EditorialViewsAdmin:
    """Preview, compare, moderation, restore and history (see the module's docstring)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/draft/preview/", view(self.draft_preview), name=f"{prefix}_draft_preview"),
            path("<path:object_id>/draft/compare/", view(self.draft_compare), name=f"{prefix}_draft_compare"),
            path("<path:object_id>/history/compare/", view(self.versions_compare), name=f"{prefix}_versions_compare"),
            path("<path:object_id>/draft/<slug:step>/", view(self.draft_step), name=f"{prefix}_draft_step"),
            *super().get_urls(),
        ]

    def _record_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        return obj

    def draft_preview(self, request, object_id):
        """The public page as it will be once the working copy is published: the working copy is
        applied in a transaction that is rolled back after the page is rendered."""
        from .views import DraftPreviewView

        obj = self._record_or_404(request, object_id)
        revision = self._revision(request, obj)
        if revision is None:
            return HttpResponseRedirect(obj.get_absolute_url())
        with transaction.atomic():
            try:
                record = self._apply(request, obj, revision.data, "preview")
            except workflow.Refused as refusal:
                transaction.set_rollback(True)
                self.message_user(request, str(refusal), messages.ERROR)
                return HttpResponseRedirect(self._change_url(obj))
            response = DraftPreviewView.as_view(model=self.model)(request, slug=record.slug)
            response.render()
            transaction.set_rollback(True)
        return response

    def draft_compare(self, request, object_id):
        obj = self._record_or_404(request, object_id)
        revision = self._revision(request, obj)
        if revision is None:
            self.message_user(request, _("There are no draft changes to compare."), messages.INFO)
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Draft changes to “%(record)s” against the live version") % {"record": obj},
            "opts": self.opts,
            "original": obj,
            "revision": revision,
            "rows": self.draft_diff(request, obj, revision),
            "change_url": self._change_url(obj),
            "may_publish": workflow.may_publish(request.user, self.model),
            **self._draft_urls(obj),
        }
        return TemplateResponse(request, "admin/relations/draft_compare.html", context)

    def versions_compare(self, request, object_id):
        """Any two versions of the record side by side, field by field (?a=…&b=…: history ids)."""
        obj = self._record_or_404(request, object_id)
        history = self.model.history.filter(id=obj.pk).select_related("history_user")
        try:
            ids = [int(request.GET[name]) for name in ("a", "b")]
            versions = sorted(history.filter(history_id__in=ids), key=lambda version: version.history_date)
        except (KeyError, ValueError):
            versions = []
        if len(versions) != 2:
            self.message_user(request, _("Choose two different versions of this record to compare."), messages.ERROR)
            return HttpResponseRedirect(
                reverse(admin_urlname(self.opts, "history"), args=[obj.pk], current_app=self.admin_site.name)
            )
        older, newer = versions
        labels = {field.name: capfirst(field.verbose_name) for field in self.model._meta.fields}
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Two versions of “%(record)s”") % {"record": obj},
            "opts": self.opts,
            "original": obj,
            "older": older,
            "newer": newer,
            "rows": [
                (labels.get(change.field, change.field), display(change.old), display(change.new))
                for change in delta.changes
            ]
            + parts_between(obj, older, newer),
            "change_url": self._change_url(obj),
            "history_url": reverse(admin_urlname(self.opts, "history"), args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/relations/versions_compare.html", context)

    def draft_step(self, request, object_id, step):
        """Submit, return, publish or discard: POST only, each through relations.workflow."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._record_or_404(request, object_id)
        comment = request.POST.get("comment", "")[:2000]
        user = request.user
        steps = {
            "submit": (lambda: workflow.submit_for_review(obj, user, comment), _("Submitted for review.")),
            "return": (
                lambda: workflow.return_for_changes(obj, user, comment),
                _("Returned to its editors for changes."),
            ),
            "publish": (
                lambda: workflow.publish_revision(
                    obj, user, lambda revision: self._apply(request, obj, revision.data, PUBLISHED_REASON), comment
                ),
                _("Published: the public page now shows the changes."),
            ),
            "discard": (
                lambda: workflow.discard_revision(obj, user),
                _("Draft changes discarded: the live version is unchanged."),
            ),
        }
        steps["schedule"] = (lambda: self._schedule(request, obj), _("Schedule saved."))
        if step not in steps:
            raise Http404
        take, done = steps[step]
        try:
            take()
        except workflow.Refused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def _schedule(self, request, obj):
        times = {}
        for name in ("publish_at", "archive_at"):
            value = request.POST.get(name, "").strip()
            if not value:
                times[name] = None
                continue
            parsed = parse_datetime(value)
            if parsed is None:
                raise workflow.Refused(_("“%(value)s” is not a date and time.") % {"value": value[:40]})
            times[name] = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        workflow.schedule(obj, request.user, **times)

    def _change_url(self, obj):
        return reverse(admin_urlname(self.opts, "change"), args=[obj.pk], current_app=self.admin_site.name)

    def _draft_urls(self, obj):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        url = lambda view, **kw: reverse(f"admin:{name}_{view}", kwargs={"object_id": obj.pk, **kw})  # noqa: E731
        return {
            "preview_url": url("draft_preview"),
            "compare_url": url("draft_compare"),
            **{
                f"{step}_url": url("draft_step", step=step)
                for step in ("submit", "return", "publish", "discard", "schedule")
            },
        }

    object_history_template = "admin/relations/record_history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The record's history, with its citations' and heads of mission's changes field by field and
        the editorial notes (submissions, returns with their comments, restores, schedules)."""
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None:
            extra["part_changes"] = part_changes(obj)
            extra["versions"] = self.model.history.filter(id=obj.pk).select_related("history_user")[:200]
            extra["compare_url"] = reverse(
                admin_urlname(self.opts, "versions_compare"), args=[obj.pk], current_app=self.admin_site.name
            )
            extra["notes"] = EditorialNote.objects.of(obj).select_related("user")[:50]
        return super().history_view(request, object_id, extra)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version makes draft changes of a public record (workflow.restore):
        the live version and its status stay as they are; a draft or a record in review gets the
        earlier fields back and keeps its status. The links and inlines are the current ones."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        current = self.get_object(request, unquote(object_id))
        if current is None or not self.has_change_permission(request, current):
            raise PermissionDenied
        historical = get_object_or_404(self.model.history.model, id=current.pk, history_id=version_id)
        data = self._restored_data(request, current, historical.instance)
        when = historical.history_date
        label = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
        reason = workflow.restored_reason(when)
        try:
            workflow.restore(
                current, request.user, when, data, lambda data: self._apply(request, current, data, reason)
            )
        except workflow.Refused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if workflow.edits_go_to_draft(current):
            message = _(
                "The version of %(date)s was restored as draft changes: the live version and its status are "
                "unchanged until a publisher publishes them."
            )
        else:
            message = _("The version of %(date)s was restored; the record keeps its status, %(status)s.")
        self.message_user(
            request, message % {"date": label, "status": current.get_publication_status_display()}, messages.SUCCESS
        )
        return HttpResponseRedirect(self._change_url(current))

    def _restored_data(self, request, current, earlier):
        """The change form's data with `earlier`'s fields and the current inlines, links and status."""
        revision = self._revision(request, current)
        data = dict(revision.data) if revision is not None else unbound_data(*self._forms(request, current))
        form_class = super().get_form(request, current, change=True)
        earlier_form = form_class(instance=earlier)
        for name in earlier_form.fields:
            if name in ("publication_status", "based_on"):
                continue
            key = earlier_form.add_prefix(name)
            data.pop(key, None)
            if values := as_data(earlier_form[name].value()):
                data[key] = values
        data["publication_status"] = [current.publication_status]
        return data

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None:
            revision = self._revision(request, obj)
            extra.update(
                {
                    "revision": revision,
                    "live": workflow.edits_go_to_draft(obj),
                    "awaiting_review": bool(revision and revision.submitted_at)
                    or obj.publication_status == workflow.REVIEW,
                    "notes": EditorialNote.objects.of(obj).select_related("user")[:10],
                    "may_publish": workflow.may_publish(request.user, self.model),
                    "may_edit": workflow.may_edit(request.user, obj),
                    **self._draft_urls(obj),
                }
            )
        return super().change_view(request, object_id, form_url, extra)
