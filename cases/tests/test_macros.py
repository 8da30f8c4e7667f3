"""Macros (catalog.Macro) applied to a case in one transaction (cases.services.macros)."""

import datetime as dt

import pytest
from django.db import IntegrityError

from cases.events import Actor
from cases.integrity import case_history_break
from cases.models import Case, CaseEvent, Comment
from cases.services import TransitionInput, case_macro_apply, case_transition
from cases.timeline_check import case_timeline_problems
from catalog.models import Macro, Service
from infonavit_atencion.core.errors import InvalidTransition, NotFound, PreconditionFailed
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db

QUEJA = "QUEJA_CANALES_DIGITALES"


@pytest.fixture
def quejas():
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def case(agent, quejas):
    """A queja routed to OPERACIONES_QUEJAS and taken by its staff: in progress."""
    case = make_case(Actor(user=agent))
    return case_transition(
        case.folio, TransitionInput(action="take"), Actor(user=quejas), dt.datetime.now(dt.UTC)
    )


def _macro(service_code: str = QUEJA, **fields) -> Macro:
    values = {"title": "Resuelto", "body": "Corregimos la descarga de su constancia."}
    values.update(fields)
    return Macro.objects.create(service=Service.objects.get(code=service_code), **values)


def _snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.priority,
        case.version,
        case.resolution,
        CaseEvent.objects.filter(case=case).count(),
        Comment.objects.filter(case=case).count(),
    )


def test_a_resolve_macro_comments_sets_priority_resolves_and_records_one_macro_event(
    case, quejas, django_capture_on_commit_callbacks
):
    # Given a public macro that resolves and raises the priority
    macro = _macro(public=True, action="resolve", priority="high")
    events_before = CaseEvent.objects.filter(case=case).count()
    now = dt.datetime.now(dt.UTC)
    # When area staff apply it
    with django_capture_on_commit_callbacks() as callbacks:
        applied = case_macro_apply(
            case.folio, macro.pk, Actor(user=quejas), now, expected_version=case.version
        ).case
    # Then the case is resolved with the macro's text, at high priority
    assert (applied.status, applied.priority, applied.resolution) == (
        "resolved",
        3,
        "Corregimos la descarga de su constancia.",
    )
    comment = Comment.objects.get(case=case)
    assert (comment.body, comment.public, comment.author_user) == (macro.body, True, quejas)
    # and the timeline has the comment, the priority, the resolution and one macro event
    new = list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")[events_before:]
        .values_list("kind", "data")
    )
    assert [kind for kind, _data in new] == [
        "commented",
        "updated",
        "status_changed",
        "macro_applied",
    ]
    assert new[1][1] == {"priority": {"from": "normal", "to": "high"}}
    assert new[2][1]["action"] == "resolve"
    assert new[3][1] == {
        "macro": macro.pk,
        "title": "Resuelto",
        "comment": comment.pk,
        "public": True,
        "priority": "high",
        "action": "resolve",
    }
    assert CaseEvent.objects.filter(case=case, kind="macro_applied").count() == 1
    assert applied.version == case.version + 3
    assert len(callbacks) == 2  # the public-comment and resolution notices, after the commit


def test_a_pause_macro_leaves_an_internal_note_and_waits_with_its_reason(case, quejas):
    macro = _macro(title="Pedir INE", action="pause", pause_reason="Falta su identificación")
    applied = case_macro_apply(
        case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC)
    ).case
    assert (applied.status, applied.priority) == ("waiting", 2)
    assert Comment.objects.get(case=case).public is False
    pause = CaseEvent.objects.get(case=case, kind="status_changed", data__action="pause")
    assert pause.data["reason"] == "Falta su identificación"
    event = CaseEvent.objects.get(case=case, kind="macro_applied")
    assert "priority" not in event.data and event.data["action"] == "pause"


def test_a_text_only_macro_only_comments(case, quejas):
    macro = _macro(title="Acuse", body="Recibimos su queja.")
    applied = case_macro_apply(
        case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC)
    ).case
    assert applied.status == "in_progress"
    kinds = list(
        CaseEvent.objects.filter(case=case).order_by("-at", "-id").values_list("kind", flat=True)
    )[:2]
    assert kinds == ["macro_applied", "commented"]


def test_an_action_the_status_does_not_allow_is_refused_in_spanish_and_changes_nothing(
    case, quejas, django_capture_on_commit_callbacks
):
    # Given a case already waiting and a macro that pauses
    case_transition(
        case.folio,
        TransitionInput(action="pause", reason="Espera"),
        Actor(user=quejas),
        dt.datetime.now(dt.UTC),
    )
    macro = _macro(title="Pedir INE", action="pause", pause_reason="Falta su identificación")
    before = _snapshot(case)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(InvalidTransition) as refused,
    ):
        case_macro_apply(case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    assert str(refused.value.detail) == (
        "La macro «Pedir INE» no puede aplicarse: un caso «En espera del ciudadano» no admite "
        "«Poner en espera del ciudadano». No se hizo ningún cambio."
    )
    assert _snapshot(case) == before
    assert callbacks == []


def test_a_macro_of_another_service_is_refused(case, quejas):
    other = _macro(service_code="CANCELACION_HIPOTECA", action="resolve")
    before = _snapshot(case)
    with pytest.raises(NotFound):
        case_macro_apply(case.folio, other.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    assert _snapshot(case) == before


def test_an_inactive_macro_is_refused(case, quejas):
    macro = _macro(active=False)
    with pytest.raises(NotFound):
        case_macro_apply(case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))


def test_someone_who_does_not_see_the_case_gets_not_found(case):
    outsider = staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    macro = _macro(title="Acuse", body="Recibimos su queja.")
    before = _snapshot(case)
    with pytest.raises(NotFound):
        case_macro_apply(case.folio, macro.pk, Actor(user=outsider), dt.datetime.now(dt.UTC))
    assert _snapshot(case) == before


def test_a_resolved_case_refuses_a_pause_macro(case, quejas):
    case_transition(
        case.folio,
        TransitionInput(action="resolve", resolution="Listo"),
        Actor(user=quejas),
        dt.datetime.now(dt.UTC),
    )
    macro = _macro(title="Acuse", body="Recibimos su queja.", action="pause", pause_reason="X")
    before = _snapshot(case)
    with pytest.raises(InvalidTransition):
        case_macro_apply(case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    assert _snapshot(case) == before


def test_a_stale_version_is_refused(case, quejas):
    macro = _macro()
    before = _snapshot(case)
    with pytest.raises(PreconditionFailed):
        case_macro_apply(
            case.folio,
            macro.pk,
            Actor(user=quejas),
            dt.datetime.now(dt.UTC),
            expected_version=case.version - 1,
        )
    assert _snapshot(case) == before


def test_a_closed_case_takes_no_macro(case, quejas, supervisor):
    for action in ("resolve", "close"):
        case_transition(
            case.folio,
            TransitionInput(action=action, resolution="Listo"),
            Actor(user=supervisor),
            dt.datetime.now(dt.UTC),
        )
    macro = _macro(title="Acuse", body="Recibimos su queja.")
    before = _snapshot(case)
    with pytest.raises(InvalidTransition):
        case_macro_apply(case.folio, macro.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    assert _snapshot(case) == before


def test_a_pause_macro_needs_its_reason_in_the_database():
    with pytest.raises(IntegrityError):
        _macro(action="pause", pause_reason="")


def test_a_timeline_with_macros_passes_the_timeline_check(case, quejas):
    pause = _macro(title="Pedir INE", action="pause", pause_reason="Falta su identificación")
    case_macro_apply(case.folio, pause.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    case_transition(
        case.folio, TransitionInput(action="resume"), Actor(user=quejas), dt.datetime.now(dt.UTC)
    )
    resolve = _macro(public=True, action="resolve", priority="urgent")
    case_macro_apply(case.folio, resolve.pk, Actor(user=quejas), dt.datetime.now(dt.UTC))
    assert case_timeline_problems([case.pk]) == {}
    assert (
        case_history_break(list(CaseEvent.objects.filter(case=case).order_by("at", "id"))) is None
    )
