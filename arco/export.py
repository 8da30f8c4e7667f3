"""Everything the institute holds about one contact: the answer to an ARCO access request.

:func:`contact_data_export` gathers, unmasked, the contact's record and the records merged into
it, every case of theirs with its timeline, public and internal comments, attachment metadata,
survey answer and ARCO right, and every logged view of their personal data. The export itself
is logged first (``ContactAccessLog``, reason ``export``, with the ARCO case it answers when
there is one), in the same transaction as the read, so the log lists the export too.
:func:`contact_data_export_zip` packs that document with the attachments' files.

Only administrators and holders of the ``contacts.export_contact_data`` permission (the
transparency / personal-data staff) may export (:func:`contact_export_allowed`). An anonymous
denuncia's sealed identity is included only for the dedicated role (``cases.privacy``).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent, Comment
from cases.privacy import sealed_identity_for, sealed_identity_views_log
from cases.services.content import attachment_open
from contacts.access import personal_data_views_log
from contacts.models import AccessReason, Contact, ContactAccessLog
from infonavit_atencion.core.errors import PermissionDenied

EXPORT_PERMISSION = "contacts.export_contact_data"
FORMAT_VERSION = 1
SPOOL_BYTES = 16 * 1024 * 1024  # a ZIP larger than this spills from memory to a temporary file
COPY_CHUNK_BYTES = 64 * 1024
CONTACT_FIELDS = (
    "nss",
    "curp",
    "rfc",
    "given_names",
    "first_surname",
    "second_surname",
    "email",
    "phone",
    "type",
    "consent_notifications",
    "consent_survey",
)


def contact_export_allowed(user: Any) -> bool:
    """Administrators and people granted ``contacts.export_contact_data``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm(EXPORT_PERMISSION))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _code(obj: Any) -> str | None:
    return obj.code if obj is not None else None


def _who(user: Any, client: Any) -> str:
    if user is not None:
        return str(user.get_username())
    if client is not None:
        return f"sistema: {client.name}"
    return "sistema"


def _contact_record(contact: Contact) -> dict[str, Any]:
    record: dict[str, Any] = {"id": contact.pk}
    record.update({name: getattr(contact, name) for name in CONTACT_FIELDS})
    record["created_at"] = _iso(contact.created_at)
    record["updated_at"] = _iso(contact.updated_at)
    return record


def _case_queryset(contact_ids: list[int]) -> Any:
    return (
        Case.objects.filter(contact_id__in=contact_ids)
        .select_related(
            "service",
            "channel",
            "office",
            "directorate",
            "area",
            "assignee",
            "survey_answer",
            "arco_request",
        )
        .prefetch_related(
            Prefetch(
                "events",
                CaseEvent.objects.select_related("actor_user", "actor_client").order_by("at", "id"),
            ),
            Prefetch(
                "comments",
                Comment.objects.select_related("author_user", "author_client").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "attachments",
                Attachment.objects.select_related(
                    "uploaded_by_user", "uploaded_by_client"
                ).order_by("created_at", "id"),
            ),
        )
        .order_by("received_at", "id")
    )


def _attachment_entry(attachment: Any, folio: str) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": _iso(attachment.created_at),
        "uploaded_by": _who(attachment.uploaded_by_user, attachment.uploaded_by_client),
        "file": zip_member_name(folio, attachment),
    }


def zip_member_name(folio: str, attachment: Any) -> str:
    """Where the attachment's bytes sit inside the ZIP (a flat, safe name under its folio)."""
    name = posixpath.basename(attachment.original_name.replace("\\", "/")) or "archivo"
    return f"adjuntos/{folio}/{attachment.pk}-{name}"


def _survey(case: Case) -> dict[str, Any] | None:
    answer = getattr(case, "survey_answer", None)
    if answer is None:
        return None
    return {
        "csat": answer.csat,
        "nps": answer.nps,
        "comment": answer.comment,
        "answered_at": _iso(answer.answered_at),
    }


def _case_record(case: Case, actor: Any) -> dict[str, Any]:
    arco = getattr(case, "arco_request", None)
    record: dict[str, Any] = {
        "folio": case.folio,
        "kind": case.kind,
        "service": {"code": case.service.code, "name": case.service.name},
        "channel": case.channel.code,
        "office": _code(case.office),
        "status": case.status,
        "priority": case.get_priority_display(),
        "subject": case.subject,
        "description": case.description,
        "resolution": case.resolution,
        "directorate": _code(case.directorate),
        "area": _code(case.area),
        "assignee": case.assignee.get_username() if case.assignee else None,
        "external_reference": case.external_reference,
        "instrument_reference": case.instrument_reference,
        "arco_right": arco.right if arco is not None else None,
        "received_at": _iso(case.received_at),
        "created_at": _iso(case.created_at),
        "resolved_at": _iso(case.resolved_at),
        "closed_at": _iso(case.closed_at),
        "resolution_due_at": _iso(case.resolution_due_at),
        "events": [
            {
                "at": _iso(event.at),
                "kind": event.kind,
                "actor": _who(event.actor_user, event.actor_client),
                "data": event.data,
            }
            for event in case.events.all()
        ],
        "comments": [
            {
                "at": _iso(comment.created_at),
                "public": comment.public,
                "author": _who(comment.author_user, comment.author_client),
                "body": comment.body,
            }
            for comment in case.comments.all()
        ],
        "attachments": [_attachment_entry(a, case.folio) for a in case.attachments.all()],
        "survey": _survey(case),
    }
    identity = sealed_identity_for(case, actor)
    if identity is not None:
        record["reporter_identity"] = identity
    return record


def _access_entries(contact_ids: list[int]) -> list[dict[str, Any]]:
    rows = (
        ContactAccessLog.objects.filter(contact_id__in=contact_ids)
        .select_related("user", "api_client", "case")
        .order_by("at", "id")
    )
    return [
        {
            "at": _iso(row.at),
            "reason": row.reason,
            "who": _who(row.user, row.api_client),
            "contact_id": row.contact_id,
            "case": row.case.folio if row.case is not None else None,
        }
        for row in rows
    ]


def contact_data_export(
    contact: Contact, actor: Any, now: dt.datetime, *, arco_case: Case | None = None
) -> dict[str, Any]:
    """Everything held about `contact` as JSON-ready data, for `actor` (a user), logged.

    `arco_case` is the ARCO request this export answers, if any: it is named in the log row.
    Raises PermissionDenied (nothing logged) for anyone but administrators and holders of
    ``contacts.export_contact_data``.
    """
    if not contact_export_allowed(actor):
        raise PermissionDenied(_("No tiene permiso para exportar los datos de un contacto."))
    with transaction.atomic():
        contact = Contact.objects.get(pk=contact.pk)  # as stored now, not as the caller read it
        merged = list(Contact.objects.filter(merged_into=contact).order_by("pk"))
        ids = [contact.pk, *(m.pk for m in merged)]
        arco_id = arco_case.pk if arco_case is not None else None
        personal_data_views_log(
            [(pk, arco_id) for pk in ids], now, reason=AccessReason.EXPORT, user=actor
        )
        cases = list(_case_queryset(ids))
        sealed = [case.pk for case in cases if sealed_identity_for(case, actor) is not None]
        if sealed:
            sealed_identity_views_log(actor, sealed, now)
        return {
            "format_version": FORMAT_VERSION,
            "generated_at": _iso(now),
            "generated_by": actor.get_username(),
            "arco_case": arco_case.folio if arco_case is not None else None,
            "contact": _contact_record(contact),
            "merged_records": [_contact_record(m) for m in merged],
            "cases": [_case_record(case, actor) for case in cases],
            "access_log": _access_entries(ids),
        }


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


@dataclass
class ContactExportFile:
    """A ready ZIP: stream `file` (rewound) as `filename`; the caller closes it."""

    filename: str
    file: IO[bytes]
    document: dict[str, Any]


def contact_data_export_zip(
    contact: Contact, actor: Any, now: dt.datetime, *, arco_case: Case | None = None
) -> ContactExportFile:
    """The export as a ZIP: ``datos.json`` plus every attachment's bytes under ``adjuntos/``.

    An attachment whose bytes are missing from storage is listed with ``"file": null``.
    """
    document = contact_data_export(contact, actor, now, arco_case=arco_case)
    ids = [entry["id"] for case in document["cases"] for entry in case["attachments"]]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        rows = {a.pk: a for a in Attachment.objects.filter(pk__in=ids)}
        for case in document["cases"]:
            for entry in case["attachments"]:
                try:
                    handle = attachment_open(rows[entry["id"]])
                except FileNotFoundError:
                    entry["file"] = None
                    continue
                with handle, archive.open(entry["file"], "w") as member:
                    shutil.copyfileobj(handle, member, COPY_CHUNK_BYTES)
        archive.writestr("datos.json", export_json(document))
    spool.seek(0)
    filename = f"datos-contacto-{contact.pk}-{now:%Y%m%d-%H%M%S}.zip"
    return ContactExportFile(filename, spool, document)
