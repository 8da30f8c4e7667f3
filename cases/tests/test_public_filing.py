"""Portal filings held until the e-mail is confirmed (issue 18 §3): not routed before, routed
and acknowledged exactly once after; forged and expired links change nothing; unconfirmed
filings are cancelled after PUBLIC_FILING_CONFIRM_DAYS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from cases.filing_link import SALT, confirmation_token
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from cases.notices.sweep import NOTICES, pending_notice_cases
from cases.routing.engine import case_route
from cases.services import CaseInput
from cases.services.filing import (
    ConfirmationExpired,
    case_email_confirm,
    case_file_public,
    unconfirmed_filings_cancel,
)
from cases.tasks import sweep_unrouted_cases
from infonavit_atencion.core.errors import NotFound
from tests.support.cases import ContactFactory

pytestmark = pytest.mark.django_db


def _filed(now: dt.datetime | None = None, **overrides: object) -> Case:
    values: dict[str, object] = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "description": "La página falla al descargar mi constancia.",
        "contact": ContactFactory(email="ana@example.com"),
    }
    values.update(overrides)
    return case_file_public(CaseInput(**values), now or timezone.now()).case  # type: ignore[arg-type]


def _kinds(case: Case) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


def test_a_held_filing_is_not_routed_nor_acknowledged(
    django_capture_on_commit_callbacks, settings
) -> None:
    settings.UNROUTED_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        case = _filed()
    assert [m.subject for m in mail.outbox] == [f"Confirme su correo para el caso {case.folio}"]
    assert case_route(case.pk, timezone.now(), rules=[]) is None
    with django_capture_on_commit_callbacks(execute=True):
        sweep_unrouted_cases()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW and case.area_id is None
    assert _kinds(case) == [EventKind.CREATED, EventKind.NOTIFIED]
    assert case.notice_email == ""  # nothing but the confirmation goes to an unconfirmed address


def test_confirming_routes_and_acknowledges_once(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = _filed()
    token = confirmation_token(case)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed, released = case_email_confirm(token, timezone.now())
    assert confirmed.pk == case.pk
    assert released is True
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.awaiting_email_confirmation is False
    assert [m.subject for m in mail.outbox][1:] == [f"Registramos su caso {case.folio}"]
    # The acknowledgement continues the thread the confirmation started.
    assert mail.outbox[0].extra_headers["Message-ID"] in mail.outbox[1].extra_headers["References"]
    with django_capture_on_commit_callbacks(execute=True):
        again, released = case_email_confirm(token, timezone.now())
    assert released is False and again.pk == case.pk
    assert _kinds(case).count(EventKind.ROUTED) == 1
    assert len(mail.outbox) == 2
    assert CaseEvent.objects.filter(case=case, kind=EventKind.UPDATED).count() == 1


def test_a_forged_or_altered_link_changes_nothing() -> None:
    case = _filed()
    token = confirmation_token(case)
    forged = signing.dumps({"case": case.pk, "folio": case.folio}, salt="another.salt")
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_case = signing.dumps({"case": case.pk, "folio": "ATN-2026-99999999"}, salt=SALT)
    for bad in (forged, altered, "nada", other_case):
        with pytest.raises(NotFound):
            case_email_confirm(bad, timezone.now())
    case.refresh_from_db()
    assert case.awaiting_email_confirmation is True and case.version == 1


def test_an_expired_link_changes_nothing(settings) -> None:
    settings.PUBLIC_FILING_CONFIRM_DAYS = 3
    case = _filed()
    signer = signing.TimestampSigner(salt=SALT)
    old = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=3, minutes=1)
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))  # type: ignore[method-assign]
    token = signer.sign_object({"case": case.pk, "folio": case.folio})
    with pytest.raises(ConfirmationExpired):
        case_email_confirm(token, timezone.now())
    case.refresh_from_db()
    assert case.awaiting_email_confirmation is True and case.status == CaseStatus.NEW


def test_unconfirmed_filings_are_cancelled_after_the_days(settings) -> None:
    settings.PUBLIC_FILING_CONFIRM_DAYS = 3
    now = timezone.now()
    stale, fresh = _filed(), _filed()
    Case.objects.filter(pk=stale.pk).update(created_at=now - dt.timedelta(days=3, hours=1))
    anonymous = _filed(
        service="DENUNCIA_CORRUPCION", contact=None, anonymous=True, description="Cobro indebido."
    )
    Case.objects.filter(pk=anonymous.pk).update(created_at=now - dt.timedelta(days=5))
    assert unconfirmed_filings_cancel(now) == 1
    stale.refresh_from_db()
    assert stale.status == CaseStatus.CANCELLED
    cancelled = stale.events.get(kind=EventKind.STATUS_CHANGED)
    assert cancelled.data["reason"] == "No se confirmó el correo electrónico en 3 días."
    fresh.refresh_from_db()
    assert fresh.status == CaseStatus.NEW
    assert unconfirmed_filings_cancel(now) == 0  # nothing left to cancel
    with pytest.raises(ConfirmationExpired):  # its link, still within age, finds it cancelled
        case_email_confirm(confirmation_token(stale), now)


def test_the_notice_sweeper_owes_the_confirmation_not_the_acknowledgement() -> None:
    case = _filed()
    created_at = case.events.get(kind=EventKind.CREATED).at
    window = (created_at - dt.timedelta(seconds=1), created_at + dt.timedelta(seconds=1))
    owed = {notice.template: pending_notice_cases(notice, *window) for notice in NOTICES}
    assert owed["email_confirmation"] == [case.pk]
    assert owed["acknowledgement"] == []


def test_the_confirmation_page_asks_before_it_confirms(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    case = _filed()
    url = f"/presentar/confirmar/{confirmation_token(case)}/"
    shown = client.get(url)
    assert shown.status_code == 200 and "Confirmar mi correo" in shown.content.decode()
    case.refresh_from_db()
    assert (
        case.awaiting_email_confirmation is True
    )  # a mail scanner opening the link confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    assert done.status_code == 200 and "ya se turnó" in done.content.decode()
    assert client.get("/presentar/confirmar/nada/").status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
