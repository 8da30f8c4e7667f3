"""Case-list exports from the queue page: content, masking per role, scope, sealed identity,
formula injection, constant queries (answered at once: below EXPORT_SYNC_MAX_ROWS)."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.services import TransitionInput, case_transition
from contacts.models import ContactAccessLog
from indicators.exports.writers import csv_cell, neutralised, xlsx_cell
from indicators.models import ExportJob

from .support import (
    ANA,
    SEALED,
    anonymous_denuncia,
    as_dicts,
    body_of,
    cesi_case,
    csv_rows,
    integrity_officer,
    portal_case,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db
URL = "/exportaciones/casos/"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _export(client, fmt="csv", consulta="cola=all", **extra):  # type: ignore[no-untyped-def]
    return client.post(URL, {"formato": fmt, "consulta": consulta, **extra})


def _csv(response) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    return as_dicts(csv_rows(body_of(response)))


def test_an_agent_gets_the_office_queue_masked(client, agent):
    # given a case at the agent's Cesi and a portal case outside the office
    desk = Actor(user=agent)
    mine = cesi_case(desk)
    portal_case(desk)
    client.force_login(agent)
    # when the agent exports the office queue as CSV, even asking for full data
    rows = _csv(_export(client, consulta="cola=office", completos="1"))
    # then only the office case, with every identifier masked, and nothing logged
    assert [row["Folio"] for row in rows] == [mine.folio]
    row = rows[0]
    assert row["Contacto"] == "Ana Pérez López"
    assert (row["NSS"], row["CURP"]) == ("*******4431", "**************XN09")
    assert (row["Correo electrónico"], row["Teléfono"]) == ("a***@example.com", "******5678")
    assert row["Servicio (clave)"] == "PRECALIFICACION"
    assert row["Estado"] == "Asignado"
    assert "Identidad reservada del denunciante" not in row
    assert not ContactAccessLog.objects.exists()


def test_no_query_widens_an_agents_scope(client, agent):
    desk = Actor(user=agent)
    mine = cesi_case(desk)
    elsewhere = portal_case(desk)  # unassigned too, but outside the agent's office
    client.force_login(agent)

    unassigned = [r["Folio"] for r in _csv(_export(client, consulta="cola=unassigned"))]
    not_offered = [r["Folio"] for r in _csv(_export(client, consulta="cola=all"))]

    assert unassigned == [mine.folio]
    assert not_offered == []  # "all" is not an agent's queue: their first one ("mine") is used
    assert elsewhere.folio not in unassigned + not_offered


def test_area_staff_export_only_their_areas_cases(client, agent, area_staff):
    desk = Actor(user=agent)
    moved = portal_case(desk)
    portal_case(desk)
    case_transition(
        moved.folio,
        TransitionInput("transfer", reason="Le corresponde", area="CARTERA_CANCELACION"),
        desk,
        timezone.now(),
    )
    client.force_login(area_staff)

    rows = _csv(_export(client, consulta="cola=area"))

    assert [row["Folio"] for row in rows] == [moved.folio]


def test_an_administrator_sees_full_data_only_when_asked_and_each_view_is_logged(
    client, agent, admin_user
):
    desk = Actor(user=agent)
    cases = [cesi_case(desk), portal_case(desk)]
    client.force_login(admin_user)

    masked = _csv(_export(client))
    assert {row["NSS"] for row in masked} == {"*******4431"}
    assert not ContactAccessLog.objects.exists()

    full = _csv(_export(client, completos="1"))
    assert {
        (row["NSS"], row["CURP"], row["Correo electrónico"], row["Teléfono"]) for row in full
    } == {(ANA.nss, ANA.curp, ANA.email, ANA.phone)}
    logged = ContactAccessLog.objects.filter(user=admin_user)
    assert sorted(logged.values_list("case_id", "reason")) == sorted(
        (case.pk, "export") for case in cases
    )


def test_the_sealed_identity_goes_only_to_the_integrity_role(client, agent, admin_user):
    denuncia = anonymous_denuncia(Actor(user=agent))
    officer = integrity_officer()

    # an administrator asking for full data: the denuncia, with no identity and no column
    client.force_login(admin_user)
    response = _export(client, completos="1")
    content = body_of(response).decode("utf-8-sig")
    assert denuncia.folio in content
    assert "Juan" not in content
    assert "Identidad reservada del denunciante" not in content

    # the integrity role without asking: not either
    client.force_login(officer)
    rows = _csv(_export(client, consulta="cola=area"))
    assert [row["Folio"] for row in rows] == [denuncia.folio]
    assert "Identidad reservada del denunciante" not in rows[0]

    # the integrity role asking for full data: the column, and the view logged
    rows = _csv(_export(client, consulta="cola=area", completos="1"))
    assert rows[0]["Identidad reservada del denunciante"] == SEALED
    assert rows[0]["Denuncia anónima"] == "Sí"
    assert rows[0]["NSS"] == ""
    assert list(ContactAccessLog.objects.filter(user=officer).values_list("case_id", "reason")) == [
        (denuncia.pk, "sealed_identity")
    ]


def test_the_excel_answer_reads_back(client, agent, supervisor):
    desk = Actor(user=agent)
    case = cesi_case(desk, subject="Precalificación de Ana")
    client.force_login(supervisor)

    response = _export(client, fmt="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response.content)
    header, first = rows[0], rows[1]
    assert header[:4] == ["Folio", "Tipo", "Servicio (clave)", "Servicio"]
    assert header[12] == "Recibido (hora de America/Mexico_City)"
    record = dict(zip(header, first, strict=True))
    assert record["Folio"] == case.folio
    assert record["Asunto"] == "Precalificación de Ana"
    assert record["NSS"] == "*******4431"
    received = case.received_at.astimezone(ZoneInfo("America/Mexico_City"))
    assert record[header[12]] == received.replace(tzinfo=None, microsecond=0)
    notes = dict(xlsx_rows(response.content, "Parámetros"))
    assert notes["Datos personales"].startswith("enmascarados")
    assert notes["Filas"] == 1


def test_text_that_looks_like_a_formula_stays_text(client, agent, supervisor):
    desk = Actor(user=agent)
    subjects = ['=HYPERLINK("http://malo.example","clic")', "+52 55", "-1+2", "@SUM(A1)"]
    for subject in subjects:
        portal_case(desk, subject=subject)
    client.force_login(supervisor)

    in_csv = {row["Asunto"] for row in _csv(_export(client))}
    xlsx = _export(client, fmt="xlsx").content
    in_xlsx = {record["Asunto"] for record in as_dicts(xlsx_rows(xlsx))}

    expected = {"'" + subject for subject in subjects}
    assert in_csv == expected
    assert in_xlsx == expected
    assert b"<f>" not in xlsx  # no formula element anywhere in the sheet


def test_cell_rules():
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("\t=1") == "'\t=1"
    assert neutralised("Pago no aplicado") == "Pago no aplicado"
    tz = timezone.get_default_timezone()
    assert csv_cell(-12.5, tz) == "-12.5"  # numbers are never touched
    assert xlsx_cell(-12.5, tz) == -12.5
    assert csv_cell(None, tz) == ""
    assert csv_cell(True, tz) == "Sí"
    assert xlsx_cell("a\x0bb", tz) == "ab"  # control characters Excel refuses


def test_the_export_reads_a_constant_number_of_queries(client, agent, supervisor):
    desk = Actor(user=agent)
    client.force_login(supervisor)
    counts = []
    for _ in range(2):
        for _ in range(3):
            cesi_case(desk)
        with CaptureQueriesContext(connection) as queries:
            assert _export(client).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_bad_format_goes_back_to_the_queue(client, supervisor):
    client.force_login(supervisor)

    response = _export(client, fmt="pdf", consulta="cola=all&status=new")

    assert response.status_code == 302
    assert response["Location"] == "/casos/?cola=all&status=new"
    assert not ExportJob.objects.exists()


def test_the_queue_page_offers_the_export_buttons(client, agent, admin_user):
    client.force_login(agent)
    page = client.get("/casos/?cola=office&status=assigned").content.decode()
    assert 'action="/exportaciones/casos/"' in page
    assert 'name="consulta" value="cola=office&amp;status=assigned"' in page
    assert "Exportar CSV" in page and "Exportar Excel" in page
    assert 'name="completos"' not in page  # agents are never offered full data
    assert "/static/indicators/exports.js" in page

    client.force_login(admin_user)
    assert 'name="completos"' in client.get("/casos/?cola=all").content.decode()
