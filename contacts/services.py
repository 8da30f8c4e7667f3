"""Writes to the single contact base."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import FieldError, ValidationFailed

from .identifiers import validate_curp, validate_nss, validate_rfc
from .models import Contact


@dataclass(frozen=True)
class ContactInput:
    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    nss: str | None = None
    curp: str | None = None
    rfc: str | None = None
    email: str = ""
    phone: str = ""
    type: str = Contact.Type.DERECHOHABIENTE
    # A record staff picked from a search (browser intake): used as it is, completed with what
    # it lacks, even when it has neither NSS nor CURP to be found by.
    contact_id: int | None = None


@dataclass(frozen=True)
class ContactUpsertResult:
    contact: Contact
    created: bool
    warnings: tuple[str, ...] = ()


def _validated_identifiers(data: ContactInput, prefix: str) -> tuple[str | None, str | None, str, list[str]]:
    errors: list[FieldError] = []
    warnings: list[str] = []
    nss = curp = None
    rfc = ""
    for field_name, raw in (("nss", data.nss), ("curp", data.curp), ("rfc", data.rfc)):
        if not raw:
            continue
        try:
            if field_name == "nss":
                nss = validate_nss(raw)
            elif field_name == "curp":
                curp = validate_curp(raw)
            else:
                result = validate_rfc(raw)
                rfc = result.value
                warnings.extend(result.warnings)
        except ValidationError as error:
            errors.append(FieldError(f"{prefix}{field_name}", error.code or "invalid", " ".join(error.messages)))
    if errors:
        raise ValidationFailed(_("Revise los identificadores del contacto."), errors=errors)
    return nss, curp, rfc, warnings


def contact_upsert(data: ContactInput, *, prefix: str = "contact.") -> ContactUpsertResult:
    """Find the contact (the one picked, or by NSS or CURP) and complete it, or create it (SPEC §3).

    An NSS and a CURP that belong to two different contacts are refused: merging is a
    deliberate act (`contact_merge`), never a side effect of intake. Names are not overwritten;
    e-mail and phone take the newest values given.
    """
    nss, curp, rfc, warnings = _validated_identifiers(data, prefix)
    if data.type not in Contact.Type.values:
        raise ValidationFailed.single(f"{prefix}type", "invalid_choice", _("Tipo de contacto desconocido."))

    with transaction.atomic():
        by_nss = Contact.objects.select_for_update().filter(nss=nss).first() if nss else None
        by_curp = Contact.objects.select_for_update().filter(curp=curp).first() if curp else None
        if by_nss and by_curp and by_nss.pk != by_curp.pk:
            raise ValidationFailed.single(
                f"{prefix}curp",
                "identity_conflict",
                _("El NSS y la CURP pertenecen a contactos distintos; fusione los contactos antes de continuar."),
            )
        existing = by_nss or by_curp
        if data.contact_id is not None:
            picked = Contact.objects.select_for_update().filter(pk=data.contact_id, merged_into__isnull=True).first()
            if picked is None:
                raise ValidationFailed.single(
                    f"{prefix}contact_id", "not_found", _("El contacto elegido ya no existe o fue fusionado.")
                )
            if existing is not None and existing.pk != picked.pk:
                raise ValidationFailed.single(
                    f"{prefix}nss" if by_nss else f"{prefix}curp",
                    "identity_conflict",
                    _("El identificador pertenece a otro contacto; fusione los contactos antes de continuar."),
                )
            existing = picked
        if existing is not None:
            return ContactUpsertResult(_complete(existing, data, nss, curp, rfc), False, tuple(warnings))
        return _create(data, nss, curp, rfc, warnings, prefix)


def _complete(contact: Contact, data: ContactInput, nss: str | None, curp: str | None, rfc: str) -> Contact:
    changes: dict[str, object] = {}
    if nss and not contact.nss:
        changes["nss"] = nss
    if curp and not contact.curp:
        changes["curp"] = curp
    if rfc and not contact.rfc:
        changes["rfc"] = rfc
    if data.email and data.email != contact.email:
        changes["email"] = data.email
    if data.phone and data.phone != contact.phone:
        changes["phone"] = data.phone
    for name, value in changes.items():
        setattr(contact, name, value)
    if changes:
        try:
            with transaction.atomic():
                contact.save(update_fields=[*changes, "updated_at"])
        except IntegrityError as clash:
            raise ValidationFailed.single(
                "contact", "identity_conflict", _("El NSS o la CURP ya pertenecen a otro contacto.")
            ) from clash
    return contact


def _create(
    data: ContactInput, nss: str | None, curp: str | None, rfc: str, warnings: list[str], prefix: str
) -> ContactUpsertResult:
    errors = [
        FieldError(f"{prefix}{name}", "required", str(message))
        for name, message in (
            ("given_names", _("Escriba el nombre o nombres.")),
            ("first_surname", _("Escriba el primer apellido.")),
        )
        if not getattr(data, name).strip()
    ]
    if errors:
        raise ValidationFailed(_("Faltan datos del contacto."), errors=errors)
    contact = Contact(
        nss=nss,
        curp=curp,
        rfc=rfc,
        given_names=data.given_names.strip(),
        first_surname=data.first_surname.strip(),
        second_surname=data.second_surname.strip(),
        email=data.email.strip(),
        phone=data.phone.strip(),
        type=data.type,
    )
    try:
        contact.full_clean(exclude=["nss", "curp", "rfc"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationFailed(
            _("Revise los datos del contacto."),
            errors=[
                FieldError(f"{prefix}{field}", "invalid", " ".join(messages))
                for field, messages in error.message_dict.items()
            ],
        ) from error
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # Another intake created the same person a moment ago: reuse it.
        existing = Contact.objects.filter(nss=nss).first() if nss else None
        existing = existing or (Contact.objects.filter(curp=curp).first() if curp else None)
        if existing is None:
            raise
        return ContactUpsertResult(existing, False, tuple(warnings))
    return ContactUpsertResult(contact, True, tuple(warnings))
