"""Reads of the catalog."""

from django.db.models import Count, Q

from channels.models import Channel, Office

from .models import Directorate, Service


def catalog_summary() -> dict[str, int]:
    """Headline counts of the reference data, for the landing page."""
    return {
        "directorates": Directorate.objects.filter(active=True).count(),
        "services": Service.objects.filter(active=True).count(),
        "channels": Channel.objects.filter(active=True).count(),
        "offices": Office.objects.filter(active=True).count(),
    }


def directorates_with_area_counts():  # type: ignore[no-untyped-def]
    return Directorate.objects.annotate(area_count=Count("areas", filter=Q(areas__active=True))).order_by("code")
