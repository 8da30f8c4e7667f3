"""Why a step of the two-person grant of the integrity role is refused (SPEC §9)."""

from django.utils.translation import gettext_lazy as _

from infonavit_atencion.core.errors import Conflict, InvalidTransition, PermissionDenied


class NotAnAdministrator(PermissionDenied):
    code = "not_an_administrator"
    title = _(
        "Sólo una persona administradora puede proponer, aprobar o revocar el rol de integridad."
    )


class SealedRoleSelfGrant(PermissionDenied):
    code = "sealed_role_self_grant"
    title = _("Nadie puede proponer ni aprobar el rol de integridad para su propia cuenta.")


class SealedRoleSameAdministrator(PermissionDenied):
    code = "sealed_role_same_administrator"
    title = _("Quien propone no puede aprobar: debe hacerlo otra persona administradora.")


class SealedRoleAlreadyOpen(Conflict):
    code = "sealed_role_already_open"
    title = _("Este usuario ya tiene el rol de integridad o una propuesta pendiente.")


class SealedRoleGrantNotPending(InvalidTransition):
    code = "sealed_role_not_pending"
    title = _("La propuesta ya fue resuelta: no puede aprobarse ni rechazarse de nuevo.")


class SealedRoleGrantNotActive(InvalidTransition):
    code = "sealed_role_not_active"
    title = _("Sólo una concesión aprobada y vigente puede revocarse.")


class SealedRoleUserInactive(Conflict):
    code = "sealed_role_user_inactive"
    title = _("El rol de integridad sólo se concede a una cuenta activa del personal.")
