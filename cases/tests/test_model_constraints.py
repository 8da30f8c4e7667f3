"""The database itself refuses rows that break the domain's invariants (SPEC §3).

Each test starts from a valid row, breaks one rule, and expects the database to refuse it.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from accounts.models import ApiClient
from cases.models import Case, CaseEvent
from catalog.models import Service
from channels.models import Channel, Office
from contacts.models import Contact

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 11, 13, 17, 0, tzinfo=dt.UTC)


def _contact(**overrides) -> Contact:
    values = {"given_names": "Ana", "first_surname": "Pérez", "nss": "92919084431"}
    values.update(overrides)
    return Contact.objects.create(**values)


def _case(**overrides) -> Case:
    service = Service.objects.filter(kind="complaint").select_related("sla_policy").first()
    assert service is not None
    office = Office.objects.get(code="CESI_CDMX_BENITO_JUAREZ")
    values = {
        "folio": f"ATN-2026-{Case.objects.count() + 1:08d}",
        "tracking_code": "ABCD2345",
        "kind": service.kind,
        "service": service,
        "channel": Channel.objects.get(code="CESI"),
        "office": office,
        "contact": overrides.pop("contact", None) or _contact(nss=None, curp=None),
        "description": "Me atendieron mal en ventanilla.",
        "received_at": RECEIVED,
        "sla_policy": service.sla_policy,
        "sla_calendar": office.calendar,
        "sla_resolution_value": 15,
        "sla_resolution_unit": "business_days",
        "resolution_due_at": RECEIVED + dt.timedelta(days=21),
        "warn_at": RECEIVED + dt.timedelta(days=15),
    }
    values.update(overrides)
    return Case.objects.create(**values)


def _refused(callable_) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_valid_case_is_accepted():
    case = _case()
    assert case.status == "new"
    assert case.version == 1


def test_folio_is_unique():
    case = _case()
    _refused(lambda: _case(folio=case.folio))


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "queja"},
        {"status": "archived"},
        {"priority": 9},
        {"sla_state": "late"},
        {"sla_resolution_unit": "weeks"},
        {"description": ""},
        {"version": 0},
        {"anonymous": True},  # only a denuncia may be anonymous
        {"kind": "exceptional"},  # without the instrument's reference
        {"status": "resolved"},  # without resolution text or resolved_at
        {"status": "waiting"},  # without paused_at
        {"paused_at": RECEIVED},  # paused but not waiting
        {"status": "assigned"},  # routed without directorate and area
        {"warn_at": RECEIVED + dt.timedelta(days=30)},  # warning after due
        {
            "resolution_due_at": RECEIVED - dt.timedelta(hours=1),
            "warn_at": RECEIVED - dt.timedelta(hours=2),
        },
    ],
    ids=lambda o: ",".join(o),
)
def test_case_invariants_are_enforced_by_the_database(overrides):
    _refused(lambda: _case(**overrides))


def test_only_an_anonymous_denuncia_may_lack_a_contact():
    report = Service.objects.filter(kind="report").first()
    assert report is not None
    _refused(lambda: Case.objects.create(**{**_case_values_without_contact(), "contact": None}))
    anonymous = Case.objects.create(
        **{
            **_case_values_without_contact(),
            "contact": None,
            "kind": "report",
            "service": report,
            "anonymous": True,
        }
    )
    assert anonymous.contact is None


def _case_values_without_contact() -> dict:
    case = _case()
    values = {
        f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if f.attname != "id"
    }
    values["folio"] = case.folio + "-B"
    return {k.removesuffix("_id") if k.endswith("_id") else k: v for k, v in values.items()} | {
        "service": case.service,
        "channel": case.channel,
        "office": case.office,
        "sla_policy": case.sla_policy,
        "sla_calendar": case.sla_calendar,
        "directorate": None,
        "area": None,
        "assignee": None,
        "created_by_user": None,
        "created_by_client": None,
    }


def test_external_reference_is_unique_per_api_client_only():
    client_a = ApiClient.objects.create(
        name="portal",
        channel=Channel.objects.get(code="MICUENTA"),
        key_prefix="aaaa",
        key_digest="0" * 64,
    )
    client_b = ApiClient.objects.create(
        name="app", channel=Channel.objects.get(code="APP"), key_prefix="bbbb", key_digest="1" * 64
    )
    _case(created_by_client=client_a, external_reference="EXT-1")
    _case(created_by_client=client_b, external_reference="EXT-1")  # another client: fine
    _refused(lambda: _case(created_by_client=client_a, external_reference="EXT-1"))


def test_a_case_has_at_most_one_creator(agent):
    client = ApiClient.objects.create(
        name="portal",
        channel=Channel.objects.get(code="MICUENTA"),
        key_prefix="cccc",
        key_digest="2" * 64,
    )
    _refused(lambda: _case(created_by_user=agent, created_by_client=client))


@pytest.mark.parametrize(
    "overrides",
    [
        {"nss": "1234"},  # not 11 digits
        {"curp": "SHORT"},  # not 18 characters
        {"type": "empresa"},
        {"given_names": ""},
        {"first_surname": ""},
    ],
    ids=lambda o: ",".join(o),
)
def test_contact_invariants_are_enforced_by_the_database(overrides):
    _refused(lambda: _contact(**{"nss": None, **overrides}))


def test_nss_and_curp_are_unique_where_present():
    _contact(nss="92919084431", curp="BOXW310820HNERXN09")
    _refused(lambda: _contact(nss="92919084431", curp=None))
    _refused(lambda: _contact(nss=None, curp="BOXW310820HNERXN09"))
    # Contacts without identifiers do not collide with each other.
    _contact(nss=None, curp=None)
    _contact(nss=None, curp=None)


def _event(case: Case) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind="created",
        at=RECEIVED,
        status=case.status,
        case_kind=case.kind,
        channel=case.channel,
        office=case.office,
        service=case.service,
    )


def test_case_events_are_append_only():
    event = _event(_case())
    # The model refuses to save an existing event ...
    event.data = {"tampered": True}
    with pytest.raises(RuntimeError):
        event.save()
    # ... and the database refuses an UPDATE that bypasses the model.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(data={"tampered": True})
    event.refresh_from_db()
    assert event.data == {}


@pytest.mark.postgres
def test_case_events_cannot_be_deleted_on_postgresql(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only trigger (CI runs it)")
    event = _event(_case())
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_an_event_has_at_most_one_actor(agent):
    case = _case()
    client = ApiClient.objects.create(
        name="portal",
        channel=Channel.objects.get(code="MICUENTA"),
        key_prefix="dddd",
        key_digest="3" * 64,
    )
    _refused(
        lambda: CaseEvent.objects.create(
            case=case,
            kind="created",
            at=RECEIVED,
            status="new",
            case_kind=case.kind,
            channel=case.channel,
            service=case.service,
            actor_user=agent,
            actor_client=client,
        )
    )


def test_a_case_referenced_by_events_cannot_be_deleted():
    case = _case()
    _event(case)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - ProtectedError or IntegrityError
        case.delete()
    assert Case.objects.filter(pk=case.pk).exists()
