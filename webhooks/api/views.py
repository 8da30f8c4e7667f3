"""Webhook subscriptions of API clients (SPEC §8): one small view per resource.

Only API clients with ``webhooks:manage`` use these endpoints; a subscription belongs to the
client that made it, and another client's answers 404. Browser users get 403.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import request_api_client
from accounts.models import ApiClient
from infonavit_atencion.core.api_errors import problem_responses
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import PermissionDenied

from .. import selectors, services
from .serializers import (
    DeliveryListFilterSerializer,
    DeliveryOutputSerializer,
    SubscriptionCreatedOutputSerializer,
    SubscriptionInputSerializer,
    SubscriptionOutputSerializer,
)

MANAGE = [Scope.WEBHOOKS_MANAGE]
TAGS = ["webhooks"]
ID_PARAMETER = OpenApiParameter(
    "subscription_id", int, OpenApiParameter.PATH, description="Id de la suscripción."
)
DELIVERY_DESCRIPTION = (
    "Cada entrega es un POST con el cuerpo `{id, type, created_at, data}` (`data` es el caso, "
    "como lo ve un cliente sin contacts:read) y los encabezados `X-Atencion-Signature: "
    "sha256=<hex de HMAC-SHA256(secreto, cuerpo)>`, `X-Atencion-Event: <type>` y "
    "`X-Atencion-Delivery: <id>`. Una respuesta 2xx la da por entregada; cualquier otra "
    "(también una redirección, que no se sigue) se reintenta con espera exponencial: 30 s, "
    "1 min, 2 min … hasta 6 h, diez intentos en total. Puede llegar más de una vez: descarte "
    "un `id` ya recibido."
)


def _client(request: Request) -> ApiClient:
    client = request_api_client(request)
    if client is None:
        raise PermissionDenied(_("Sólo los clientes de la API administran webhooks."))
    return client


class WebhookCollectionApi(APIView):
    required_scopes = {"GET": MANAGE, "POST": MANAGE}

    @extend_schema(
        operation_id="webhooks_list",
        summary="Suscripciones a webhooks del cliente",
        tags=TAGS,
        responses={200: SubscriptionOutputSerializer(many=True), **problem_responses()},
    )
    def get(self, request: Request) -> Response:
        subscriptions = selectors.webhook_subscriptions_of(_client(request))
        return Response(SubscriptionOutputSerializer(subscriptions, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Suscribirse a eventos de casos",
        description=DELIVERY_DESCRIPTION,
        tags=TAGS,
        request=SubscriptionInputSerializer,
        responses={
            201: OpenApiResponse(
                SubscriptionCreatedOutputSerializer,
                description="Suscripción creada; el secreto sólo se muestra aquí.",
            ),
            **problem_responses(400, 409),
        },
    )
    def post(self, request: Request) -> Response:
        client = _client(request)
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = services.webhook_subscribe(
            client,
            data.validated_data["url"],
            data.validated_data["events"],
            data.validated_data.get("secret"),
            now=timezone.now(),
        )
        body = {
            "id": subscription.pk,
            "url": subscription.url,
            "events": subscription.events,
            "secret": secret,
        }
        return Response(SubscriptionCreatedOutputSerializer(body).data, status=201)


class WebhookDetailApi(APIView):
    required_scopes = {"DELETE": MANAGE}

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Eliminar una suscripción",
        description="Deja de enviar sus eventos; las entregas pendientes se dan por fallidas.",
        tags=TAGS,
        parameters=[ID_PARAMETER],
        responses={204: None, **problem_responses(404)},
    )
    def delete(self, request: Request, subscription_id: int) -> Response:
        services.webhook_unsubscribe(_client(request), subscription_id, now=timezone.now())
        return Response(status=204)


class WebhookDeliveryListApi(APIView):
    required_scopes = {"GET": MANAGE}

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="Bitácora de entregas de una suscripción",
        description="Las entregas más recientes, con cada intento (momento, código HTTP, error).",
        tags=TAGS,
        parameters=[ID_PARAMETER, DeliveryListFilterSerializer],
        responses={200: DeliveryOutputSerializer(many=True), **problem_responses(400, 404)},
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        subscription = selectors.webhook_subscription_get(_client(request), subscription_id)
        filters = DeliveryListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        deliveries = selectors.webhook_deliveries_of(subscription, filters.validated_data["limit"])
        return Response(DeliveryOutputSerializer(deliveries, many=True).data)
