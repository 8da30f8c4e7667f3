"""The personal-data access log is one hash chain in id order (ADR 0013): verify_history names
the first log row whose link breaks."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.events import Actor
from cases.integrity import access_log_verify
from contacts.access import access_log_hash, contact_reveal, personal_data_views_log
from contacts.models import AccessReason, Contact, ContactAccessLog
from infonavit_atencion.core import hashchain
from tests.support.cases import make_case
from tests.support.history import raw, settle_deferred_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(agent, supervisor):
    """Five rows, written by three calls: a reveal, a bulk API-style log, another reveal."""
    case = make_case(Actor(user=agent))
    contact = Contact.objects.get(pk=case.contact_id)
    now = timezone.now()
    contact_reveal(contact, agent, case.pk, now)
    personal_data_views_log(
        [(contact.pk, case.pk)] * 3, now, reason=AccessReason.EXPORT, user=supervisor
    )
    contact_reveal(contact, supervisor, case.pk, now)
    return list(ContactAccessLog.objects.order_by("id"))


def _broken(row_id: int) -> str:
    at = ContactAccessLog.objects.get(pk=row_id).at.isoformat()
    return f"Cadena rota en la bitácora de datos personales: registro {row_id} ({at})."


def _verify() -> str:
    out = StringIO()
    call_command("verify_history", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_row_links_to_the_previous_one_across_writers(logged):
    head = hashchain.GENESIS
    for row in logged:
        assert row.chain_hash == access_log_hash(row, head)
        head = row.chain_hash
    assert len(logged) == 5
    assert "bitácora de datos personales: 5 revisados" in _verify()


def test_a_changed_row_is_named(logged):
    raw("UPDATE contacts_contactaccesslog SET reason = 'api' WHERE id = %s", [logged[2].pk])

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(logged[2].pk)
    assert refused.value.returncode == 1


def test_a_deleted_row_breaks_the_next_link(logged):
    raw("DELETE FROM contacts_contactaccesslog WHERE id = %s", [logged[1].pk])

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(logged[2].pk)


def test_reordered_rows_are_found(logged):
    earlier = logged[0].at - dt.timedelta(seconds=30)
    raw("UPDATE contacts_contactaccesslog SET at = %s WHERE id = %s", [earlier, logged[3].pk])

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(logged[3].pk)


def test_a_forged_row_is_named_itself(logged):
    first = logged[0]
    forged = ContactAccessLog(
        contact_id=first.contact_id,
        user_id=first.user_id,
        case_id=first.case_id,
        reason=first.reason,
        at=first.at,
        chain_hash=access_log_hash(first, logged[-1].chain_hash[::-1]),
    )
    forged.save()

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(forged.pk)


def test_since_links_the_first_row_to_the_stored_hash_before_it(logged):
    later = logged[3].at + dt.timedelta(seconds=60)
    raw("UPDATE contacts_contactaccesslog SET at = %s WHERE id >= %s", [later, logged[3].pk])
    # The rows moved: their own hashes no longer match; the rows before are not checked.
    report = access_log_verify(later)
    assert report.broken is not None and report.broken.row_id == logged[3].pk
    assert access_log_verify(later + dt.timedelta(seconds=1)).checked == 0


def test_the_migration_backfills_the_log(logged):
    raw("UPDATE contacts_contactaccesslog SET chain_hash = ''")
    migration = importlib.import_module("contacts.migrations.0008_access_log_chain_hash")

    settle_deferred_checks()
    migration.backfill(apps, SimpleNamespace(connection=connection))

    assert [r.chain_hash for r in ContactAccessLog.objects.order_by("id")] == [
        r.chain_hash for r in logged
    ]
    assert access_log_verify().broken is None
