"""Merging duplicate contacts moves their cases (SPEC §3)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create
from cases.services.contacts import contact_merge
from contacts.models import Contact, ContactMerge
from contacts.services import ContactInput
from infonavit_atencion.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
MERGED_AT = RECEIVED + dt.timedelta(days=1)
NSS = "92919084431"
OTHER_NSS = "12345678903"
CURP = "GAPA050101MDFRRNA3"
OTHER_CURP = "BOXW310820HNERXN09"


def _case_for(
    agent, contact: ContactInput, description: str = "No puedo descargar mi constancia."
) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=contact,
            description=description,
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    routed = case_route(case.pk, RECEIVED)
    assert routed is not None
    return routed


def _state() -> tuple[list[dict], list[dict], int]:
    return (
        list(Contact.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values()),
        CaseEvent.objects.count(),
    )


def test_a_merge_moves_every_case_and_fills_the_missing_identifiers(agent, supervisor):
    # Given one person registered twice: by NSS with an e-mail, and by CURP with a phone
    kept = _case_for(
        agent,
        ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS, email="ana@example.com"),
    )
    dup_1 = _case_for(
        agent,
        ContactInput(
            given_names="Ana",
            first_surname="Perez",
            curp=CURP,
            rfc="PEPA800101AB1",
            phone="5512345678",
        ),
    )
    dup_2 = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Perez", curp=CURP), "Otra queja."
    )
    target, source = kept.contact, dup_1.contact
    assert target is not None and source is not None and dup_2.contact_id == source.pk
    versions = {c.pk: c.version for c in (kept, dup_1, dup_2)}

    # When the supervisor merges the duplicate into the contact with the NSS
    merged = contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    # Then the target has every identifier, the source is marked and keeps no unique one
    target.refresh_from_db()
    source.refresh_from_db()
    assert merged.pk == target.pk
    assert (target.nss, target.curp, target.rfc, target.email, target.phone) == (
        NSS,
        CURP,
        "PEPA800101AB1",
        "ana@example.com",
        "5512345678",
    )
    assert (target.given_names, target.first_surname, target.merged_into) == ("Ana", "Pérez", None)
    assert (source.merged_into, source.nss, source.curp) == (target, None, None)
    # … both cases moved, each with its version bumped and exactly one MERGED event
    for moved in (dup_1, dup_2):
        moved.refresh_from_db()
        assert moved.contact_id == target.pk
        assert moved.version == versions[moved.pk] + 1
        event = CaseEvent.objects.get(case=moved, kind="merged")
        assert event.data == {"from_contact": source.pk, "to_contact": target.pk}
        assert (event.at, event.actor_user, event.status, event.area_id) == (
            MERGED_AT,
            supervisor,
            moved.status,
            moved.area_id,
        )
    # … and the target's own case is untouched
    kept.refresh_from_db()
    assert kept.version == versions[kept.pk]
    assert CaseEvent.objects.filter(kind="merged").count() == 2


def test_the_target_keeps_its_own_data_where_it_has_it(agent, supervisor):
    target = _case_for(
        agent,
        ContactInput(
            given_names="Ana",
            first_surname="Pérez",
            nss=NSS,
            email="nuevo@example.com",
            phone="5511111111",
        ),
    ).contact
    source = _case_for(
        agent,
        ContactInput(
            given_names="Ana",
            first_surname="Pérez",
            curp=CURP,
            email="viejo@example.com",
            phone="5522222222",
        ),
    ).contact
    assert target is not None and source is not None

    contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    target.refresh_from_db()
    assert (target.nss, target.curp, target.email, target.phone) == (
        NSS,
        CURP,
        "nuevo@example.com",
        "5511111111",
    )


def test_intake_by_the_moved_identifier_then_finds_the_target(agent, supervisor):
    target = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS)
    ).contact
    source = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", curp=CURP)
    ).contact
    assert target is not None and source is not None
    contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    later = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", curp=CURP), "Una más."
    )

    assert later.contact_id == target.pk


def test_a_contact_without_cases_merges_without_events(agent, supervisor):
    target = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS)
    ).contact
    assert target is not None
    source = Contact.objects.create(given_names="Ana", first_surname="Pérez", curp=CURP)
    events = CaseEvent.objects.count()

    contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert CaseEvent.objects.count() == events


def test_contacts_merged_earlier_into_the_source_follow_it_to_the_target(supervisor):
    target = Contact.objects.create(given_names="Ana", first_surname="Pérez", nss=NSS)
    source = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    older = Contact.objects.create(given_names="Ana", first_surname="Pérez", merged_into=source)

    contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    older.refresh_from_db()
    assert older.merged_into_id == target.pk


def test_merging_a_contact_into_itself_is_refused(agent, supervisor):
    contact = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS)
    ).contact
    assert contact is not None
    before = _state()

    with pytest.raises(ValidationFailed) as refusal:
        contact_merge(contact.pk, contact.pk, Actor(user=supervisor), MERGED_AT)

    assert [(e.field, e.code) for e in refusal.value.errors] == [("target", "same_contact")]
    assert _state() == before


@pytest.mark.parametrize("merged_side", ["source", "target"])
def test_a_merge_from_or_into_an_already_merged_contact_is_refused(agent, supervisor, merged_side):
    # Given a duplicate already merged into the main contact
    main = _case_for(agent, ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS)).contact
    old = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", curp=CURP)
    ).contact
    third = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    assert main is not None and old is not None
    contact_merge(old.pk, main.pk, Actor(user=supervisor), MERGED_AT)
    before = _state()

    # When the merged contact is used again as source or target
    source, target = (old, third) if merged_side == "source" else (third, old)
    with pytest.raises(ValidationFailed) as refusal:
        contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    # Then it is refused and nothing changes
    assert [(e.field, e.code) for e in refusal.value.errors] == [(merged_side, "already_merged")]
    assert _state() == before


@pytest.mark.parametrize(
    ("source_ids", "target_ids", "field"),
    [
        ({"nss": OTHER_NSS}, {"nss": NSS}, "nss"),
        ({"curp": OTHER_CURP}, {"curp": CURP}, "curp"),
    ],
)
def test_contacts_with_different_nss_or_curp_are_not_merged(
    agent, supervisor, source_ids, target_ids, field
):
    source = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", **source_ids)
    ).contact
    target = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", **target_ids)
    ).contact
    assert source is not None and target is not None
    before = _state()

    with pytest.raises(ValidationFailed) as refusal:
        contact_merge(source.pk, target.pk, Actor(user=supervisor), MERGED_AT)

    assert [(e.field, e.code) for e in refusal.value.errors] == [(field, "identity_conflict")]
    assert "*******" in refusal.value.errors[0].message  # identifiers shown masked
    assert _state() == before


def test_a_missing_contact_is_not_found(supervisor):
    target = Contact.objects.create(given_names="Ana", first_surname="Pérez")

    with pytest.raises(NotFound):
        contact_merge(target.pk + 1000, target.pk, Actor(user=supervisor), MERGED_AT)


def test_the_merge_is_recorded_with_its_reason_and_in_both_contacts_history(agent, supervisor):
    # Given Ana by NSS (one case) and by CURP with an e-mail (two cases)
    target = _case_for(
        agent, ContactInput(given_names="Ana", first_surname="Pérez", nss=NSS)
    ).contact
    source = _case_for(
        agent,
        ContactInput(given_names="Ana", first_surname="Pérez", curp=CURP, email="a@example.com"),
    ).contact
    _case_for(agent, ContactInput(given_names="Ana", first_surname="Pérez", curp=CURP), "Otra.")
    assert target is not None and source is not None

    # When the supervisor merges with a reason
    contact_merge(
        source.pk, target.pk, Actor(user=supervisor), MERGED_AT, reason="  Misma persona.  "
    )

    # Then one record says who, when, why, how many cases and which data moved
    record = ContactMerge.objects.get()
    assert (
        record.source_id,
        record.target_id,
        record.user,
        record.reason,
        record.at,
        record.cases_moved,
        record.taken,
    ) == (source.pk, target.pk, supervisor, "Misma persona.", MERGED_AT, 2, ["curp", "email"])
    # … and both contacts' newest history rows carry the reason and the supervisor
    for contact in (source, target):
        newest = contact.history.order_by("-history_id").first()
        assert (newest.history_user, newest.history_change_reason) == (
            supervisor,
            "Combinación de contactos: Misma persona.",
        )


def test_a_refused_merge_writes_no_record(agent, supervisor):
    contact = Contact.objects.create(given_names="Ana", first_surname="Pérez", nss=NSS)

    with pytest.raises(ValidationFailed):
        contact_merge(contact.pk, contact.pk, Actor(user=supervisor), MERGED_AT, reason="x")

    assert ContactMerge.objects.count() == 0
