"""The admin's dashboard in its index template (templates/admin/index.html)."""

from django import template

from relations.dashboard import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    return dashboard(context["request"].user)
