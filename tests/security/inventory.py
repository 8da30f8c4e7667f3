"""Every URL of the site, classified by who may reach it (SPEC §8, §9).

`ROUTES` maps each URL pattern (as Django's resolver prints it) to its access class and to a
request per HTTP method that an *insider* could legitimately send. `test_url_inventory` fails
when a pattern is added without an entry here (or an entry outlives its pattern), so a new
case-bearing endpoint cannot ship without the cross-scope, scope, CSRF and anonymous checks
that the other modules run over this table.

Access classes:

* ``PUBLIC``: no login (the citizen's pages, health probes, login, API docs). A public page
  that shows a case needs its secret (folio + tracking code, or a signed survey token).
* ``LOGIN``: staff pages without a case in the address; anonymous users go to the login page;
  what they list comes from ``cases.selectors.access.cases_visible_to``.
* ``CASE``: a staff page or action on one case: outside the user's scope, 404.
* ``API``: API endpoints without a case in the address: 401 anonymous, 403 without the scope.
* ``API_CASE``: API on one case: 401 / 403 as above, and 404 outside the caller's scope.
* ``API_OWNED``: a resource an API client owns (its webhook subscriptions): another client, 404.
* ``OWNED``: a page about something a staff user owns (their export jobs): anyone else, 404.
* ``ADMIN``: everything under ``/admin/`` (administrators only; checked as one block).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from .support import World, pdf_upload

PUBLIC, LOGIN, CASE, OWNED, API, API_CASE, API_OWNED, ADMIN = (
    "public",
    "login",
    "case",
    "owned",
    "api",
    "api_case",
    "api_owned",
    "admin",
)
ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Call:
    """One request: `format` is DRF's ("json", "multipart") for API calls."""

    method: str
    path: str
    data: dict[str, Any] | None = None
    format: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def send(client: Any, call: Call) -> Any:
    kwargs: dict[str, Any] = {"headers": call.headers}
    if call.data is not None:
        kwargs["data"] = call.data
    if call.format is not None:
        kwargs["format"] = call.format
    return getattr(client, call.method.lower())(call.path, **kwargs)


Builder = Callable[[World, str], Call]


def _nothing(world: World, method: str) -> Call:
    raise AssertionError("public routes are exercised by their own tests")


@dataclass(frozen=True)
class Route:
    """An access class, the methods it answers, and how to build each request for the world."""

    kind: str
    methods: tuple[str, ...] = ()
    call: Builder = _nothing
    # What the world's insider (the Benito Juárez agent; for OWNED routes, the owner) gets.
    # 404 where the world's case is not what the page is about (not an anonymous denuncia,
    # not an ARCO access request, an export not finished): those pages have their own tests.
    insider: tuple[int, ...] = (200, 302)


def _fixed(kind: str, path: str, *methods: str, **data: dict[str, Any]) -> Route:
    """Requests to a fixed address; `data` by lower-case method name."""
    return Route(kind, methods, lambda w, m: Call(m, path, data.get(m.lower())))


def _web_case(
    suffix: str,
    *methods: str,
    data: Callable[[], dict] | None = None,
    insider: tuple[int, ...] = (200, 302),
) -> Route:
    def build(world: World, method: str) -> Call:
        body = data() if data is not None and method == "POST" else None
        return Call(method, f"/casos/{world.case.folio}/{suffix}", body)

    return Route(CASE, methods, build, insider)


def _no_body(world: World) -> tuple[Any, str | None, dict]:
    return None, None, {}


def _api_case(suffix: str, **bodies: Callable[[World], tuple[Any, str | None, dict]]) -> Route:
    """`bodies`: method → (data, format, headers) built from the world."""

    def build(world: World, method: str) -> Call:
        data, fmt, headers = bodies[method.lower()](world)
        return Call(method, f"/api/v1/cases/{world.case.folio}/{suffix}", data, fmt, headers)

    return Route(API_CASE, tuple(m.upper() for m in bodies), build)


def _subscription(suffix: str, *methods: str) -> Route:
    def build(world: World, method: str) -> Call:
        from webhooks.models import WebhookSubscription

        subscription = WebhookSubscription.objects.filter(client=world.clients["owner"]).first()
        assert subscription is not None, "the test subscribes `owner` first"
        return Call(method, f"/api/v1/webhooks/{subscription.pk}/{suffix}")

    return Route(API_OWNED, methods, build)


def _export_job(suffix: str, insider: tuple[int, ...] = (200,)) -> Route:
    """The supervisor's own export job (made on first use)."""

    def build(world: World, method: str) -> Call:
        from indicators.models import ExportJob, ExportKind

        job, _ = ExportJob.objects.get_or_create(
            requested_by=world.users["supervisor"],
            defaults={
                "kind": ExportKind.CASES,
                "format": "csv",
                "title": "Casos",
                "filename": "c.csv",
            },
        )
        headers = {"HX-Request": "true"} if suffix == "avance/" else {}
        return Call(method, f"/exportaciones/{job.pk}/{suffix}", headers=headers)

    return Route(OWNED, ("GET",), build, insider)


def _saved_view(suffix: str, method: str, data: dict[str, Any] | None = None) -> Route:
    """The supervisor's own saved view, not shared (made on first use)."""

    def build(world: World, method: str) -> Call:
        from cases.models import SavedView

        view, _ = SavedView.objects.get_or_create(
            owner=world.users["supervisor"],
            name="Vencidos",
            defaults={"queue": "breached", "query": "", "created_at": world.case.received_at},
        )
        return Call(method, f"/casos/vistas/{view.pk}/{suffix}", data)

    return Route(OWNED, (method,), build, (302,))


CASE_BODY = {
    "service": "QUEJA_CANALES_DIGITALES",
    "office": "CESI_CDMX_BENITO_JUAREZ",
    "description": "x",
}
WEBHOOK_BODY = {"url": "https://hooks.example.com/x", "events": ["case.created"]}

ROUTES: dict[str, Route] = {
    # --- public -----------------------------------------------------------------------------
    "healthz": Route(PUBLIC),
    "readyz": Route(PUBLIC),
    "accounts/login/": Route(PUBLIC),
    "accounts/logout/": Route(PUBLIC),
    "consulta/": Route(PUBLIC),
    "presentar/": Route(PUBLIC),
    "presentar/confirmar/<str:token>/": Route(PUBLIC),
    "encuesta/gracias/": Route(PUBLIC),
    "encuesta/<str:token>/": Route(PUBLIC),
    "api/v1/public/cases/<str:folio>/": Route(PUBLIC),
    "api/v1/public/cases/<str:folio>/comments/": Route(PUBLIC),
    "api/schema/": Route(PUBLIC),
    "api/docs/": Route(PUBLIC),
    # --- staff pages --------------------------------------------------------------------------
    "": _fixed(LOGIN, "/", "GET"),
    "buscar/": _fixed(LOGIN, "/buscar/?q=queja", "GET"),
    "casos/": _fixed(LOGIN, "/casos/", "GET"),
    "casos/masivo/": _fixed(LOGIN, "/casos/masivo/", "POST", post={}),
    "casos/vistas/": _fixed(
        LOGIN,
        "/casos/vistas/",
        "POST",
        post={"cola": "breached", "nombre": "Vencidos", "consulta": "q=pago"},
    ),
    "casos/vistas/<int:view_id>/": _saved_view("", "GET"),
    "casos/vistas/<int:view_id>/eliminar/": _saved_view("eliminar/", "POST"),
    "casos/vistas/<int:view_id>/compartir/": _saved_view(
        "compartir/", "POST", {"area": "CARTERA_CANCELACION"}
    ),
    "cuenta/contrasena/": _fixed(LOGIN, "/cuenta/contrasena/", "GET", "POST", post={}),
    "cuenta/contrasena/lista/": _fixed(LOGIN, "/cuenta/contrasena/lista/", "GET"),
    # The record of the integrity role's grants: administrators and the role only.
    "integridad/concesiones/": Route(
        LOGIN, ("GET",), lambda w, m: Call(m, "/integridad/concesiones/"), (403,)
    ),
    # "Correo por clasificar": the e-mail office's staff only (the insider works elsewhere).
    "correo/": Route(LOGIN, ("GET",), lambda w, m: Call(m, "/correo/"), (403,)),
    "correo/<int:message_id>/": Route(LOGIN, ("GET",), lambda w, m: Call(m, "/correo/1/"), (403,)),
    "correo/<int:message_id>/crear-caso/": Route(
        LOGIN, ("POST",), lambda w, m: Call(m, "/correo/1/crear-caso/", {}), (403,)
    ),
    "correo/<int:message_id>/agregar/": Route(
        LOGIN, ("POST",), lambda w, m: Call(m, "/correo/1/agregar/", {}), (403,)
    ),
    "correo/<int:message_id>/descartar/": Route(
        LOGIN, ("POST",), lambda w, m: Call(m, "/correo/1/descartar/", {}), (403,)
    ),
    "correo/<int:message_id>/adjuntos/<int:index>/": Route(
        LOGIN, ("GET",), lambda w, m: Call(m, "/correo/1/adjuntos/0/"), (403,)
    ),
    "atencion/registro/": _fixed(
        LOGIN, "/atencion/registro/", "GET", "POST", post={"_action": "save"}
    ),
    "atencion/registro/contactos/": _fixed(
        LOGIN, "/atencion/registro/contactos/?contact_q=Ana", "GET"
    ),
    "atencion/registro/contactos/<int:pk>/": Route(
        LOGIN,
        ("GET",),
        lambda w, m: Call(m, f"/atencion/registro/contactos/{w.case.contact_id}/"),
    ),
    "atencion/registro/identificador/<str:kind>/": _fixed(
        LOGIN, "/atencion/registro/identificador/nss/?nss=1", "GET"
    ),
    "atencion/registro/servicios/": _fixed(
        LOGIN, "/atencion/registro/servicios/?channel=CESI", "GET"
    ),
    "atencion/registro/servicios/informacion/": _fixed(
        LOGIN, "/atencion/registro/servicios/informacion/", "GET"
    ),
    "tablero/": _fixed(LOGIN, "/tablero/", "GET"),
    "tablero/tendencia/": _fixed(LOGIN, "/tablero/tendencia/", "GET"),
    "tablero/metas/": _fixed(LOGIN, "/tablero/metas/", "GET"),
    "exportaciones/": _fixed(LOGIN, "/exportaciones/", "GET"),
    "exportaciones/casos/": _fixed(
        LOGIN, "/exportaciones/casos/", "POST", post={"consulta": "cola=all", "formato": "csv"}
    ),
    "exportaciones/indicadores/": _fixed(
        LOGIN,
        "/exportaciones/indicadores/",
        "GET",
        "POST",
        post={"from": "2026-01-01", "to": "2026-01-31", "formato": "csv"},
    ),
    "exportaciones/<int:pk>/": _export_job(""),
    "exportaciones/<int:pk>/avance/": _export_job("avance/"),
    "exportaciones/<int:pk>/descargar/": _export_job("descargar/", insider=(404,)),
    "tablero/casos/": _fixed(LOGIN, "/tablero/casos/?metric=received", "GET"),
    # Duplicate contacts: supervisors and administrators only (the insider agent gets 403).
    "contactos/duplicados/": Route(
        LOGIN,
        ("GET",),
        lambda w, m: Call(m, f"/contactos/duplicados/?nss={w.case.contact.nss}"),
        (403,),
    ),
    "contactos/<int:source_id>/combinar/<int:target_id>/": Route(
        LOGIN,
        ("GET", "POST"),
        lambda w, m: Call(
            m,
            f"/contactos/{w.case.contact_id}/combinar/{w.case.contact_id}/",
            {"reason": "Intento"} if m == "POST" else None,
        ),
        (403,),
    ),
    "contactos/<int:pk>/historial/": Route(
        LOGIN,
        ("GET",),
        lambda w, m: Call(m, f"/contactos/{w.case.contact_id}/historial/"),
        (403,),
    ),
    # --- one case, in the browser -----------------------------------------------------------
    "casos/<str:folio>/": _web_case("", "GET"),
    "casos/<str:folio>/accion/": _web_case("accion/", "POST", data=lambda: {"action": "take"}),
    "casos/<str:folio>/comentarios/": _web_case(
        "comentarios/", "POST", data=lambda: {"body": "Intento de comentario"}
    ),
    "casos/<str:folio>/adjuntos/": _web_case(
        "adjuntos/", "POST", data=lambda: {"file": pdf_upload()}
    ),
    "casos/<str:folio>/adjuntos/<int:attachment_id>/": Route(
        CASE,
        ("GET",),
        lambda w, m: Call(m, f"/casos/{w.case.folio}/adjuntos/{w.attachment.pk}/"),
    ),
    "casos/<str:folio>/adjuntos/<int:attachment_id>/vista/": Route(
        CASE,
        ("GET",),
        lambda w, m: Call(m, f"/casos/{w.case.folio}/adjuntos/{w.attachment.pk}/vista/"),
    ),
    # A macro id of no service: the insider is told so (302), the outsider gets 404 first.
    "casos/<str:folio>/version/": _web_case("version/", "GET"),
    "casos/<str:folio>/macros/": _web_case("macros/", "POST", data=lambda: {"macro": "999999"}),
    "casos/<str:folio>/contacto/": _web_case("contacto/", "POST", data=dict),
    "casos/<str:folio>/identidad-reservada/": _web_case(
        "identidad-reservada/", "POST", data=dict, insider=(404,)
    ),
    "casos/<str:folio>/arco/exportar/": _web_case(
        "arco/exportar/", "POST", data=dict, insider=(404,)
    ),
    "atencion/registro/registrado/<str:folio>/": Route(
        CASE, ("GET",), lambda w, m: Call(m, f"/atencion/registro/registrado/{w.case.folio}/")
    ),
    # --- API without a case in the address --------------------------------------------------
    "api/v1/channels/": _fixed(API, "/api/v1/channels/", "GET"),
    "api/v1/offices/": _fixed(API, "/api/v1/offices/", "GET"),
    "api/v1/calendars/": _fixed(API, "/api/v1/calendars/", "GET"),
    "api/v1/calendars/<str:code>/": _fixed(API, "/api/v1/calendars/INSTITUCIONAL/", "GET"),
    "api/v1/directorates/": _fixed(API, "/api/v1/directorates/", "GET"),
    "api/v1/services/": _fixed(API, "/api/v1/services/", "GET"),
    "api/v1/services/<str:code>/": _fixed(API, "/api/v1/services/QUEJA_CANALES_DIGITALES/", "GET"),
    "api/v1/cases/": Route(
        API,
        ("GET", "POST"),
        lambda w, m: Call(m, "/api/v1/cases/", CASE_BODY if m == "POST" else None, "json"),
    ),
    "api/v1/webhooks/": Route(
        API,
        ("GET", "POST"),
        lambda w, m: Call(m, "/api/v1/webhooks/", WEBHOOK_BODY if m == "POST" else None, "json"),
    ),
    "api/v1/indicators/": _fixed(API, "/api/v1/indicators/?from=2026-01-01&to=2026-01-31", "GET"),
    "api/v1/targets/": _fixed(API, "/api/v1/targets/", "GET"),
    # --- API on one case --------------------------------------------------------------------
    "api/v1/cases/<str:folio>/": _api_case(
        "",
        get=_no_body,
        patch=lambda w: ({"priority": "high"}, "json", {"If-Match": f'"{w.fresh().version}"'}),
    ),
    "api/v1/cases/<str:folio>/transitions/": _api_case(
        "transitions/", post=lambda w: ({"action": "take"}, "json", {})
    ),
    "api/v1/cases/<str:folio>/events/": _api_case("events/", get=_no_body),
    "api/v1/cases/<str:folio>/comments/": _api_case(
        "comments/", get=_no_body, post=lambda w: ({"body": "Intento", "public": False}, "json", {})
    ),
    "api/v1/cases/<str:folio>/attachments/": _api_case(
        "attachments/", get=_no_body, post=lambda w: ({"file": pdf_upload()}, "multipart", {})
    ),
    "api/v1/cases/<str:folio>/attachments/<int:attachment_id>/": Route(
        API_CASE,
        ("GET",),
        lambda w, m: Call(m, f"/api/v1/cases/{w.case.folio}/attachments/{w.attachment.pk}/"),
    ),
    # --- API resources a client owns --------------------------------------------------------
    "api/v1/webhooks/<int:subscription_id>/": _subscription("", "DELETE"),
    "api/v1/webhooks/<int:subscription_id>/deliveries/": _subscription("deliveries/", "GET"),
}


def resolved_routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern the site answers, as "casos/<str:folio>/accion/"."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from resolved_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes_of(*kinds: str) -> list[str]:
    return [route for route, spec in ROUTES.items() if spec.kind in kinds]


def route_methods(*kinds: str) -> list[tuple[str, str]]:
    """(route, method) pairs of these access classes, for parametrizing."""
    return [(route, method) for route in routes_of(*kinds) for method in ROUTES[route].methods]


def call_for(world: World, route: str, method: str) -> Call:
    return ROUTES[route].call(world, method)
