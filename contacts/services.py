"""Writes to the single contact base."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core import row_insert
from infonavit_atencion.core.errors import FieldError, ValidationFailed
from infonavit_atencion.core.history import insert_with_history

from .details import DETAIL_FIELDS, ContactDetails
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
class ContactEditor:
    """Who changes the base, for its history: a staff user, or an API client (`label`)."""

    user: Any = None
    label: str = ""


@dataclass(frozen=True)
class ContactUpsertResult:
    contact: Contact
    created: bool
    warnings: tuple[str, ...] = ()
    # What the case keeps (SPEC §8): the details sent, normalised.
    details: ContactDetails = field(default_factory=ContactDetails)


def _validated_identifiers(
    data: ContactInput, prefix: str
) -> tuple[str | None, str | None, str, list[str]]:
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
            errors.append(
                FieldError(
                    f"{prefix}{field_name}", error.code or "invalid", " ".join(error.messages)
                )
            )
    if errors:
        raise ValidationFailed(_("Revise los identificadores del contacto."), errors=errors)
    return nss, curp, rfc, warnings


def contact_upsert(
    data: ContactInput,
    *,
    prefix: str = "contact.",
    update: bool = True,
    editor: ContactEditor | None = None,
    savepoint: bool = True,
) -> ContactUpsertResult:
    """Find the contact (the one picked, or by NSS or CURP) and complete it, or create it (SPEC §3).

    An NSS and a CURP that belong to two different contacts are refused: merging is a
    deliberate act (`contact_merge`), never a side effect of intake. Names are not overwritten;
    e-mail and phone take the newest values given.

    With ``update=False`` (an API client without ``contacts:write``, SPEC §8) a contact found
    is only linked, never changed, and the details returned are exactly those sent; a contact
    not found is created from them (there is nothing to overwrite). Otherwise the details
    returned fill what was not sent from the contact's record. Each change is recorded in the
    contact's history with `editor`.

    ``savepoint=False``: the caller's transaction is rolled back whole on any error this raises
    (intake under an Idempotency-Key), so no savepoint of its own is needed (issue 17).
    """
    nss, curp, rfc, warnings = _validated_identifiers(data, prefix)
    if data.type not in Contact.Type.values:
        raise ValidationFailed.single(
            f"{prefix}type", "invalid_choice", _("Tipo de contacto desconocido.")
        )
    sent = _sent_details(data, nss, curp, rfc)

    with transaction.atomic(savepoint=savepoint):
        by_nss = Contact.objects.select_for_update().filter(nss=nss).first() if nss else None
        by_curp = Contact.objects.select_for_update().filter(curp=curp).first() if curp else None
        if by_nss and by_curp and by_nss.pk != by_curp.pk:
            raise ValidationFailed.single(
                f"{prefix}curp",
                "identity_conflict",
                _(
                    "El NSS y la CURP pertenecen a contactos distintos; fusione los contactos antes de continuar."
                ),
            )
        existing = by_nss or by_curp
        if data.contact_id is not None:
            picked = (
                Contact.objects.select_for_update()
                .filter(pk=data.contact_id, merged_into__isnull=True)
                .first()
            )
            if picked is None:
                raise ValidationFailed.single(
                    f"{prefix}contact_id",
                    "not_found",
                    _("El contacto elegido ya no existe o fue fusionado."),
                )
            if existing is not None and existing.pk != picked.pk:
                raise ValidationFailed.single(
                    f"{prefix}nss" if by_nss else f"{prefix}curp",
                    "identity_conflict",
                    _(
                        "El identificador pertenece a otro contacto; fusione los contactos antes de continuar."
                    ),
                )
            existing = picked
        if existing is not None and not update:
            return ContactUpsertResult(existing, False, tuple(warnings), sent)
        if existing is not None:
            contact = _complete(existing, data, nss, curp, rfc, editor)
            return ContactUpsertResult(contact, False, tuple(warnings), _filled(sent, contact))
        result = _create(data, nss, curp, rfc, warnings, prefix, editor)
        # Reused after a race (created by another intake a moment ago): linked, as above.
        return replace(result, details=_filled(sent, result.contact) if update else sent)


def _sent_details(
    data: ContactInput, nss: str | None, curp: str | None, rfc: str
) -> ContactDetails:
    return ContactDetails(
        given_names=data.given_names.strip(),
        first_surname=data.first_surname.strip(),
        second_surname=data.second_surname.strip(),
        type=data.type,
        nss=nss or "",
        curp=curp or "",
        rfc=rfc,
        email=data.email.strip(),
        phone=data.phone.strip(),
    )


def _filled(sent: ContactDetails, contact: Contact) -> ContactDetails:
    """What was sent, and where nothing was, what the record holds."""
    return ContactDetails(
        **{name: getattr(sent, name) or (getattr(contact, name) or "") for name in DETAIL_FIELDS}
    )


def _record_editor(contact: Contact, editor: ContactEditor | None) -> None:
    # simple-history reads these when it writes the change (the middleware fills the user
    # in a browser request; a Celery task or an API client has none).
    if editor is None:
        return
    if editor.user is not None:
        contact._history_user = editor.user  # type: ignore[attr-defined]
    if editor.label:
        contact._change_reason = editor.label[:100]  # type: ignore[attr-defined]


def _complete(
    contact: Contact,
    data: ContactInput,
    nss: str | None,
    curp: str | None,
    rfc: str,
    editor: ContactEditor | None,
) -> Contact:
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
        _record_editor(contact, editor)
        try:
            with transaction.atomic():
                contact.save(update_fields=[*changes, "updated_at"])
        except IntegrityError as clash:
            raise ValidationFailed.single(
                "contact", "identity_conflict", _("El NSS o la CURP ya pertenecen a otro contacto.")
            ) from clash
    return contact


def _contact_insert(contact: Contact) -> None:
    """Write a new contact with its history row: one statement on PostgreSQL (ADR 0020)."""
    if not row_insert.available():
        contact.save()
        return
    contact.search_name_refresh()
    insert_with_history(contact)


def _create(
    data: ContactInput,
    nss: str | None,
    curp: str | None,
    rfc: str,
    warnings: list[str],
    prefix: str,
    editor: ContactEditor | None,
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
        contact.full_clean(
            exclude=["nss", "curp", "rfc"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise ValidationFailed(
            _("Revise los datos del contacto."),
            errors=[
                FieldError(f"{prefix}{field}", "invalid", " ".join(messages))
                for field, messages in error.message_dict.items()
            ],
        ) from error
    _record_editor(contact, editor)
    if nss is None and curp is None:
        # Nothing unique to clash on (no concurrent twin to reuse): no savepoint (issue 17).
        _contact_insert(contact)
        return ContactUpsertResult(contact, True, tuple(warnings))
    try:
        with transaction.atomic():
            _contact_insert(contact)
    except IntegrityError:
        # Another intake created the same person a moment ago: reuse it.
        existing = Contact.objects.filter(nss=nss).first() if nss else None
        existing = existing or (Contact.objects.filter(curp=curp).first() if curp else None)
        if existing is None:
            raise
        return ContactUpsertResult(existing, False, tuple(warnings))
    return ContactUpsertResult(contact, True, tuple(warnings))
