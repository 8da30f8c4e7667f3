"""What the public filing portal offers (issue 18 §3): the services of the web channel
(PUBLIC_FILING_CHANNEL, "Mi Cuenta Infonavit (portal)" by default), grouped for a citizen as
quejas, denuncias and solicitudes, with their public text and SLA promise.

Left out: cases "no previstos" (they need the instrument that instructs them, which staff
register) and ARCO requests (their own legal form at a Cesi or the transparency unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.selectors.sla_preview import SlaPreview, sla_preview
from catalog.models import CaseKind, Service
from catalog.selectors import service_list
from channels.models import Channel

GROUP_COMPLAINT, GROUP_REPORT, GROUP_REQUEST = "queja", "denuncia", "solicitud"
GROUP_OF_KIND: dict[str, str] = {
    CaseKind.COMPLAINT: GROUP_COMPLAINT,
    CaseKind.REPORT: GROUP_REPORT,
    CaseKind.INFRACTION: GROUP_REPORT,
    CaseKind.PROCEDURE: GROUP_REQUEST,
    CaseKind.SERVICE: GROUP_REQUEST,
    CaseKind.ADVICE: GROUP_REQUEST,
    CaseKind.STATEMENT: GROUP_REQUEST,
    CaseKind.INFORMATION: GROUP_REQUEST,
}
GROUP_TEXT: dict[str, tuple[Promise, Promise]] = {
    GROUP_COMPLAINT: (
        _("Quejas"),
        _("Si algo del Infonavit o de su personal no funcionó como debía."),
    ),
    GROUP_REPORT: (
        _("Denuncias"),
        _("Actos indebidos, fraudes o faltas. Una denuncia puede presentarse de forma anónima."),
    ),
    GROUP_REQUEST: (
        _("Solicitudes"),
        _("Trámites, servicios, asesoría e información."),
    ),
}


@dataclass
class ServiceGroup:
    key: str
    title: Promise
    help: Promise
    services: list[Service] = field(default_factory=list)


def portal_channel() -> Channel | None:
    code = settings.PUBLIC_FILING_CHANNEL
    return Channel.objects.filter(code=code, active=True).first()


def _offered(channel: Channel) -> list[Service]:
    services = service_list(channel=channel).select_related(None).prefetch_related(None)
    return [
        service
        for service in services.order_by("name")
        if service.kind in GROUP_OF_KIND and not service.arco_request
    ]


def portal_groups(channel: Channel | None) -> list[ServiceGroup]:
    """Quejas, denuncias, solicitudes: each with the channel's services of its kinds, by name."""
    groups = {key: ServiceGroup(key, *GROUP_TEXT[key]) for key in GROUP_TEXT}
    for service in _offered(channel) if channel is not None else []:
        groups[GROUP_OF_KIND[service.kind]].services.append(service)
    return [group for group in groups.values() if group.services]


def portal_service(channel: Channel | None, code: str) -> Service | None:
    """The service `code` if the portal offers it, with its SLA policy."""
    if channel is None or not code:
        return None
    offered = {service.code for service in _offered(channel)}
    if code not in offered:
        return None
    return Service.objects.select_related("sla_policy").filter(code=code).first()


def portal_promise(service: Service, channel: Channel, now: dt.datetime) -> SlaPreview:
    """What the person is promised if the case is registered now (the real clock)."""
    return sla_preview(service, channel, None, now)


def allows_anonymous(service: Service) -> bool:
    return service.kind == CaseKind.REPORT
