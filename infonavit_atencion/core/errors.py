"""The application's error family.

Services raise these typed errors; one handler (`core.exceptions`) turns them into
`application/problem+json` for the API, and views turn them into form errors or messages.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class ApplicationError(Exception):
    """A refusal the user can understand. `status` is the HTTP status it maps to."""

    status = 400
    code = "invalid"
    title: Any = _("Solicitud inválida")

    def __init__(
        self,
        detail: Any = None,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = detail if detail is not None else self.title
        self.errors = errors or []
        self.extra = extra or {}
        super().__init__(str(self.detail))


class ValidationFailed(ApplicationError):
    status = 400
    code = "validation"
    title = _("Los datos enviados no son válidos")

    @classmethod
    def single(cls, field: str, code: str, message: Any) -> "ValidationFailed":
        return cls(message, errors=[FieldError(field, code, str(message))])


class NotFound(ApplicationError):
    status = 404
    code = "not_found"
    title = _("No encontrado")


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"
    title = _("No tiene permiso para realizar esta acción")


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    title = _("Conflicto con el estado actual")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = _("La acción no está permitida en el estado actual del caso")


class PreconditionFailed(ApplicationError):
    status = 412
    code = "precondition_failed"
    title = _("La versión indicada ya no es la vigente")


class PreconditionRequired(ApplicationError):
    status = 428
    code = "precondition_required"
    title = _("Se requiere el encabezado If-Match")
