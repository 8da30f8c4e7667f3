"""Saved views (issue 19 item 9): the services save, delete and share them by the rules, and the
selector shows each person their own views and those shared with their area."""

import pytest
from django.utils import timezone

from cases.models import SavedView
from cases.selectors.saved_views import (
    saved_view_get_for,
    saved_view_query_check,
    saved_view_refinements,
    saved_views_visible_to,
)
from cases.services.saved_views import saved_view_create, saved_view_delete, saved_view_share
from catalog.models import Area
from infonavit_atencion.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests.support.cases import staff

pytestmark = pytest.mark.django_db


def _save(owner, name="Vencidos de Cartera", queue="breached", query="area=cartera_cancelacion"):
    return saved_view_create(owner, name=name, queue=queue, query=query, now=timezone.now())


def _rows():
    return sorted(SavedView.objects.values_list("owner__username", "name", "queue", "query"))


def test_a_view_is_saved_with_its_filters_checked_and_in_a_canonical_order(agent):
    view = _save(
        agent, name="  Vencidos   de Cartera ", query="q=pago&area=cartera_cancelacion&kind="
    )
    assert (view.name, view.queue) == ("Vencidos de Cartera", "breached")
    assert view.query == "area=cartera_cancelacion&q=pago"
    assert saved_view_refinements(view.query) == {"area": ["CARTERA_CANCELACION"], "q": "pago"}


def test_a_duplicate_name_is_refused_in_spanish_whatever_the_case(agent, area_staff):
    _save(agent)
    with pytest.raises(ValidationFailed) as refused:
        _save(agent, name="vencidos de cartera", query="")
    assert refused.value.errors[0].message == "Ya tiene una vista llamada «vencidos de cartera»."
    _save(area_staff)  # another person may use the same name
    assert _rows() == [
        ("asesor", "Vencidos de Cartera", "breached", "area=cartera_cancelacion"),
        ("personal", "Vencidos de Cartera", "breached", "area=cartera_cancelacion"),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("color=rojo", "El filtro «color» no existe."),
        ("status=perdido", "El filtro «Estado» no es válido: Valor desconocido «perdido»;"),
        ("received_after=ayer", "El filtro «Recibido desde» no es válido: Use una fecha"),
    ],
)
def test_an_invalid_filter_is_refused_and_nothing_is_saved(agent, query, message):
    with pytest.raises(ValidationFailed) as refused:
        _save(agent, query=query)
    assert refused.value.errors[0].message.startswith(message)
    assert _rows() == []


def test_a_name_is_required(agent):
    with pytest.raises(ValidationFailed) as refused:
        _save(agent, name="   ")
    assert refused.value.errors[0].message == "Escriba un nombre para la vista."
    assert _rows() == []


def test_only_the_owner_deletes_a_view(agent, supervisor, area_staff):
    view = _save(supervisor)
    saved_view_share(supervisor, view.pk, "CARTERA_CANCELACION")
    for other in (agent, area_staff):  # the area sees it shared, read-only
        with pytest.raises(NotFound):
            saved_view_delete(other, view.pk)
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert saved_view_delete(supervisor, view.pk) == "Vencidos de Cartera"
    assert _rows() == []


def test_a_national_supervisor_shares_with_any_area_and_stops_sharing(supervisor, area_staff):
    view = _save(supervisor)
    shared = saved_view_share(supervisor, view.pk, "cartera_cancelacion")
    assert shared.shared_with_area == Area.objects.get(code="CARTERA_CANCELACION")
    assert [v.name for v in saved_views_visible_to(area_staff)] == ["Vencidos de Cartera"]
    assert saved_view_get_for(area_staff, view.pk) == view
    saved_view_share(supervisor, view.pk, "")
    assert SavedView.objects.get(pk=view.pk).shared_with_area is None
    assert saved_views_visible_to(area_staff) == []
    with pytest.raises(NotFound):
        saved_view_get_for(area_staff, view.pk)


def test_a_directorate_supervisor_shares_only_within_the_directorate(db):
    boss = staff("sup_cartera", "supervisor", directorate_code="CARTERA")
    view = _save(boss)
    with pytest.raises(PermissionDenied) as refused:
        saved_view_share(boss, view.pk, "OPERACIONES_QUEJAS")
    assert str(refused.value) == "El área «OPERACIONES_QUEJAS» no está en su alcance."
    assert SavedView.objects.get(pk=view.pk).shared_with_area is None
    saved_view_share(boss, view.pk, "CARTERA_CANCELACION")
    assert SavedView.objects.get(pk=view.pk).shared_with_area.code == "CARTERA_CANCELACION"


@pytest.mark.parametrize("role", ["agent", "area_staff"])
def test_agents_and_area_staff_may_not_share(request, role):
    user = request.getfixturevalue(role)
    view = _save(user)
    with pytest.raises(PermissionDenied) as refused:
        saved_view_share(user, view.pk, "CARTERA_CANCELACION")
    assert str(refused.value) == "Sólo los supervisores comparten vistas con un área."
    assert SavedView.objects.get(pk=view.pk).shared_with_area is None


def test_a_supervisor_may_not_share_someone_elses_view(supervisor, agent):
    view = _save(agent)
    with pytest.raises(NotFound):
        saved_view_share(supervisor, view.pk, "CARTERA_CANCELACION")
    assert SavedView.objects.get(pk=view.pk).shared_with_area is None


def test_own_views_come_first_then_the_areas(supervisor, area_staff, agent):
    shared = _save(supervisor, name="A compartida")
    saved_view_share(supervisor, shared.pk, "CARTERA_CANCELACION")
    _save(area_staff, name="Z mía")
    _save(agent, name="De otro")
    assert [v.name for v in saved_views_visible_to(area_staff)] == ["Z mía", "A compartida"]
    assert [v.name for v in saved_views_visible_to(agent)] == ["De otro"]


def test_the_stored_filters_are_checked_again_when_used(agent):
    view = _save(agent)
    SavedView.objects.filter(pk=view.pk).update(query="sla_state=tarde")
    with pytest.raises(ValidationFailed) as refused:
        saved_view_refinements(SavedView.objects.get(pk=view.pk).query)
    assert refused.value.errors[0].message.startswith("El filtro «Plazo» no es válido")
    assert saved_view_query_check("") == ""
