"""The admin's dashboard in its index template (templates/admin/index.html)."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from relations.dashboard import dashboard
from relations.workflow import reason_label

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    return dashboard(context["request"].user)


@register.filter
def field_label(opts, name):
    """A model field's label for a column header ("Publication status", not "publication_status")."""
    try:
        return capfirst(opts.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.filter
def change_reason(reason):
    """A history entry's change reason (stored in English, as a key) in the page's language."""
    return reason_label(reason)
