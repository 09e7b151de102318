from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def cell(cells: dict, key: str):
    """A comparison cell: the count, or a dash for a suppressed one."""
    value = cells.get(key)
    if value is None:
        return format_html('<abbr title="{}">–</abbr>', _("unterdrückt"))
    return value
