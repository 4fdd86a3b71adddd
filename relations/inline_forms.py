"""Inline formsets whose rows cost no query each.

Django's admin renders an autocomplete field's selected option with a query per form, and validates
each row's primary key and foreign keys with a query or two per form (the change form validates a bound
formset to show its errors, as it does for a working copy). Here the inline's rows are loaded once
with their related objects (`select_related`), and the fields and widgets of each row look the
objects up among those before asking the database; a value that is not among them (a changed choice,
or a forged one) still goes through Django's own query, restricted to the field's queryset."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect


class KnownChoiceField(forms.ModelChoiceField):
    known = {}

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class KnownAutocompleteSelect(AutocompleteSelect):
    known = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not all(key in self.known for key in selected):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", not selected, 0))
        for key in selected:
            label = self.choices.field.label_from_instance(self.known[key])
            default[1].append(self.create_option(name, key, label, True, len(default[1])))
        return [default]


class LoadedForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        """A foreign key found among the loaded rows exists: the model's check would ask again."""
        exclude = super()._get_validation_exclusions()
        for name, field in self.fields.items():
            value = getattr(self, "cleaned_data", {}).get(name)
            known = isinstance(field, KnownChoiceField) and value is not None
            if known and field.known.get(str(value.pk)) is value:
                exclude.add(name)
        return exclude


class LoadedFormSet(forms.BaseInlineFormSet):
    """Rows loaded once with their foreign keys; each row's fields find them there."""

    known_relations = ()

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset().select_related(*self.known_relations)
        return self._queryset

    def _known(self):
        if not hasattr(self, "_known_objects"):
            rows = list(self.get_queryset())
            self._known_objects = {self.model._meta.pk.name: {str(row.pk): row for row in rows}}
            for name in self.known_relations:
                field = self.model._meta.get_field(name)
                self._known_objects[name] = {
                    str(getattr(row, field.attname)): getattr(row, name) for row in rows if getattr(row, field.attname)
                }
        return self._known_objects

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = self.model._meta.pk.name
        field = form.fields[pk]
        form.fields[pk] = KnownChoiceField(field.queryset, initial=field.initial, required=False, widget=field.widget)
        for name, known in self._known().items():
            field = form.fields.get(name)
            if field is None:
                continue
            field.known = known
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KnownAutocompleteSelect):
                widget.known = known


class LoadedInline(admin.options.InlineModelAdmin):
    """An inline whose autocomplete foreign keys (`autocomplete_fields`) are loaded with its rows."""

    form = LoadedForm
    formset = LoadedFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.known_relations = list(self.get_autocomplete_fields(request))
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
            kwargs.setdefault("form_class", KnownChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
