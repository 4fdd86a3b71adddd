"""How the columns of a file map to a model, and the small helpers every stage of the import shares."""

import copy
import re
from itertools import islice

from django.core.validators import RegexValidator
from django.db import models
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

#: Separates the values of a many-to-many column in one cell: "ID; PH; VN".
SEPARATOR = ";"


class Column:
    """How one column of a file maps to the model: a plain field, a natural key or keys, a date."""

    def __init__(self, resource_field, model):
        self.name = resource_field.column_name
        self.attribute = resource_field.attribute
        self.field = resource_field
        self.model_field = model._meta.get_field(self.attribute)
        self.precision = getattr(resource_field, "precision", None)
        field = self.model_field
        self.choices = (
            dict.fromkeys(str(choice) for choice, _label in field.flatchoices if choice) if field.choices else None
        )
        self.text = isinstance(field, models.CharField | models.TextField)
        self.number = isinstance(field, models.IntegerField | models.DecimalField)
        self.validators = [resolved(validator) for validator in field.validators]
        widget = resource_field.widget
        self.many = isinstance(widget, ManyToManyWidget)
        self.related = widget.model if isinstance(widget, ForeignKeyWidget | ManyToManyWidget) else None
        self.key = widget.field if self.related else None
        if self.many:
            m2m = self.model_field
            self.through = m2m.remote_field.through
            self.source_column = f"{m2m.m2m_field_name()}_id"
            self.target_column = f"{m2m.m2m_reverse_field_name()}_id"

    @property
    def required(self):
        """A column every file must have: a field that cannot be blank and has no default."""
        field = self.model_field
        return not (self.many or field.blank or field.has_default() or field.null)


def resolved(validator):
    """A validator whose lazily compiled regular expression is compiled now.

    Django compiles a RegexValidator's pattern on first use behind a lazy object, whose every
    attribute access costs a Python call: noticeable a hundred thousand cells into an import.
    """
    if isinstance(validator, RegexValidator):
        validator = copy.copy(validator)
        validator.regex = re.compile(validator.regex.pattern, validator.regex.flags)
    return validator


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk
