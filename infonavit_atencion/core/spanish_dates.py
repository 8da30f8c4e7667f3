"""Dates written as es-MX writes them: month names in lower case ("7 de diciembre de 2026",
"7 dic 2026"). Django's es catalog capitalizes them ("Diciembre", "Dic"), so screens use these."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
SHORT_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def long_date(day: dt.date) -> str:
    """`7 de diciembre de 2026` (for a datetime, its own wall-clock date)."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def short_date(day: dt.date) -> str:
    """`7 dic 2026` (for a datetime, its own wall-clock date)."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"
