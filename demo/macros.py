"""Demo macros: a few per active service, so the case page shows them (`seed_demo`)."""

from __future__ import annotations

from catalog.models import Macro, MacroAction, MacroPriority, Service

# (title, body, public, action, pause reason, priority); the body names the service.
# fmt: off
DEMO_MACROS = [
    ("Acuse de recibo",
     "Recibimos su solicitud sobre «{service}». La atendemos y le informaremos del avance por este medio.",
     True, MacroAction.NONE, "", MacroPriority.UNCHANGED),
    ("Solicitar identificación",
     "Para continuar con «{service}» necesitamos copia de su identificación oficial vigente. Puede adjuntarla respondiendo a este mensaje.",
     True, MacroAction.PAUSE, "Identificación oficial pendiente del solicitante", MacroPriority.UNCHANGED),
    ("Resuelto: atendido",
     "Su solicitud sobre «{service}» quedó atendida. Si tiene alguna duda, puede responder a este mensaje.",
     True, MacroAction.RESOLVE, "", MacroPriority.UNCHANGED),
    ("Nota interna: revisar con prioridad",
     "Caso de «{service}» a revisar con prioridad por el área.",
     False, MacroAction.NONE, "", MacroPriority.HIGH),
]
# fmt: on


def demo_macros_seed() -> int:
    """Create the demo macros each active service lacks (by title); the number created."""
    created = 0
    for service in Service.objects.filter(active=True).only("pk", "name"):
        for title, body, public, action, reason, priority in DEMO_MACROS:
            _macro, new = Macro.objects.get_or_create(
                service=service,
                title=title,
                defaults={
                    "body": body.format(service=service.name),
                    "public": public,
                    "action": action,
                    "pause_reason": reason,
                    "priority": priority,
                },
            )
            created += new
    return created
