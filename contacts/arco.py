"""ARCO requests: a person exercising access, rectification, cancellation or opposition over
their personal data (derechos ARCO, Ley General de Protección de Datos Personales en Posesión
de Sujetos Obligados).

An ARCO request is an ordinary case of a catalog service marked ``arco_request`` (seeded:
``DERECHOS_ARCO``, owned by the Enlace de Transparencia y Protección de Datos Personales, with
the legal term as its SLA policy ``ARCO_20DH``). What makes it an ARCO request is the right it
exercises, kept beside the case in :class:`~contacts.models.ArcoRequest` and written by intake
in the case's transaction. Intake asks for the right on those services and refuses it on any
other (:func:`arco_right_errors`). An access request is answered with
:func:`arco.export.contact_data_export`. See docs/adr/0011.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import FieldError

from .models import ArcoRequest, ArcoRight

FIELD = "arco_right"


def arco_right_errors(service: Any, right: str) -> list[FieldError]:
    """What is wrong with `right` for a case of `service` (empty when it is fine).

    An ARCO service needs one of the four rights; every other service takes none.
    """
    right = (right or "").strip()
    if not getattr(service, "arco_request", False):
        if right:
            return [
                FieldError(
                    FIELD,
                    "not_allowed",
                    _("Sólo una solicitud de derechos ARCO indica el derecho que se ejerce."),
                )
            ]
        return []
    if not right:
        return [
            FieldError(
                FIELD,
                "required",
                _(
                    "Indique el derecho que se ejerce: acceso, rectificación, cancelación u oposición."
                ),
            )
        ]
    if right not in ArcoRight.values:
        return [
            FieldError(
                FIELD,
                "invalid_choice",
                _(
                    "Derecho ARCO desconocido; use access, rectification, cancellation u opposition."
                ),
            )
        ]
    return []


def arco_request_record(case: Any, right: str) -> ArcoRequest:
    """The ARCO right of a new case (call inside intake's transaction, after validation)."""
    return ArcoRequest.objects.create(case=case, right=right.strip())


def arco_request_set(case: Any, right: str) -> ArcoRequest:
    """The right of a case reclassified into an ARCO service (call after validation). A row
    kept from an earlier time under an ARCO service is overwritten: the right is asked again."""
    request, _created = ArcoRequest.objects.update_or_create(
        case=case, defaults={"right": right.strip()}
    )
    return request


def arco_request_for(case: Any) -> ArcoRequest | None:
    """The case's ARCO request, if its service is an ARCO one (no query otherwise)."""
    if not getattr(case.service, "arco_request", False):
        return None
    return ArcoRequest.objects.filter(case=case).first()
