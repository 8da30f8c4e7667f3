"""Next year's días-inhábiles notice: administrators are warned from 1 December until it is loaded.

The institute publishes its yearly notice in the DOF (usually in January); until
reference_data/dias_inhabiles/<next year>.yaml is loaded, terms that run into next year count only
the official holidays. The warning is a database system check (``manage.py check --database
default``, and every ``migrate``) and a banner on the admin index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.checks import Warning
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

WARN_FROM = (12, 1)  # month, day


def missing_next_year_notice(today: dt.date) -> int | None:
    """Next year, if ``today`` is on or after 1 December and its notice is not loaded."""
    if (today.month, today.day) < WARN_FROM:
        return None
    year = today.year + 1
    # Looked up by name: channels.apps imports this module before the models are loaded.
    notices = apps.get_model("channels", "NonWorkingDaysNotice")
    return None if notices.objects.filter(year=year).exists() else year


def missing_notice_message(year: int) -> str:
    return _(
        "No se ha cargado el aviso de días inhábiles del Infonavit para %(year)s. En cuanto se "
        "publique en el DOF, agregue reference_data/dias_inhabiles/%(year)s.yaml y ejecute "
        "«python manage.py load_reference_data»; mientras tanto, los plazos que llegan a %(year)s "
        "sólo descuentan los días de descanso obligatorio."
    ) % {"year": year}


def next_year_notice_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    if not databases:
        return []
    try:
        year = missing_next_year_notice(timezone.localdate())
    except DatabaseError:  # not migrated yet: nothing to say about its data
        return []
    if year is None:
        return []
    return [Warning(missing_notice_message(year), id="channels.W001")]
