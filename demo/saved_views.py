"""Demo saved views: one per demo role, so the queue page shows them (`seed_demo`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cases.models import SavedView
from cases.services.saved_views import saved_view_create, saved_view_share

# (username, name, queue, filters, area shared with)
DEMO_SAVED_VIEWS = [
    ("asesor.cesi", "Quejas de mi oficina", "office", "kind=complaint", None),
    ("cartera.cancelacion", "Sin asignar en espera", "unassigned", "status=waiting", None),
    ("supervisor.cartera", "Vencidos de Cartera", "breached", "area=CARTERA_CANCELACION",
     "CARTERA_CANCELACION"),
    ("admin", "En espera del ciudadano", "all", "status=waiting", None),
]  # fmt: skip


def demo_saved_views_seed(users: dict[str, Any]) -> int:
    """Create the demo saved views their owners lack (by name); the number created."""
    created, now = 0, timezone.now()
    for username, name, queue, query, area in DEMO_SAVED_VIEWS:
        owner = users[username]
        if SavedView.objects.filter(owner=owner, name=name).exists():
            continue
        view = saved_view_create(owner, name=name, queue=queue, query=query, now=now)
        if area:
            saved_view_share(owner, view.pk, area)
        created += 1
    return created
