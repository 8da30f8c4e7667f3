"""Saved views on the queue page (issue 19 item 9): saving the current filters, the counts each
person sees for their scope, opening, deleting and sharing, and the refusals."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.models import SavedView
from cases.services.saved_views import saved_view_create, saved_view_share
from tests.support.cases import make_case, staff
from web.saved_views import SAVED_VIEWS_COUNTED, saved_views_for

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _save(owner, name, queue="all", query=""):
    return saved_view_create(owner, name=name, queue=queue, query=query, now=timezone.now())


def _counts(user) -> dict[str, int | None]:
    return {entry.view.name: entry.count for entry in saved_views_for(user, timezone.now())}


def test_an_agent_saves_the_queue_filters_and_sees_the_count(client, agent):
    pago = make_case(
        Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ", subject="Pago"
    )
    make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ", subject="Otro")
    client.force_login(agent)
    response = client.post(
        "/casos/vistas/",
        {"cola": "office", "nombre": "Pagos", "consulta": "cola=office&q=pago&orden=due&cursor=x"},
    )
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.queue, view.query) == (agent, "Pagos", "office", "q=pago")
    assert response.status_code == 302
    assert response.url == "/casos/?cola=office&q=pago"
    assert _messages(response) == ["Vista «Pagos» guardada."]
    page = client.get(response.url)
    assert [case.folio for case, _badge in page.context["rows"]] == [pago.folio]
    [entry] = page.context["saved_views"]
    assert (entry.view, entry.count, entry.own) == (view, 1, True)
    assert 'aria-label="Mis vistas"' in page.content.decode()


def test_a_duplicate_name_is_refused_with_a_message_and_nothing_saved(client, agent):
    _save(agent, "Pagos", queue="office")
    client.force_login(agent)
    response = client.post(
        "/casos/vistas/", {"cola": "office", "nombre": "pagos", "consulta": "q=x"}
    )
    assert response.url == "/casos/?cola=office&q=x"
    assert _messages(response) == ["No se guardó la vista: Ya tiene una vista llamada «pagos»."]
    assert SavedView.objects.count() == 1


def test_a_queue_not_offered_is_refused(client, agent):
    client.force_login(agent)
    response = client.post("/casos/vistas/", {"cola": "all", "nombre": "Todo", "consulta": ""})
    assert _messages(response) == ["Esa bandeja no está disponible para usted."]
    assert SavedView.objects.count() == 0


def test_a_view_shared_with_an_area_counts_what_each_viewer_may_see(supervisor, area_staff, agent):
    # given two cases of the Cartera area, one of them registered at the agent's office
    at_office = make_case(
        Actor(user=agent),
        service="CANCELACION_HIPOTECA",
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
    )
    make_case(Actor(user=agent), service="CANCELACION_HIPOTECA")
    assert at_office.area.code == "CARTERA_CANCELACION"
    view = _save(supervisor, "Cartera", queue="unassigned", query="area=CARTERA_CANCELACION")
    saved_view_share(supervisor, view.pk, "CARTERA_CANCELACION")
    # then the supervisor (national) counts both, the area's staff both, the agent none of it
    assert _counts(supervisor) == {"Cartera": 2}
    assert _counts(area_staff) == {"Cartera": 2}
    assert _counts(agent) == {}
    # and an agent's own view of the same filters counts only their office's case
    _save(agent, "Cartera", queue="unassigned", query="area=CARTERA_CANCELACION")
    assert _counts(agent) == {"Cartera": 1}


def test_counting_costs_one_query_per_view_and_stops_at_the_bound(agent):
    make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    for n in range(SAVED_VIEWS_COUNTED + 2):
        _save(agent, f"Vista {n:02}", queue="office", query=f"q=x{n}")
    with CaptureQueriesContext(connection) as queries:
        entries = saved_views_for(agent, timezone.now())
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == SAVED_VIEWS_COUNTED
    # the views and the profile once; per counted view its COUNT and the catalog snapshot's
    # one-row check for the office queue's own office code (CatalogCodeFilter, as on the queue
    # page); none beyond
    assert len(queries.captured_queries) == 2 + 2 * SAVED_VIEWS_COUNTED
    assert [entry.count for entry in entries] == [0] * SAVED_VIEWS_COUNTED + [None, None]


def test_an_invalid_stored_filter_shows_a_spanish_message_not_an_error(client, agent):
    view = _save(agent, "Rota", queue="office", query="service=QUEJA_CANALES_DIGITALES")
    SavedView.objects.filter(pk=view.pk).update(query="service=NO_EXISTE")
    client.force_login(agent)
    page = client.get("/casos/?cola=office")
    assert page.status_code == 200
    [entry] = page.context["saved_views"]
    assert entry.count is None
    assert entry.problem == "No existe la clave «NO_EXISTE»."
    SavedView.objects.filter(pk=view.pk).update(query="sla_state=tarde")
    response = client.get(f"/casos/vistas/{view.pk}/")
    assert response.url == "/casos/"
    [message] = _messages(response)
    assert message.startswith("La vista «Rota» no se puede abrir: El filtro «Plazo» no es válido")


def test_opening_a_view_goes_to_the_queue_with_its_filters(client, supervisor, area_staff, agent):
    view = _save(supervisor, "Cartera", queue="breached", query="area=CARTERA_CANCELACION")
    saved_view_share(supervisor, view.pk, "CARTERA_CANCELACION")
    for user in (supervisor, area_staff):
        client.force_login(user)
        response = client.get(f"/casos/vistas/{view.pk}/")
        assert response.url == "/casos/?cola=breached&area=CARTERA_CANCELACION"
    client.force_login(agent)
    assert client.get(f"/casos/vistas/{view.pk}/").status_code == 404


def test_only_the_owner_deletes(client, supervisor, area_staff):
    view = _save(supervisor, "Cartera", queue="breached")
    saved_view_share(supervisor, view.pk, "CARTERA_CANCELACION")
    client.force_login(area_staff)
    assert client.post(f"/casos/vistas/{view.pk}/eliminar/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.force_login(supervisor)
    response = client.post(f"/casos/vistas/{view.pk}/eliminar/")
    assert _messages(response) == ["Vista «Cartera» eliminada."]
    assert not SavedView.objects.exists()


def test_sharing_by_role(client, supervisor, agent):
    own = _save(agent, "Mía", queue="office")
    client.force_login(agent)
    response = client.post(f"/casos/vistas/{own.pk}/compartir/", {"area": "CARTERA_CANCELACION"})
    assert response.status_code == 403
    assert SavedView.objects.get(pk=own.pk).shared_with_area is None
    assert "Compartir con el área" not in client.get("/casos/?cola=office").content.decode()

    view = _save(supervisor, "Cartera", queue="breached")
    client.force_login(supervisor)
    assert "Compartir con el área" in client.get("/casos/").content.decode()
    response = client.post(f"/casos/vistas/{view.pk}/compartir/", {"area": "CARTERA_CANCELACION"})
    assert _messages(response) == [
        "Vista «Cartera» compartida con el área "
        "Subdirección de Liberación de Gravámenes y Escrituración."
    ]
    assert SavedView.objects.get(pk=view.pk).shared_with_area.code == "CARTERA_CANCELACION"


def test_a_directorate_supervisor_may_not_share_outside_it(client):
    boss = staff("sup_cartera", "supervisor", directorate_code="CARTERA")
    view = _save(boss, "Cartera", queue="breached")
    client.force_login(boss)
    response = client.post(f"/casos/vistas/{view.pk}/compartir/", {"area": "OPERACIONES_QUEJAS"})
    assert response.status_code == 403
    assert SavedView.objects.get(pk=view.pk).shared_with_area is None
