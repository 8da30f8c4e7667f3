"""generate_history: every generated case is one the real services could have produced."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from accounts.models import ApiClient
from businesstime import clock
from cases.folios import folio_next
from cases.integrity import events_verify
from cases.models import Case, CaseEvent, Comment
from cases.services.workflow import TRANSITIONS
from cases.sla.policy import sla_state_at
from channels.selectors import calendar_spec_for
from contacts.details import DETAIL_FIELDS, ContactDetails
from contacts.identifiers import validate_curp, validate_nss
from contacts.models import Contact
from contacts.selectors import contact_search
from demo.history import history_generate
from surveys.models import SurveyAnswer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 18, 30, tzinfo=dt.UTC)
# Kinds whose write bumps the case version (intake starts at 1; notices and surveys do not).
STATE_SETTERS = {"created", "status_changed", "transferred", "reclassified"}
VERSION_KINDS = {
    "routed",
    "status_changed",
    "commented",
    "transferred",
    "reclassified",
    "sla_breached",
}


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        report = history_generate(200, 4, seed=7, now=NOW, batch_size=64, workers=2)
        yield report
        # Module-scoped data, committed: leave the shared test database as other tests expect it.
        _remove_generated()


def _remove_generated() -> None:
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # the append-only trigger also refuses DELETE there
            cursor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER USER")
    try:
        SurveyAnswer.objects.all().delete()
        CaseEvent.objects.all().delete()
        Comment.objects.all().delete()
        Case.objects.all().delete()
        Contact.objects.all().delete()
        Contact.history.all().delete()  # type: ignore[attr-defined]  # the deletions just recorded
        get_user_model().objects.filter(username__startswith="hist.").delete()
        ApiClient.objects.filter(name__startswith="Historial ").delete()
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER USER")


def _timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id"))


def test_the_report_counts_what_was_written(generated):
    assert generated.cases == Case.objects.count() == 200
    assert generated.events == CaseEvent.objects.count()
    assert generated.comments == Comment.objects.count()
    assert generated.surveys == SurveyAnswer.objects.count()
    assert generated.surveys > 0
    assert Case.objects.filter(received_at__gte=NOW).count() == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="ANALYZE and pg_class are PostgreSQL's (CI runs it)",
)
def test_the_loaded_tables_are_analyzed(generated):
    # Runs before the tests that load more (the command test), so the estimate is the fixture's.
    # ANALYZE sets the planner's row estimate (pg_class.reltuples; -1 or a stale 0 before).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('cases_case', 'cases_caseevent')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates == {"cases_case": 200, "cases_caseevent": CaseEvent.objects.count()}


def test_every_history_replays_through_the_transitions_table_to_the_stored_status(generated):
    checked = Counter()
    for case in Case.objects.all():
        status = None
        for event in _timeline(case):
            data = event.data
            if event.kind == "created":
                # intake writes CREATED after saving: a case resolved at intake shows "resolved"
                assert status is None and event.status in ("new", "resolved")
                status = "new"
                continue
            elif event.kind == "routed":
                assert (status, data["from"], data["to"]) == ("new", "new", "assigned")
                status = "assigned"
            elif event.kind in ("status_changed", "transferred", "reclassified"):
                if data["action"] == "resolve" and data["from"] == "new":  # resolved at intake
                    assert status == "new" and data["to"] == "resolved"
                else:
                    allowed, to = TRANSITIONS[data["action"]]
                    assert status in allowed, (case.folio, data)
                    assert data["from"] == status
                    assert data["to"] == (to or status)
                status = data["to"]
                checked[data["action"]] += 1
            assert event.status == status, (case.folio, event.kind)
        assert status == case.status, case.folio
    assert {"take", "resolve", "close", "pause", "resume"} <= set(checked)


def test_counters_and_versions_match_the_events(generated):
    for case in Case.objects.all():
        events = _timeline(case)
        kinds = Counter(e.kind for e in events)
        actions = Counter(e.data.get("action") for e in events if e.kind == "status_changed")
        assert case.transfer_count == kinds["transferred"]
        assert case.reopen_count == actions["reopen"]
        breach_instants = {e.at for e in events if e.kind == "sla_breached"}
        warnings_alone = sum(
            1 for e in events if e.kind == "sla_warning" and e.at not in breach_instants
        )
        intake_resolve = sum(
            1 for e in events if e.data.get("action") == "resolve" and e.data.get("from") == "new"
        )
        bumps = sum(kinds[k] for k in VERSION_KINDS) - intake_resolve + warnings_alone
        assert case.version == 1 + bumps, case.folio
        assert kinds["created"] == 1
        assert kinds["survey_answered"] <= 1


def test_due_instants_are_what_the_sla_clock_gives(generated):
    for case in Case.objects.select_related("sla_policy"):
        spec = calendar_spec_for(case.sla_calendar_id)
        due = clock.due_at(
            spec, case.received_at, case.sla_resolution_value, case.sla_resolution_unit
        )
        warn = clock.warn_at(
            spec, case.received_at, due, case.sla_resolution_unit, case.sla_warn_pct
        )
        first = None
        if case.sla_first_response_value:
            first = clock.due_at(
                spec, case.received_at, case.sla_first_response_value, case.sla_first_response_unit
            )
        first_at = case.first_response_at
        for event in _timeline(case):
            if "paused_from" in event.data:
                start = dt.datetime.fromisoformat(event.data["paused_from"])
                end = dt.datetime.fromisoformat(event.data["paused_to"])
                unit = case.sla_resolution_unit
                due = clock.extend_for_pause(spec, due, start, end, unit)
                warn = clock.truncate_to_second(
                    clock.extend_for_pause(spec, warn, start, end, unit)
                )
                if first is not None and (first_at is None or first_at > end):
                    first = clock.extend_for_pause(
                        spec, first, start, end, case.sla_first_response_unit
                    )
        assert (case.resolution_due_at, case.warn_at, case.first_response_due_at) == (
            due,
            warn,
            first,
        ), case.folio


def test_sla_state_is_consistent_with_now_and_breaches_are_marked_when_due(generated):
    states = Counter()
    for case in Case.objects.all():
        states[case.sla_state] += 1
        if case.status != "cancelled":
            assert case.sla_state == sla_state_at(case, NOW), case.folio
        events = _timeline(case)
        for event in events:
            if event.kind == "sla_breached":
                assert event.at > dt.datetime.fromisoformat(event.data["resolution_due_at"])
                assert event.at - dt.datetime.fromisoformat(
                    event.data["resolution_due_at"]
                ) <= dt.timedelta(minutes=1)
                assert event.at.second == 0
        if case.status in ("assigned", "in_progress", "new") and case.sla_state == "breached":
            # Marked by the monitor, or already past due when an action recomputed the state.
            marked = any(e.kind == "sla_breached" for e in events)
            late = any(e.kind in STATE_SETTERS and e.at > case.resolution_due_at for e in events)
            assert marked or late, case.folio
    assert states["met"] > 0 and states["breached"] > 0


def test_survey_answers_only_on_resolved_cases_with_an_email(generated):
    for answer in SurveyAnswer.objects.select_related("case__contact"):
        case = answer.case
        assert case.status in ("resolved", "closed")
        assert case.contact is not None and case.contact.email and case.contact.consent_survey
        [event] = CaseEvent.objects.filter(case=case, kind="survey_answered")
        assert event.data == {"csat": answer.csat, "nps": answer.nps}
        assert event.at == answer.answered_at >= case.resolved_at
        assert 1 <= answer.csat <= 5 and 0 <= answer.nps <= 10


def test_contacts_have_valid_identifiers_and_first_responses_are_public_comments(generated):
    for nss, curp in Contact.objects.values_list("nss", "curp"):
        assert validate_nss(nss) == nss
        assert validate_curp(curp) == curp
    for event in CaseEvent.objects.filter(kind="commented"):
        comment = Comment.objects.get(pk=event.data["comment"])
        assert (comment.case_id, comment.public, comment.created_at) == (
            event.case_id,
            True,
            event.at,
        )
        assert event.data.get("first_response") is True
        assert Case.objects.get(pk=event.case_id).first_response_at == event.at


def test_generated_cases_keep_their_contacts_details_for_their_notices(generated):
    cases = Case.objects.select_related("contact")
    assert cases.filter(contact__isnull=False).exists()
    for case in cases:
        contact = case.contact
        if contact is None:
            assert case.contact_as_sent == ContactDetails()
            continue
        assert case.contact_as_sent == ContactDetails(
            **{name: getattr(contact, name) or "" for name in DETAIL_FIELDS}
        )


def test_generated_contacts_are_found_by_name_at_intake(generated):
    contact = Contact.objects.order_by("pk").first()
    assert contact is not None
    typed = f"{contact.first_surname} {contact.given_names}".lower()
    assert contact in list(contact_search(typed, limit=1000))


def test_routing_goes_to_the_service_owner_and_anonymous_cases_have_no_contact(generated):
    for event in CaseEvent.objects.filter(kind="routed").select_related("service"):
        assert (event.directorate_id, event.area_id) == (
            event.service.directorate_id,
            event.service.area_id,
        )
        assert event.data["reasons"] == ["responsable del servicio"]
    assert Case.objects.filter(anonymous=True, contact__isnull=False).count() == 0


def test_folios_are_unique_and_the_counter_moved_past_them(generated):
    folios = list(Case.objects.values_list("folio", flat=True))
    assert len(set(folios)) == len(folios)
    highest = max(int(f.rsplit("-", 1)[1]) for f in folios)
    assert int(folio_next(NOW).rsplit("-", 1)[1]) > highest


def test_the_command_prints_progress_and_the_rate(generated):
    out = StringIO()
    call_command(
        "generate_history",
        "--cases",
        "30",
        "--months",
        "1",
        "--seed",
        "3",
        "--batch-size",
        "10",
        stdout=out,
    )
    text = out.getvalue()
    assert text.count("casos/s") == 4
    assert "Listo: 30 casos" in text
    assert Case.objects.count() == 230


def test_every_generated_history_is_a_valid_hash_chain(generated):
    report = events_verify()

    assert report.broken is None
    assert report.checked == CaseEvent.objects.count() == generated.events
