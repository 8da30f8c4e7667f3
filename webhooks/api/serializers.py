"""Input and output shapes of the webhooks API (SPEC §8)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import DeliveryStatus, WebhookDelivery, WebhookEvent
from ..selectors import DELIVERY_LOG_DEFAULT, DELIVERY_LOG_MAX

EVENTS_HELP = "Eventos: " + ", ".join(WebhookEvent.values) + "."


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000,
        help_text="http:// o https://; no se admiten destinos privados, locales ni reservados "
        "salvo que WEBHOOK_ALLOWED_HOSTS incluya el servidor. No se siguen redirecciones.",
    )
    # Names are checked by the service, so that an unknown one is reported on `events`.
    events = serializers.ListField(child=serializers.CharField(), help_text=EVENTS_HELP)
    secret = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        max_length=200,
        help_text="Llave de la firma HMAC (16 a 200 caracteres). Si se omite se genera una.",
    )


class SubscriptionCreatedOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    secret = serializers.CharField(
        help_text="Llave de la firma `X-Atencion-Signature`; sólo se muestra en esta respuesta."
    )


class SubscriptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class DeliveryListFilterSerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=DELIVERY_LOG_MAX,
        default=DELIVERY_LOG_DEFAULT,
        help_text=f"Cuántas entregas, las más recientes primero (1–{DELIVERY_LOG_MAX}).",
    )


class AttemptOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="event_id", help_text="El `id` del cuerpo enviado.")
    # Plain strings in the schema: enums named `type`/`status` already exist for cases.
    type = serializers.CharField(source="event_type", help_text=EVENTS_HELP)
    case = serializers.CharField(source="case.folio", allow_null=True, default=None)
    status = serializers.CharField(
        help_text="pending (se intentará de nuevo), delivered (respondió 2xx) o failed "
        "(agotó los intentos o se eliminó la suscripción)."
    )
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.SerializerMethodField(
        help_text="Cuándo se intentará de nuevo; null si ya no está pendiente."
    )
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    log = AttemptOutputSerializer(source="attempt_log", many=True)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, delivery: WebhookDelivery) -> str | None:
        if delivery.status != DeliveryStatus.PENDING:
            return None
        return serializers.DateTimeField().to_representation(delivery.next_attempt_at)
