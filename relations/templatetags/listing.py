"""What the list pages' filter panel reads from the counts the view computed."""

from django import template

register = template.Library()


@register.filter
def option_count(counts, key):
    """How many records an option would list: `counts` maps an option's value (as text) to its count;
    an option no listed record names has none (0). None when no counts were made."""
    if counts is None:
        return None
    return counts.get(str(key), 0)


@register.filter
def get_counts(option_counts, name):
    """The counts of one filter's options, or None (a filter not counted, or no counts at all)."""
    return (option_counts or {}).get(name)
