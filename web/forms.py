"""Browser forms. They validate input and turn it into the services' and selectors' inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH, RESOLUTION_MAX_LENGTH
from cases.models import CaseStatus, SlaState
from cases.services import TransitionInput
from catalog.models import CaseKind
from catalog.selectors import directorate_list, service_list
from infonavit_atencion.core.dates import validate_supported_date

from .queues import DEFAULT_ORDERING, ORDERINGS

EMPTY = [("", _("Todos"))]


def _service_choices() -> list[tuple[str, str]]:
    # Names, not codes: a person reads the list (the catalog's names are unique).
    return sorted(service_list().values_list("code", "name"), key=lambda choice: choice[1])


def received_range(
    after: dt.date | None, before: dt.date | None, tz: dt.tzinfo
) -> dict[str, dt.datetime]:
    """CaseFilters' received_after/received_before for local days `after` to `before`, both
    inclusive (the queue's filter form and the links from the home page agree on this)."""
    refine = {}
    if after:
        refine["received_after"] = dt.datetime.combine(after, dt.time(), tz)
    if before:
        refine["received_before"] = dt.datetime.combine(
            before + dt.timedelta(days=1), dt.time(), tz
        )
    return refine


def _area_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = []
    for directorate in directorate_list():
        areas = [(a.code, a.name) for a in directorate.areas.all() if a.active]
        if areas:
            groups.append((directorate.name, areas))
    return groups


class QueueFilterForm(forms.Form):
    """The filters above a queue. Every field is optional; codes come from the catalog."""

    q = forms.CharField(label=_("Buscar"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Estado"), required=False, choices=EMPTY + list(CaseStatus.choices)
    )
    kind = forms.ChoiceField(
        label=_("Tipo"), required=False, choices=EMPTY + list(CaseKind.choices)
    )
    service = forms.ChoiceField(label=_("Servicio"), required=False)
    area = forms.ChoiceField(label=_("Área"), required=False)
    sla_state = forms.ChoiceField(
        label=_("Plazo"), required=False, choices=EMPTY + list(SlaState.choices)
    )
    received_after = forms.DateField(
        label=_("Recibido desde"),
        required=False,
        validators=[validate_supported_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_before = forms.DateField(
        label=_("Recibido hasta"),
        required=False,
        validators=[validate_supported_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    orden = forms.ChoiceField(
        label=_("Orden"),
        required=False,
        choices=[(key, label) for key, (_field, label) in ORDERINGS.items()],
        initial=DEFAULT_ORDERING,
    )

    def __init__(self, *args: Any, default_ordering: str = DEFAULT_ORDERING, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_ordering = default_ordering
        self.fields["service"].choices = EMPTY + _service_choices()  # type: ignore[attr-defined]
        self.fields["area"].choices = EMPTY + _area_choices()  # type: ignore[attr-defined]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Folio, asunto o descripción")

    def controls(self) -> list[dict[str, Any]]:
        """The fields as plain data for the template: rendering hundreds of catalog options
        through Django's widget templates costs more than the whole case query."""
        controls = []
        for field in self:
            value = field.value()
            if field.name == "orden" and not value:
                value = self.default_ordering
            control: dict[str, Any] = {
                "name": field.html_name,
                "id": field.id_for_label,
                "label": field.label,
                "value": "" if value is None else str(value),
                "errors": field.errors,
            }
            choices = getattr(field.field, "choices", None)
            if choices is not None:
                groups: list[tuple[Any, list[tuple[str, Any]]]] = []
                for key, label in choices:
                    if isinstance(label, (list, tuple)):
                        groups.append((key, list(label)))
                    elif groups and groups[-1][0] is None:
                        groups[-1][1].append((key, label))
                    else:
                        groups.append((None, [(key, label)]))
                control.update(kind="select", groups=groups)
            else:
                control["kind"] = field.field.widget.input_type
            controls.append(control)
        return controls

    def ordering(self) -> str:
        key = self.cleaned_data.get("orden") or self.default_ordering
        return ORDERINGS[key][0]

    def refinements(self) -> dict[str, Any]:
        """CaseFilters fields chosen by the user; dates are local days (to, inclusive)."""
        data = self.cleaned_data
        refine: dict[str, Any] = {"q": data.get("q") or ""}
        for name in ("status", "kind", "service", "area", "sla_state"):
            if data.get(name):
                refine[name] = [data[name]]
        tz = timezone.get_current_timezone()
        refine.update(received_range(data.get("received_after"), data.get("received_before"), tz))
        return refine

    def applied(self) -> int:
        """How many filters the user set (the folded panel says so)."""
        if not self.is_bound:
            return 0
        return sum(
            1 for name in self.fields if name != "orden" and (self.data.get(name) or "").strip()
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comentario"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
    )
    public = forms.BooleanField(
        label=_("Visible para el ciudadano (respuesta pública)"), required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Archivo"))


class TransitionForm(forms.Form):
    """One lifecycle action; which fields matter depends on the action (the service checks)."""

    action = forms.ChoiceField(
        choices=[
            (a, a)
            for a in (
                "take",
                "pause",
                "resume",
                "resolve",
                "transfer",
                "reclassify",
                "cancel",
                "reopen",
                "assign",
                "extend",
            )
        ]
    )
    reason = forms.CharField(
        label=_("Motivo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
    )
    resolution = forms.CharField(
        label=_("Resolución"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=RESOLUTION_MAX_LENGTH,
    )
    area = forms.CharField(label=_("Área destino"), required=False, max_length=40)
    service = forms.CharField(label=_("Nuevo servicio"), required=False, max_length=40)
    assignee = forms.CharField(label=_("Asignar a"), required=False, max_length=150)
    arco_right = forms.CharField(label=_("Derecho ARCO"), required=False, max_length=20)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def transition(self) -> TransitionInput:
        data = self.cleaned_data
        return TransitionInput(
            action=data["action"],
            reason=data.get("reason") or "",
            resolution=data.get("resolution") or "",
            area=(data.get("area") or "").strip().upper() or None,
            service=(data.get("service") or "").strip().upper() or None,
            assignee=(data.get("assignee") or "").strip() or None,
            arco_right=(data.get("arco_right") or "").strip(),
        )


class BulkActionForm(forms.Form):
    """Supervisors: assign or transfer the selected cases, each in its own transaction."""

    ACTIONS = [("assign", _("Asignar a")), ("transfer", _("Transferir a área"))]
    action = forms.ChoiceField(label=_("Acción"), choices=ACTIONS)
    assignee = forms.CharField(label=_("Usuario"), required=False, max_length=150)
    area = forms.CharField(label=_("Área"), required=False, max_length=40)
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=500)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.folio_list: list[str] = data.getlist("folios") if data is not None else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.folio_list:
            raise forms.ValidationError(_("Seleccione al menos un caso."))
        if len(self.folio_list) > 100:
            raise forms.ValidationError(_("Seleccione a lo más 100 casos a la vez."))
        # Asked once here rather than refused once per case by the service.
        action = cleaned.get("action")
        if action == "assign" and not (cleaned.get("assignee") or "").strip():
            raise forms.ValidationError(_("Elija a quién se asignan los casos."))
        if action == "transfer" and not (cleaned.get("area") or "").strip():
            raise forms.ValidationError(_("Elija el área a la que se transfieren los casos."))
        if action == "transfer" and not (cleaned.get("reason") or "").strip():
            raise forms.ValidationError(_("Escriba el motivo de la transferencia."))
        return cleaned


class PublicReplyForm(forms.Form):
    """The citizen's reply on the status page: folio and code again (nothing is kept between
    requests), the text and an optional document (checked by the service: size and content)."""

    # Own ids: the look-up form below has its own folio and code fields on the same page.
    folio = forms.CharField(max_length=24, widget=forms.HiddenInput(attrs={"id": "reply-folio"}))
    code = forms.CharField(max_length=16, widget=forms.HiddenInput(attrs={"id": "reply-code"}))
    body = forms.CharField(
        label=_("Su respuesta"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea
    )
    file = forms.FileField(label=_("Documento (opcional)"), required=False)


class PublicStatusForm(forms.Form):
    folio = forms.CharField(
        label=_("Folio"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ATN-2026-00001234"}),
    )
    code = forms.CharField(
        label=_("Código de seguimiento"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class MacroApplyForm(forms.Form):
    """One macro applied to the case shown, at the version the page showed."""

    macro = forms.IntegerField(min_value=1)
    version = forms.IntegerField(min_value=0, required=False)
