"""Browser forms of the supervisor dashboard: the period, grouping and channel of the board, and
the one number a drill-down lists. They validate query strings into plain values (the choices
are indicators.dashboard_choices); the dashboard presenter (indicators.dashboard) does the
rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.selectors import channel_list
from indicators.dashboard_choices import DEFAULT_GROUP, GROUPS, period_presets
from indicators.metrics import METRICS
from infonavit_atencion.core.dates import validate_supported_date

# The trend chart and its table have one point per day: a year at most.
MAX_DAYS = 366


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[validate_supported_date],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _check_range(cleaned: dict[str, Any], add_error: Any) -> None:
    start, end = cleaned.get("from"), cleaned.get("to")
    if start and end:
        if end < start:
            add_error("to", _("La fecha final es anterior a la inicial."))
        elif (end - start).days + 1 > MAX_DAYS:
            add_error("to", _("El periodo puede abarcar a lo más %(n)d días.") % {"n": MAX_DAYS})


class DashboardForm(forms.Form):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&group=channel&channel=CODE`; every field optional: the
    period defaults to this month (to today), the grouping to the channel."""

    group = forms.ChoiceField(
        label=_("Agrupar por"),
        required=False,
        choices=list(GROUPS.items()),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # "from" is a Python keyword: these two are added by name.
        self.fields["from"] = _date_field(_("Desde"))
        self.fields["to"] = _date_field(_("Hasta"))
        self.order_fields(["from", "to", "group", "channel"])
        self.fields["channel"].choices = [("", _("Todos los canales"))] + [  # type: ignore[attr-defined]
            (channel.code, channel.name) for channel in channel_list()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default = period_presets(self.today)[0]
        cleaned["from"] = cleaned.get("from") or default.date_from
        cleaned["to"] = cleaned.get("to") or (
            default.date_to if cleaned["from"] <= default.date_to else cleaned["from"]
        )
        cleaned["group"] = cleaned.get("group") or DEFAULT_GROUP
        _check_range(cleaned, self.add_error)
        return cleaned

    def show_resolved(self) -> None:
        """After validation: show the dates and grouping the board resolved to (the defaults
        fill the empty fields), so the page says which period it shows."""
        data = dict(self.data.items())
        data["from"] = self.cleaned_data["from"].isoformat()
        data["to"] = self.cleaned_data["to"].isoformat()
        data["group"] = self.cleaned_data["group"]
        self.data = data


class DrillDownForm(forms.Form):
    """The number a drill-down lists: `metric`, the period (`from`, `to`), the board's filters
    (`channel`, `directorate`) and the row's group key (`group` with `key`; an empty key is a
    case without that dimension) or its day (`day`)."""

    # The labels name the fields in error messages (the form is read from the address).
    metric = forms.ChoiceField(label=_("Indicador"), choices=[(m, m) for m in METRICS])
    group = forms.ChoiceField(
        label=_("Agrupación"), required=False, choices=[("", ""), *GROUPS.items()]
    )
    key = forms.CharField(label=_("Grupo"), required=False, max_length=60)
    day = forms.DateField(label=_("Día"), required=False, validators=[validate_supported_date])
    channel = forms.CharField(label=_("Canal"), required=False, max_length=60)
    directorate = forms.CharField(label=_("Dirección"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=_("Desde"), validators=[validate_supported_date]
        )
        self.fields["to"] = forms.DateField(label=_("Hasta"), validators=[validate_supported_date])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_range(cleaned, self.add_error)
        day = cleaned.get("day")
        start, end = cleaned.get("from"), cleaned.get("to")
        if day and start and end and not start <= day <= end:
            self.add_error("day", _("El día no está dentro del periodo."))
        return cleaned
