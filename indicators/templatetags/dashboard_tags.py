"""How a dashboard number is printed: a link to the cases behind it, named for screen readers.

Built with plain string formatting (every value escaped): a year of days is 2,000 numbers, and
`format_html` per number costs more than the query behind the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.dashboard_cells import Cell

register = template.Library()


def _no_data() -> str:
    return f'<span aria-hidden="true">—</span><span class="visually-hidden">{escape(_("sin datos"))}</span>'


def _link(cell: Cell, context: str, no_data: str) -> str:
    if cell.url is None:
        return no_data
    hidden = f" · {cell.label} · {context}" if context else f" · {cell.label}"
    return (
        f'<a href="{escape(cell.url)}">{escape(cell.text)}'
        f'<span class="visually-hidden">{escape(hidden)}</span></a>'
    )


@register.simple_tag
def number_link(cell: Cell, context: str = "") -> SafeString:
    """`<a>1,250<span class="visually-hidden"> · Recibidos · Cesi</span></a>`, or a dash
    read as "sin datos" when the number has no data (a rate over nothing)."""
    return mark_safe(_link(cell, str(context), _no_data()))  # noqa: S308 - every value escaped


@register.simple_tag
def number_cells(cells: Iterable[Cell], context: str = "", css: str = "text-end") -> SafeString:
    """A table row's numbers, one `<td>` each."""
    no_data, context, css = _no_data(), str(context), escape(css)
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<td class="{css}" data-metric="{escape(cell.metric)}">'
            f"{_link(cell, context, no_data)}</td>"
            for cell in cells
        )
    )
