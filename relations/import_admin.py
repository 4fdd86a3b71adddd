"""The admin's import and export: the import form, its preview, the confirmation, and the record
of every confirmed import with its undo (ImportBatchAdmin).

`ImportExport` is mixed into every ModelAdmin of relations.admin.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from .formats import FORMATS, FORMATS_BY_NAME, ImportFileError, ImportForm
from .importing import batches, tasks
from .importing import kept as kept_files
from .importing.preview import Preview
from .models import ImportBatch, ImportedRow, ImportStage
from .resources import resource_for


class ConfirmImportForm(forms.Form):
    """The confirmation names only the kept file's random id: never a file name or a format."""

    kept = forms.UUIDField(widget=forms.HiddenInput)


class ImportExport(ImportExportMixin):
    """Import and export on a changelist, through the model's resource (relations/resources.py).

    An import is always previewed before it is confirmed. The uploaded file is kept server-side
    (relations.importing.kept) for the user who uploaded it, so that the preview can be paged,
    checked again after a fix elsewhere (a missing country added, a role granted) and confirmed
    without choosing the file again; django-import-export's temporary storage, which the client
    names by file name and format, is not used. Export follows the changelist's filters and search.
    Import and export each need their own permission (see settings).
    """

    import_form_class = ImportForm
    confirm_form_class = ConfirmImportForm
    import_template_name = "admin/relations/import.html"
    import_formats = FORMATS
    export_formats = FORMATS

    def get_resource_classes(self, request):
        return [resource_for(self.model)]

    def get_urls(self):
        info = self.get_model_info()
        preview = path(
            "import/<uuid:kept_id>/",
            self.admin_site.admin_view(self.import_preview),
            name="{}_{}_import_preview".format(*info),
        )
        return [preview, *super().get_urls()]

    def import_url(self):
        return reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)

    def read_kept(self, kept):
        """The kept file as a dataset (its format as it was chosen when it was uploaded)."""
        return FORMATS_BY_NAME[kept.format]().create_dataset(bytes(kept.data))

    def import_action(self, request, **kwargs):
        """The import form; on a file, keep it and show its preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method == "POST" and form.is_valid():
            input_format = self.get_import_formats()[int(form.cleaned_data["format"])]
            upload = form.cleaned_data["import_file"]
            data = b"".join(upload.chunks())
            if len(data) > settings.IMPORT_BACKGROUND_SIZE:
                # Too large to read in the request: the import worker reads and checks it, and the
                # preview's page shows its progress, then the preview.
                kept = kept_files.keep(request.user, self.model, input_format.__name__.lower(), upload.name, data)
                tasks.enqueue(kept, tasks.check_import, ImportStage.QUEUED)
                return HttpResponseRedirect(kept.get_absolute_url())
            try:
                dataset = input_format().create_dataset(data)
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                kept = kept_files.keep(request.user, self.model, input_format.__name__.lower(), upload.name, data)
                return self.render_import(
                    request, form=self.create_import_form_blank(request), kept=kept, dataset=dataset
                )
        return self.render_import(request, form=form)

    def create_import_form_blank(self, request):
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request), initial={}
        )

    def import_preview(self, request, kept_id):
        """The preview of a kept file again: another page of it, or checked again after a fix."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        kept = kept_files.find(request.user, self.model, kept_id)
        if kept is None:
            messages.error(request, self.gone_message())
            return HttpResponseRedirect(self.import_url())
        if kept.stage == ImportStage.IMPORTED:
            kept.delete()
            self.say_recorded(request, kept.batch)
            if kept.batch is not None:
                return HttpResponseRedirect(kept.batch.get_absolute_url())
            return HttpResponseRedirect(self.import_url())
        if kept.stage == ImportStage.FAILED:
            # The worker could not read the file (or stopped): nothing was imported; say why.
            kept.delete()
            messages.error(request, kept.message)
            return HttpResponseRedirect(self.import_url())
        if kept.stage == ImportStage.CHECKED and request.method == "POST":
            # "Check the same file again", for a large file: queued again.
            tasks.enqueue(kept, tasks.check_import, ImportStage.QUEUED, from_stage=ImportStage.CHECKED)
            return HttpResponseRedirect(kept.get_absolute_url())
        return self.render_import(request, form=self.create_import_form_blank(request), kept=kept)

    def say_recorded(self, request, batch):
        messages.success(request, _("The import is done."))
        if batch is not None:
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("The import is recorded; it can be undone from its page:"),
                    batch.get_absolute_url(),
                    batch,
                ),
            )

    @staticmethod
    def gone_message():
        return _(
            "This preview is no longer available: it has expired, it was already imported, or it is not yours. "
            "Nothing was imported; choose the file again."
        )

    def render_import(self, request, form, kept=None, dataset=None):
        context = {**self.admin_site.each_context(request), **self.get_import_context_data()}
        resource = resource_for(self.model)()
        if kept is not None and kept.stage:
            # A large file, checked or imported by the import worker (relations.importing.tasks).
            context.update(kept=kept, background=True)
            if kept.stage == ImportStage.CHECKED:
                preview = Preview.from_json(kept.preview, request.GET.get("page", 1), request.GET.get("errors", 1))
                context.update(preview=preview)
                if kept.message:
                    messages.error(request, kept.message)
                if not preview.has_errors:
                    context["confirm_form"] = ConfirmImportForm(initial={"kept": kept.pk})
            else:
                context.update(in_progress=True, refresh_seconds=3)
        elif kept is not None:
            try:
                dataset = dataset if dataset is not None else self.read_kept(kept)
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                result = resource.import_data(
                    dataset, dry_run=True, raise_errors=False, file_name=kept.file_name, user=request.user
                )
                preview = Preview(result, request.GET.get("page", 1), request.GET.get("errors", 1))
                context.update(result=result, preview=preview, kept=kept)
                if not preview.has_errors:
                    context["confirm_form"] = ConfirmImportForm(initial={"kept": kept.pk})
        context.update(
            title=_("Import"),
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            fields_list=[(resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])],
            max_upload_size=settings.IMPORT_MAX_UPLOAD_SIZE,
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request, **kwargs):
        """Import the kept file the confirmation names, if it is this user's, for these records, and
        not expired; anything else the client posts is ignored."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmImportForm(request.POST)
        kept = kept_files.find(request.user, self.model, form.cleaned_data["kept"]) if form.is_valid() else None
        if kept is None:
            messages.error(request, self.gone_message())
            return HttpResponseRedirect(self.import_url())
        if kept.stage:
            # A large file: imported by the import worker; its page shows the progress. Only a file
            # whose check passed is queued, and only once however often the form is posted.
            checked = kept.preview or {}
            if kept.preview is None or checked.get("invalid") or checked.get("file_errors"):
                return HttpResponseRedirect(kept.get_absolute_url())
            tasks.enqueue(kept, tasks.run_import, ImportStage.CONFIRMED, from_stage=ImportStage.CHECKED)
            return HttpResponseRedirect(kept.get_absolute_url())
        try:
            dataset = self.read_kept(kept)
        except ImportFileError as error:  # cannot happen for a file that was previewed; said, not a 500
            messages.error(request, str(error))
            return HttpResponseRedirect(self.import_url())
        resource = resource_for(self.model)()
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            file_name=kept.file_name,
            user=request.user,
            retain_instance_in_row_result=True,
            batch_file=(kept.file_name, kept.sha256),
        )
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation and a row now fails: nothing
            # was written. The file is still kept: its preview says why.
            messages.error(
                request, _("Nothing was imported: the file no longer passes the checks. The preview below says why.")
            )
            return HttpResponseRedirect(kept.get_absolute_url())
        kept.delete()
        response = self.process_result(result, request)
        if batch := getattr(result, "batch", None):
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("The import is recorded; it can be undone from its page:"),
                    batch.get_absolute_url(),
                    batch,
                ),
            )
        return response


class ImportedRowInline(admin.TabularInline):
    model = ImportedRow
    fields = ["action", "object_id", "before", "after"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    classes = ["collapse"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Every confirmed import, read-only, with "Undo this import"."""

    list_display = ["file_name", "model", "user", "created_at", "added", "changed", "unchanged", "undone_at"]
    list_filter = ["model", ("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["file_name", "sha256"]
    readonly_fields = [
        "model",
        "file_name",
        "sha256",
        "user",
        "created_at",
        "added",
        "changed",
        "unchanged",
        "undone_at",
        "undone_by",
    ]
    fields = readonly_fields
    list_select_related = ["user"]
    change_form_template = "admin/relations/importbatch/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may import a type of record sees the imports of that type.
        if obj is not None:
            return request.user.has_perm(f"relations.import_{obj.model.split('.')[1]}") or super().has_view_permission(
                request, obj
            )
        return super().has_view_permission(request, obj) or any(
            perm.startswith("relations.import_") for perm in request.user.get_all_permissions()
        )

    def get_urls(self):
        undo = path("<int:pk>/undo/", self.admin_site.admin_view(self.undo_view), name="relations_importbatch_undo")
        return [undo, *super().get_urls()]

    def undo_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        batch = get_object_or_404(ImportBatch, pk=pk)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        try:
            batches.undo(batch, request.user)
        except batches.UndoRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The import was undone: every record is as it was before it."))
        return HttpResponseRedirect(batch.get_absolute_url())
