"""Intake: a new case, in one transaction with its CREATED event (SPEC §2, §4)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import Service
from contacts.arco import arco_request_record
from contacts.details import ContactDetails
from contacts.models import Contact
from contacts.services import ContactEditor, contact_upsert
from infonavit_atencion.core import row_insert
from infonavit_atencion.core.errors import Conflict
from infonavit_atencion.core.row_insert import Statement

from ..events import Actor, event_build
from ..folios import folio_for_insert
from ..followups import (
    ROUTE_NEW_CASE,
    SEND_ACKNOWLEDGEMENT,
    SEND_FILING_CONFIRMATION,
    followup_on_commit,
)
from ..lifecycle import RESOLVE_AT_INTAKE, status_change
from ..models import Case, CaseEvent, CaseStatus, EventKind
from ..models.case import OPEN_STATUSES
from ..ports import CASE_CREATED, case_event_publish
from ..selectors.access import contacts_writable_by, identifiers_visible_to
from ..sla.policy import sla_state_at
from .intake_checks import CaseInput, IntakeChecked, intake_checked

# Unambiguous characters (no 0/O, 1/I/L) so a code read aloud on the phone survives.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10

__all__ = ["CaseCreateResult", "CaseInput", "case_create"]


@dataclass(frozen=True)
class CaseCreateResult:
    case: Case
    warnings: list[str] = field(default_factory=list)
    contact_created: bool = False
    # With `defer_events`: the INSERT of the case's events, which the caller sends in the same
    # transaction (`idempotent_create`, with the key's row: one round trip for both).
    pending: tuple[Statement, ...] = ()


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def _contact_editor(actor: Actor) -> ContactEditor:
    if actor.client is not None:
        label = _("Registro de caso por la API: %(client)s") % {"client": actor.client.name}
        return ContactEditor(label=label)
    return ContactEditor(user=actor.user, label=_("Registro de caso"))


def _open_case_warning(contact: Contact, service: Service, actor: Actor) -> bool:
    cases = Case.objects.filter(contact=contact, service=service, status__in=OPEN_STATUSES)
    # A client that may not read the base learns nothing of others' cases about this person.
    if actor.client is not None and not identifiers_visible_to(actor):
        cases = cases.filter(created_by_client=actor.client)
    return cases.exists()


@dataclass
class _IntakeContact:
    contact: Contact | None = None
    created: bool = False
    details: ContactDetails | None = None
    warnings: list[str] = field(default_factory=list)


def _intake_contact(
    data: CaseInput, actor: Actor, service: Service, savepoint: bool
) -> _IntakeContact:
    """The case's contact, upserted into the single base as far as `actor` may write it."""
    found = _IntakeContact()
    if data.contact is None:
        return found
    upsert = contact_upsert(
        data.contact,
        update=contacts_writable_by(actor),
        editor=_contact_editor(actor),
        savepoint=savepoint,
    )
    found.contact, found.created, found.details = upsert.contact, upsert.created, upsert.details
    found.warnings.extend(upsert.warnings)
    # A contact created just now has no cases yet.
    if not found.created and _open_case_warning(upsert.contact, service, actor):
        found.warnings.append("open_case_same_service")
    return found


def _external_reference_taken(data: CaseInput) -> Conflict:
    return Conflict(
        _("Ya existe un caso con la referencia externa «%(ref)s».")
        % {"ref": data.external_reference}
    )


def _case_new(
    data: CaseInput,
    checked: IntakeChecked,
    found: _IntakeContact,
    actor: Actor,
    now: dt.datetime,
    held: bool = False,
) -> Case:
    """The case as intake writes it (not saved); resolved at once on a first-contact resolution."""
    service = checked.service
    case = Case(
        folio=folio_for_insert(now),  # on PostgreSQL the INSERT sets it (RETURNING)
        tracking_code=tracking_code_new(),
        kind=service.kind,
        service=service,
        channel=checked.channel,
        office=checked.office,
        contact=found.contact,
        anonymous=data.anonymous,
        sealed_reporter_identity=data.sealed_reporter_identity.strip() if data.anonymous else "",
        subject=data.subject.strip(),
        description=data.description.strip(),
        priority=checked.priority,
        status=CaseStatus.NEW,
        created_by_user=actor.user,
        created_by_client=actor.client,
        external_reference=data.external_reference or None,
        instrument_reference=data.instrument_reference.strip(),
        received_at=checked.received_at,
        awaiting_email_confirmation=held,
        **checked.snapshot.as_case_fields(),
    )
    if data.resolution.strip():
        status_change(case, RESOLVE_AT_INTAKE)  # new → resolved, through the transitions table
        case.directorate = service.directorate
        case.area = service.area
        case.resolution = data.resolution.strip()
        case.resolved_at = now
        case.first_response_at = now
    if found.details is not None:
        case.contact_details_set(found.details)
    case.sla_state = sla_state_at(case, now)
    return case


def _intake_events(
    case: Case, checked: IntakeChecked, actor: Actor, now: dt.datetime
) -> list[CaseEvent]:
    """CREATED (and the resolution at intake), built in their chain order, not yet written."""
    resolved = case.status == CaseStatus.RESOLVED
    data = {
        "channel": checked.channel.code,
        "service": checked.service.code,
        "first_contact_resolution": resolved,
    }
    events = [event_build(case, EventKind.CREATED, actor, now, data)]
    if resolved:
        resolution = {"action": "resolve", "from": "new", "to": "resolved"}
        events.append(event_build(case, EventKind.STATUS_CHANGED, actor, now, resolution))
    return events


def _intake_followups(case: Case, now: dt.datetime) -> None:
    """The work that follows on commit, and the case's publishers."""
    if case.status == CaseStatus.RESOLVED:
        # Not routed: the acknowledgement alone.
        followup_on_commit(SEND_ACKNOWLEDGEMENT, case.pk)
    elif case.awaiting_email_confirmation:
        # Held: the confirmation e-mail instead; confirming queues routing and the acknowledgement.
        followup_on_commit(SEND_FILING_CONFIRMATION, case.pk)
    else:
        # Routing, then the acknowledgement: one message (`cases.tasks.route_new_case`).
        followup_on_commit(ROUTE_NEW_CASE, case.pk)
    case_event_publish(case, CASE_CREATED, now)


def _case_insert(case: Case) -> None:
    if row_insert.available():
        row_insert.row_insert(case)
    else:
        case.save(force_insert=True)


def _events_write(events: list[CaseEvent], defer: bool) -> tuple[Statement, ...]:
    """Write `events` now, or (`defer`, on PostgreSQL) return their INSERT for the caller."""
    if not row_insert.available():
        for event in events:
            event.save()
        return ()
    statement = row_insert.insert_statement(events, returning=False)
    if defer:
        return (statement,)
    row_insert.statements_execute([statement])
    return ()


def case_create(
    data: CaseInput,
    actor: Actor,
    now: dt.datetime,
    *,
    allow_backdating: bool = False,
    savepoint: bool = True,
    hold_for_confirmation: bool = False,
    defer_events: bool = False,
) -> CaseCreateResult:
    """Register a case: validate, upsert the contact, snapshot the SLA, write CREATED.

    The case keeps the contact details it came with (its notices go there); they change the
    single contact base only when `actor` may write it (`selectors.contacts_writable_by`).

    A first-contact-resolution service given a `resolution` is created already resolved under
    its owning directorate and area and is not routed. Otherwise routing is queued on commit.
    The acknowledgement e-mail to the citizen is queued on commit for every case.

    ``savepoint=False`` when the caller's transaction rolls back whole on any error raised here
    (`idempotent_create`): no savepoints, here or in the contact upsert (issue 17). Otherwise a
    refusal rolls back only this intake.

    ``hold_for_confirmation`` (the public portal, `services.filing`): the case is written but
    held until its e-mail address is confirmed — no routing, no acknowledgement, only the
    confirmation e-mail; a case without an e-mail to confirm is never held.

    On PostgreSQL the contact (with its history row), the case and its events are written as
    plain INSERTs, one statement each (ADR 0020). ``defer_events`` (under an Idempotency-Key):
    the events' INSERT is returned in ``pending`` instead of sent; the caller sends it in this
    transaction, before it commits.
    """
    checked = intake_checked(data, actor, now, allow_backdating)
    with transaction.atomic(savepoint=savepoint):
        found = _intake_contact(data, actor, checked.service, savepoint)
        if (
            data.external_reference
            and actor.client is not None
            and Case.objects.filter(
                created_by_client=actor.client, external_reference=data.external_reference
            ).exists()
        ):
            raise _external_reference_taken(data)
        held = hold_for_confirmation and bool(found.details and found.details.email)
        case = _case_new(data, checked, found, actor, now, held)
        try:
            # No savepoint: a clash aborts the whole intake, whose transaction rolls back.
            _case_insert(case)
        except IntegrityError as clash:
            if data.external_reference and actor.client is not None:
                raise _external_reference_taken(data) from clash
            raise
        if checked.service.arco_request:
            arco_request_record(case, data.arco_right)
        pending = _events_write(_intake_events(case, checked, actor, now), defer_events)
        _intake_followups(case, now)
    return CaseCreateResult(case, found.warnings, found.created, pending)
