"""Writes for users and API clients."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Area, Directorate
from channels.models import Channel, Office
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import ValidationFailed

from .models import ApiClient, Role, SupervisorScope, UserProfile


@dataclass(frozen=True)
class UserPlacement:
    """Where a user works: what the CLI and admin pass to `user_create`."""

    office_code: str | None = None
    area_code: str | None = None
    directorate_code: str | None = None
    national: bool = False


def _lookup(model, code: str | None, field: str):  # type: ignore[no-untyped-def]
    if not code:
        return None
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist as missing:
        raise ValidationFailed.single(
            field, "does_not_exist", _("No existe la clave «%(code)s».") % {"code": code}
        ) from missing


def _profile_values(role: str, placement: UserPlacement) -> dict:
    office = _lookup(Office, placement.office_code, "office")
    area = _lookup(Area, placement.area_code, "area")
    directorate = _lookup(Directorate, placement.directorate_code, "directorate")
    if area is not None and directorate is None:
        directorate = area.directorate
    scope = SupervisorScope.NONE
    if role == Role.AGENT and office is None:
        raise ValidationFailed.single(
            "office", "required", _("Un asesor necesita una oficina (--office).")
        )
    if role == Role.AREA_STAFF and area is None:
        raise ValidationFailed.single(
            "area", "required", _("El personal de área necesita un área (--area).")
        )
    if role == Role.SUPERVISOR:
        if placement.national:
            scope = SupervisorScope.NATIONAL
        elif office is not None:
            scope = (
                SupervisorScope.DELEGACION
                if office.kind == Office.Kind.DELEGACION
                else SupervisorScope.OFFICE
            )
        elif directorate is not None:
            scope = SupervisorScope.DIRECTORATE
        else:
            raise ValidationFailed.single(
                "scope",
                "required",
                _("Un supervisor necesita un alcance: --office, --directorate o --national."),
            )
    return {
        "role": role,
        "office": office,
        "area": area,
        "directorate": directorate,
        "supervisor_scope": scope,
    }


@transaction.atomic
def user_create(username: str, role: str, password: str, placement: UserPlacement) -> AbstractUser:
    """Create a staff user with a profile, or update the existing one (idempotent)."""
    if role not in Role.values:
        raise ValidationFailed.single(
            "role", "invalid", _("Rol desconocido «%(role)s».") % {"role": role}
        )
    profile_values = _profile_values(role, placement)
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed.single(
            "password", "weak_password", " ".join(error.messages)
        ) from error
    user.set_password(password)
    user.is_active = True
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save()
    UserProfile.objects.update_or_create(user=user, defaults=profile_values)
    return user


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(name: str, channel_code: str, scopes: list[str]) -> tuple[ApiClient, str]:
    """Register another system; returns the client and its key (shown once, stored hashed)."""
    channel = _lookup(Channel, channel_code, "channel")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationFailed.single(
            "scopes",
            "invalid",
            _("Alcances desconocidos: %(scopes)s.") % {"scopes": ", ".join(unknown)},
        )
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationFailed.single(
            "name", "unique", _("Ya existe un cliente con el nombre «%(name)s».") % {"name": name}
        )
    prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name,
        channel=channel,
        key_prefix=prefix,
        key_digest=api_key_digest(key),
        scopes=sorted(set(scopes)),
    )
    return client, key
