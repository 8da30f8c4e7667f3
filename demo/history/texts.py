"""Spanish texts of generated cases: what citizens ask and what the areas answer."""

DESCRIPTIONS = {
    "complaint": (
        "Llevo semanas sin respuesta a mi trámite y nadie me da información.",
        "El asesor no me atendió bien y me pidió documentos que no aplican.",
        "No se aplicaron mis pagos y ahora aparezco con atraso.",
    ),
    "report": (
        "Una persona ofrece agilizar trámites a cambio de dinero afuera de la oficina.",
        "Me cobraron por un trámite que es gratuito.",
    ),
    "infraction": ("El patrón no está enterando las aportaciones de sus trabajadores.",),
    "procedure": (
        "Solicito realizar el trámite; adjunto mi identificación y comprobante.",
        "Quiero iniciar el trámite y saber qué documentos necesito.",
    ),
    "service": (
        "Necesito mi constancia y no la puedo descargar.",
        "Solicito el servicio indicado.",
    ),
    "advice": (
        "Quiero saber qué opciones tengo para usar mi crédito.",
        "Tengo dudas sobre mi saldo.",
    ),
    "statement": ("Manifiesto mi inconformidad con el cálculo de mi saldo.",),
    "information": (
        "Solicito información sobre el estado de mi cuenta.",
        "¿Cuáles son los requisitos?",
    ),
    "exceptional": ("Caso instruido por resolución; se anexa el oficio correspondiente.",),
}
RESOLUTIONS = (
    "Se atendió la solicitud y se informó al derechohabiente el resultado.",
    "Se corrigió la información en el sistema y se envió la confirmación.",
    "Se entregó la documentación solicitada.",
    "Se orientó al ciudadano sobre los pasos a seguir y quedó conforme.",
)
PAUSE_REASONS = (
    "Falta su identificación oficial",
    "Se solicitó comprobante de domicilio",
    "En espera de documentos del ciudadano",
)
TRANSFER_REASONS = ("Corresponde a otra área", "Requiere dictamen del área responsable")
CANCEL_REASONS = ("Duplicado de otro caso", "El ciudadano desistió")
REOPEN_REASONS = (
    "El ciudadano indica que el problema persiste",
    "La respuesta no atendió su solicitud",
)
FIRST_RESPONSES = (
    "Recibimos su caso y ya lo estamos revisando.",
    "Le informamos que su solicitud está en proceso.",
)
INSTRUMENTS = ("Resolución DG/2026/%04d", "Dictamen SGJ/%04d", "Recomendación CNDH/%04d")
