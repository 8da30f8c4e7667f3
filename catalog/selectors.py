"""Reads of the catalog."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from channels.models import Channel, Office
from infonavit_atencion.core.errors import NotFound

from .models import Area, Directorate, Macro, Service, ServiceChannel


def catalog_summary() -> dict[str, int]:
    """Headline counts of the reference data, for the landing page."""
    return {
        "directorates": Directorate.objects.filter(active=True).count(),
        "services": Service.objects.filter(active=True).count(),
        "channels": Channel.objects.filter(active=True).count(),
        "offices": Office.objects.filter(active=True).count(),
    }


def directorates_with_area_counts():  # type: ignore[no-untyped-def]
    return Directorate.objects.annotate(
        area_count=Count("areas", filter=Q(areas__active=True))
    ).order_by("code")


def directorate_list() -> QuerySet[Directorate]:
    """Every directorate with its areas (active or not: both carry an `active` flag)."""
    areas = Prefetch("areas", queryset=Area.objects.order_by("code"))
    return Directorate.objects.prefetch_related(areas).order_by("code")


def directorate_get_by_code(code: str) -> Directorate | None:
    return Directorate.objects.filter(code=code).first()


def _active_channel_links() -> Prefetch:
    """Active links to active channels, with their override policy, as `service.active_links`."""
    links = (
        ServiceChannel.objects.filter(active=True, channel__active=True)
        .select_related("channel", "sla_policy__calendar")
        .order_by("channel__code")
    )
    return Prefetch("channel_links", queryset=links, to_attr="active_links")


def _services_with_sla() -> QuerySet[Service]:
    return (
        Service.objects.filter(active=True)
        .select_related("directorate", "area", "sla_policy__calendar")
        .prefetch_related(_active_channel_links())
    )


def service_list(
    *,
    channel: Channel | None = None,
    kind: str | None = None,
    directorate: Directorate | None = None,
) -> QuerySet[Service]:
    """Active services by code; each has `active_links` (two queries whatever the count)."""
    services = _services_with_sla().order_by("code")
    if channel is not None:
        # One filter() call: the link must be active AND for this (active) channel.
        services = services.filter(
            channel_links__channel=channel,
            channel_links__active=True,
            channel_links__channel__active=True,
        )
    if kind:
        services = services.filter(kind=kind)
    if directorate is not None:
        services = services.filter(directorate=directorate)
    return services


def service_get(code: str) -> Service:
    """One active service with `active_links`; a retired or unknown code is NotFound."""
    service = _services_with_sla().filter(code=code).first()
    if service is None:
        raise NotFound(_("No existe el servicio «%(code)s».") % {"code": code})
    return service


def macros_for(service_id: int) -> QuerySet[Macro]:
    """The active macros of a service, by title (the ones its cases may apply)."""
    return Macro.objects.filter(service_id=service_id, active=True).order_by("title")
