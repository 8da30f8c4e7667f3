"""Input and output shapes of the cases API (SPEC §8). References are codes; times carry offsets.

The output serializers document the case JSON in the OpenAPI schema and define it; the views
answer with :mod:`cases.representation`, which writes the same JSON by hand (much cheaper) and is
tested to agree with them. Output serializers read `context`:

* ``now`` — the instant of the request, for the SLA state computed at read time;
* ``unmask_identifiers`` — whether NSS and CURP are shown whole (``contacts:read``);
* ``warnings`` — the intake warnings, for the creation answer only.

Timeline, comments and attachments: :mod:`cases.api.content_serializers`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import CaseKind
from contacts.models import ArcoRight, Contact

from ..limits import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORTER_IDENTITY_MAX_LENGTH,
    RESOLUTION_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)
from ..models import Case, CaseStatus, Priority, SlaState
from ..models.case import PRIORITY_NAMES
from ..representation import mask_identifier
from ..services.workflow import ACTIONS
from ..sla.policy import sla_state_at
from .fields import AwareDateTimeField, ClonedFieldsMixin

# low, normal, high, urgent — the API speaks names; the database keeps ranks.
PRIORITIES = [(PRIORITY_NAMES[rank.value], rank.label) for rank in Priority]
ORDERINGS = ("received_at", "created_at", "resolution_due_at", "priority")
PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100


# --- The case ---------------------------------------------------------------------------------


class CaseContactOutputSerializer(serializers.Serializer):
    given_names = serializers.CharField()
    first_surname = serializers.CharField()
    second_surname = serializers.CharField()
    type = serializers.ChoiceField(choices=Contact.Type.choices)
    nss = serializers.SerializerMethodField(
        help_text="Enmascarado (`*******4431`) salvo con el alcance contacts:read."
    )
    curp = serializers.SerializerMethodField(
        help_text="Enmascarada (últimos cuatro caracteres) salvo con el alcance contacts:read."
    )
    rfc = serializers.SerializerMethodField(help_text="Enmascarado salvo con contacts:read.")
    email = serializers.SerializerMethodField(help_text="Enmascarado salvo con contacts:read.")
    phone = serializers.SerializerMethodField(help_text="Enmascarado salvo con contacts:read.")

    def to_representation(self, instance: Any) -> Any:
        # `instance` is the case: with contacts:read its contact's record, otherwise only the
        # details the case came with (SPEC §8); null for an anonymous denuncia.
        if instance.contact_id is None:
            return None
        unmask = self.context.get("unmask_identifiers")
        return super().to_representation(instance.contact if unmask else instance.contact_as_sent)

    def _identifier(self, value: str | None) -> str | None:
        return value if self.context.get("unmask_identifiers") else mask_identifier(value)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rfc(self, contact: Contact) -> str | None:
        return self._identifier(contact.rfc)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_email(self, contact: Contact) -> str | None:
        return self._identifier(contact.email)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, contact: Contact) -> str | None:
        return self._identifier(contact.phone)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_nss(self, contact: Contact) -> str | None:
        return self._identifier(contact.nss or None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_curp(self, contact: Contact) -> str | None:
        return self._identifier(contact.curp or None)


class CaseSlaOutputSerializer(serializers.Serializer):
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField()
    warn_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField(help_text="Calculado en el instante de la consulta.")
    calendar = serializers.CharField(source="sla_calendar.code")

    @extend_schema_field(serializers.ChoiceField(choices=SlaState.choices))
    def get_state(self, case: Case) -> str:
        now = self.context.get("now") or timezone.now()
        return sla_state_at(case, now)


class CaseOutputSerializer(serializers.Serializer):
    folio = serializers.CharField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    priority = serializers.ChoiceField(choices=PRIORITIES, source="priority_name")
    service = serializers.CharField(source="service.code")
    channel = serializers.CharField(source="channel.code")
    office = serializers.CharField(source="office.code", allow_null=True, default=None)
    directorate = serializers.CharField(source="directorate.code", allow_null=True, default=None)
    area = serializers.CharField(source="area.code", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    contact = CaseContactOutputSerializer(
        source="*",
        allow_null=True,
        help_text="null en una denuncia anónima. Sin contacts:read, los datos con que llegó el "
        "caso (enmascarados), no los de la base de contactos.",
    )
    subject = serializers.CharField()
    description = serializers.CharField()
    received_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    sla = CaseSlaOutputSerializer(source="*")
    external_reference = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(help_text="Cambia con cada escritura; es el ETag del caso.")


class CaseCreatedOutputSerializer(CaseOutputSerializer):
    """El caso recién registrado: con su código de seguimiento (sólo aquí) y las advertencias."""

    tracking_code = serializers.CharField(
        help_text="Código secreto para la consulta ciudadana; sólo aparece en esta respuesta."
    )
    warnings = serializers.SerializerMethodField(
        help_text="Códigos de advertencia de la captura (p. ej. open_case_same_service)."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, case: Case) -> list[str]:
        return list(self.context.get("warnings", []))

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        ordered = {"folio": data.pop("folio"), "tracking_code": data.pop("tracking_code")}
        ordered.update(data)
        return ordered


class CasePageOutputSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="Página siguiente; null al final.")
    previous = serializers.URLField(allow_null=True, help_text="Página anterior; null al inicio.")
    results = CaseOutputSerializer(many=True)


# --- Create, list, edit ---------------------------------------------------------------------


class ContactInputSerializer(ClonedFieldsMixin, serializers.Serializer):
    nss = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    curp = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    rfc = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    given_names = serializers.CharField(max_length=120)
    first_surname = serializers.CharField(max_length=120)
    second_surname = serializers.CharField(required=False, allow_blank=True, max_length=120)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    type = serializers.ChoiceField(choices=Contact.Type.choices, required=False)


class CaseCreateInputSerializer(ClonedFieldsMixin, serializers.Serializer):
    service = serializers.CharField(help_text="Clave del servicio del catálogo.")
    channel = serializers.CharField(
        required=False,
        help_text="Clave del canal; por omisión el del cliente de la API, y no puede ser otro.",
    )
    office = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Clave de la oficina; obligatoria en canales presenciales.",
    )
    contact = ContactInputSerializer(
        required=False,
        allow_null=True,
        help_text="Se omite sólo en una denuncia anónima. Se guarda con el caso y sus avisos van "
        "a ese correo; actualiza la base única de contactos sólo con el alcance contacts:write.",
    )
    subject = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_MAX_LENGTH)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
    received_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="Cuándo lo recibió el Instituto (por omisión, ahora); no futuro ni de hace más "
        "de 30 días sin el alcance cases:import.",
    )
    external_reference = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="Referencia del sistema que registra; única por cliente.",
    )
    resolution = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=RESOLUTION_MAX_LENGTH,
        help_text="Resuelve en el primer contacto (sólo servicios que lo permiten).",
    )
    anonymous = serializers.BooleanField(
        required=False, help_text="Denuncia anónima: sin contacto."
    )
    reporter_identity = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REPORTER_IDENTITY_MAX_LENGTH,
        help_text="Identidad que da un denunciante anónimo; queda reservada y no se muestra.",
    )
    instrument_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Resolución, dictamen o recomendación que instruye un caso no previsto.",
    )
    arco_right = serializers.ChoiceField(
        choices=ArcoRight.choices,
        required=False,
        allow_blank=True,
        help_text="Derecho ARCO que se ejerce; obligatorio en los servicios de derechos ARCO "
        "(p. ej. DERECHOS_ARCO) y no admitido en los demás.",
    )


class CaseListPagingSerializer(ClonedFieldsMixin, serializers.Serializer):
    """Order and page of `GET /cases/`; its filters are
    `cases.selectors.filters.CaseListFilterSet`."""

    ordering = serializers.ChoiceField(
        choices=[*ORDERINGS, *(f"-{name}" for name in ORDERINGS)],
        required=False,
        help_text="Campo de orden; «-» para descendente. Por omisión -received_at.",
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=PAGE_SIZE_MAX, help_text="1–100; por omisión 25."
    )
    cursor = serializers.CharField(required=False, help_text="Tomado de `next` o `previous`.")


class CaseUpdateInputSerializer(ClonedFieldsMixin, serializers.Serializer):
    priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_MAX_LENGTH)

    default_error_messages = {
        "unknown_field": _("Sólo se pueden cambiar priority y subject."),
        "empty": _("Indique priority o subject."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.error_messages["unknown_field"]] for name in unknown},
                    code="unknown_field",
                )
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(self.error_messages["empty"], code="empty")
        return attrs


class TransitionInputSerializer(ClonedFieldsMixin, serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)
    resolution = serializers.CharField(
        required=False, allow_blank=True, max_length=RESOLUTION_MAX_LENGTH
    )
    assignee = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Usuario (assign)."
    )
    area = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Clave de área (transfer)."
    )
    directorate = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Clave de dirección (transfer).",
    )
    service = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Clave de servicio (reclassify).",
    )
    arco_right = serializers.ChoiceField(
        choices=ArcoRight.choices,
        required=False,
        allow_blank=True,
        help_text="Derecho ARCO que se ejerce (reclassify a un servicio de derechos ARCO).",
    )
