"""Spanish column titles of the exported tables and the catalog names behind the codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog.models import Area, Directorate, Service
from channels.models import Channel, Office

from ..metrics import METRICS

METRIC_LABELS = {
    "received": _("Recibidos"),
    "complaints_per_1000": _("Quejas por cada 1,000 recibidos"),
    "resolutions": _("Resoluciones"),
    "resolved_within_sla": _("Resueltos en plazo"),
    "sla_compliance_pct": _("Cumplimiento de plazo (%)"),
    "first_responses": _("Primeras respuestas"),
    "first_responses_within_sla": _("Primeras respuestas en plazo"),
    "first_response_compliance_pct": _("Cumplimiento de primera respuesta (%)"),
    "resolution_hours_avg": _("Horas hábiles para resolver (promedio)"),
    "resolution_hours_p50": _("Horas hábiles para resolver (mediana)"),
    "resolution_hours_p90": _("Horas hábiles para resolver (percentil 90)"),
    "fcr_pct": _("Resueltos en el primer contacto (%)"),
    "reopen_pct": _("Reaperturas (%)"),
    "backlog": _("Pendientes al cierre"),
    "backlog_breached": _("Pendientes vencidos al cierre"),
    "survey_responses": _("Encuestas respondidas"),
    "csat_pct": _("Satisfacción (% de 4 y 5)"),
    "csat_avg": _("Satisfacción (promedio 1–5)"),
    "nps": _("NPS"),
}
assert set(METRIC_LABELS) == set(METRICS), "every metric needs a column title"

GROUP_LABELS = {
    "channel": _("Canal"),
    "directorate": _("Dirección"),
    "area": _("Área"),
    "office": _("Oficina"),
    "service": _("Servicio"),
    "kind": _("Tipo"),
    "day": _("Día"),
}
TARGET_STATUS_LABELS = {"met": _("Cumplida"), "at_risk": _("En riesgo"), "missed": _("Incumplida")}


@dataclass(frozen=True)
class CatalogNames:
    """id → (code, name) of every coded dimension: small tables, read once per export."""

    by_dimension: dict[str, dict[int, tuple[str, str]]]
    by_code: dict[str, dict[str, str]]

    def code(self, dimension: str, pk: int | None) -> str:
        return self.by_dimension[dimension].get(pk, ("", ""))[0] if pk is not None else ""

    def name(self, dimension: str, pk: int | None) -> str:
        return self.by_dimension[dimension].get(pk, ("", ""))[1] if pk is not None else ""

    def name_of_code(self, dimension: str, code: str | None) -> str:
        return self.by_code[dimension].get(code, "") if code else ""


def catalog_names() -> CatalogNames:
    models: dict[str, Any] = {
        "channel": Channel,
        "directorate": Directorate,
        "area": Area,
        "office": Office,
        "service": Service,
    }
    by_dimension = {
        name: {
            pk: (code, label) for pk, code, label in model.objects.values_list("pk", "code", "name")
        }
        for name, model in models.items()
    }
    by_code = {
        name: {code: label for code, label in rows.values()} for name, rows in by_dimension.items()
    }
    return CatalogNames(by_dimension, by_code)
