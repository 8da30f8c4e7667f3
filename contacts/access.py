"""Who saw a contact's full record (SPEC §9): masked by default, every reveal logged.

The browser shows contacts masked; staff who may see the case ask to "show" the full record
and :func:`contact_reveal` writes one ContactAccessLog row for that view. Every other place
that shows personal data whole logs through :func:`personal_data_views_log`: the API
(``contacts:read``), the administration, exports, a contact's data export and the sealed
identity of an anonymous denuncia's reporter — each row says why (:class:`AccessReason`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection, transaction

from accounts.models import ApiClient
from infonavit_atencion.core import hashchain

from .models import AccessReason, Contact, ContactAccessLog

VISIBLE_TAIL = 4
# pg_advisory_xact_lock key serializing appends to the access log's one hash chain (ADR 0013).
ACCESS_CHAIN_LOCK = 0x41_43_43_45_53_53  # "ACCESS"


def mask_value(value: str | None) -> str:
    """``*******4431``: only the last four characters stay visible; empty stays empty."""
    if not value:
        return ""
    if len(value) <= VISIBLE_TAIL:
        return "*" * len(value)
    return "*" * (len(value) - VISIBLE_TAIL) + value[-VISIBLE_TAIL:]


def mask_email(value: str) -> str:
    """``a***@example.com``: the first letter and the domain."""
    if not value or "@" not in value:
        return mask_value(value)
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class ContactCard:
    """What the case page prints about a contact; `revealed` says whether it is unmasked."""

    full_name: str
    type_label: str
    nss: str
    curp: str
    rfc: str
    email: str
    phone: str
    revealed: bool


def contact_card(contact: Contact, *, revealed: bool = False) -> ContactCard:
    if revealed:
        return ContactCard(
            contact.full_name,
            contact.get_type_display(),
            contact.nss or "",
            contact.curp or "",
            contact.rfc,
            contact.email,
            contact.phone,
            True,
        )
    return ContactCard(
        contact.full_name,
        contact.get_type_display(),
        mask_value(contact.nss),
        mask_value(contact.curp),
        mask_value(contact.rfc),
        mask_email(contact.email),
        mask_value(contact.phone),
        False,
    )


def contact_reveal(
    contact: Contact, user: User, case_id: int | None, now: dt.datetime
) -> ContactCard:
    """The unmasked card, after logging the view. The caller has checked the user may see the
    case the contact belongs to (`cases.selectors.detail.case_get_for`)."""
    access_log_append(
        [
            ContactAccessLog(
                contact=contact, user=user, case_id=case_id, reason=AccessReason.CASE_PAGE, at=now
            )
        ]
    )
    return contact_card(contact, revealed=True)


def personal_data_views_log(
    views: Iterable[tuple[int | None, int | None]],
    now: dt.datetime,
    *,
    reason: str,
    user: User | None = None,
    api_client: ApiClient | None = None,
) -> int:
    """Log many views at once, one row per (contact id, case id), by one user or one API client.

    A row without a contact is a view of a case's sealed reporter identity (reason
    ``sealed_identity``). The caller has checked the scope; the database refuses a row with
    neither or both actors.
    """
    rows = [
        ContactAccessLog(
            contact_id=contact_id,
            user=user,
            api_client=api_client,
            case_id=case_id,
            reason=reason,
            at=now,
        )
        for contact_id, case_id in views
    ]
    access_log_append(rows)
    return len(rows)


def contact_views_log(
    user: User,
    views: Iterable[tuple[int | None, int | None]],
    now: dt.datetime,
    *,
    reason: str = AccessReason.EXPORT,
) -> int:
    """Log many full-record views at once, one row per (contact id, case id): an export that
    carries full contact data (indicators.exports). The caller has checked the scope."""
    return personal_data_views_log(views, now, reason=reason, user=user)


def access_log_hash(row: ContactAccessLog, prev_hash: str) -> str:
    """The row's link in the access log's chain, after `prev_hash`."""
    return hashchain.access_link(
        prev_hash, [getattr(row, name) for name in hashchain.ACCESS_FIELDS]
    )


def access_log_append(rows: list[ContactAccessLog]) -> None:
    """Insert log rows chained onto the log's last row, in their order.

    One chain for the whole log: on PostgreSQL a transaction-scoped advisory lock, taken with
    the read of the head in one call (`contacts_access_log_head`, contacts 0008), makes the
    read, the INSERT (which assigns the ids, hence the chain order) and the commit one step per
    writer; on SQLite the database's single writer does. Held until the surrounding
    transaction commits, so callers log last and briefly. No savepoint: a failed insert fails
    the caller's transaction, as it did before.
    """
    if not rows:
        return
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT contacts_access_log_head(%s)", [ACCESS_CHAIN_LOCK])
                head = cursor.fetchone()[0]
        else:
            head = (
                ContactAccessLog.objects.order_by("-id")
                .values_list("chain_hash", flat=True)
                .first()
            )
        head = head or hashchain.GENESIS
        for row in rows:
            row.chain_hash = head = access_log_hash(row, head)
        ContactAccessLog.objects.bulk_create(rows, batch_size=1000)
