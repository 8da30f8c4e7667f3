"""The admin index banner: next year's días-inhábiles notice is not loaded (channels.checks)."""

from django import template
from django.utils import timezone

from channels.checks import missing_next_year_notice, missing_notice_message

register = template.Library()


@register.simple_tag
def next_year_notice_warning() -> str:
    year = missing_next_year_notice(timezone.localdate())
    return "" if year is None else missing_notice_message(year)
