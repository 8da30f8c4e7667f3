"""The monthly channel-efficiency workbook: sheets, native charts, each supervisor's scope,
the e-mail with the attachment, idempotent delivery, the command and the task."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from openpyxl import load_workbook

from cases.events import Actor
from catalog.models import Directorate
from channels.models import Channel
from indicators.exports.monthly import SHEETS
from indicators.exports.monthly_delivery import monthly_report_send, previous_month
from indicators.models import ExportJob, Target
from indicators.services import indicators_refresh
from indicators.tasks import send_monthly_report
from tests.support.cases import staff

from .support import act, new_case

pytestmark = pytest.mark.django_db
MX = ZoneInfo("America/Mexico_City")
OCTOBER = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 11, 1, 7, 0, tzinfo=MX)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILENAME = "informe-mensual-canales-2026-10.xlsx"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _with_email(user, email):  # type: ignore[no-untyped-def]
    get_user_model().objects.filter(pk=user.pk).update(email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def october(agent):  # type: ignore[no-untyped-def]
    """Two portal quejas (OPERACIONES) and a Cesi precalificación (CREDITO) in October 2026."""
    desk = Actor(user=agent)
    day = dt.datetime(2026, 10, 14, 10, 0, tzinfo=MX)
    queja = new_case(desk, day)
    act(queja, "resolve", desk, day + dt.timedelta(hours=2))
    new_case(desk, day + dt.timedelta(days=1))
    new_case(desk, day, service="PRECALIFICACION", channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    indicators_refresh(NOW)
    month = {"period_kind": "month", "date_from": OCTOBER, "date_to": dt.date(2026, 10, 31)}
    Target.objects.create(
        name="Cumplimiento del portal", metric="sla_compliance_pct", value=Decimal(90),
        channel=Channel.objects.get(code="MICUENTA"), **month,
    )  # fmt: skip
    Target.objects.create(
        name="=Recibidos de Crédito", metric="received", value=Decimal(10),
        directorate=Directorate.objects.get(code="CREDITO"), **month,
    )  # fmt: skip
    Target.objects.create(
        name="Recibidos de Cartera", metric="received", value=Decimal(10),
        directorate=Directorate.objects.get(code="CARTERA"), **month,
    )  # fmt: skip


@pytest.fixture
def supervisors(supervisor, agent):  # type: ignore[no-untyped-def]
    national = _with_email(supervisor, "nacional@infonavit.example")
    credito = _with_email(
        staff("sup_credito", "supervisor", directorate_code="CREDITO"), "credito@infonavit.example"
    )
    staff("sup_sin_correo", "supervisor", national=True)  # no address: not mailed
    gone = _with_email(staff("sup_baja", "supervisor", national=True), "baja@infonavit.example")
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    _with_email(agent, "asesor@infonavit.example")  # not a supervisor: not mailed
    return national, credito


def _workbook(message):  # type: ignore[no-untyped-def]
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (FILENAME, XLSX)
    return content, load_workbook(io.BytesIO(content))


def _values(ws) -> list[list]:  # type: ignore[no-untyped-def]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _summary(wb) -> dict:  # type: ignore[no-untyped-def]
    return {row[0]: row[1] for row in _values(wb["Resumen"]) if row and row[0]}


def test_each_supervisor_gets_the_workbook_of_their_scope(october, supervisors):
    national, credito = supervisors

    deliveries = monthly_report_send(OCTOBER, NOW)

    assert [(d.username, d.outcome) for d in deliveries] == [
        ("sup_credito", "sent"),
        ("supervisor", "sent"),
    ]
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(national.email,), (credito.email,)}
    message = by_recipient[(national.email,)]
    assert message.subject == "Informe mensual de eficiencia de canales: octubre de 2026"
    assert "su ámbito: Nacional" in message.body
    assert "/exportaciones/" in message.body

    _content, whole = _workbook(message)
    _content, own = _workbook(by_recipient[(credito.email,)])
    assert _summary(whole)["Ámbito"] == "Nacional"
    assert _summary(own)["Ámbito"] == "Dirección de Originación de Crédito"
    assert (_summary(whole)["Recibidos"], _summary(own)["Recibidos"]) == (3, 1)
    assert _summary(whole)["Resoluciones"] == 1
    per_channel = {row[0]: row[2] for row in _values(whole["Por canal"])[1:3]}
    assert per_channel == {"CESI": 1, "MICUENTA": 2}
    assert [row[0] for row in _values(own["Por canal"])[1:] if row[0]] == ["CESI"]


def test_the_workbook_has_its_sheets_and_native_charts(october, supervisors):
    national, _credito = supervisors
    monthly_report_send(OCTOBER, NOW)
    content, wb = _workbook(next(m for m in mail.outbox if m.to == [national.email]))

    assert wb.sheetnames == list(SHEETS)
    charts = {name: len(wb[name]._charts) for name in SHEETS}
    assert charts == {
        "Resumen": 0,
        "Por canal": 2,
        "Canal y dirección": 1,
        "Metas": 1,
        "Tendencia diaria": 2,
    }
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        chart_parts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(chart_parts) == 6

    daily = _values(wb["Tendencia diaria"])
    assert daily[0][:3] == ["Día", "Recibidos", "Resoluciones"]
    assert len(daily) == 1 + 31  # every day of October, quiet ones at zero
    assert daily[14][:3] == [dt.datetime(2026, 10, 14), 2, 1]
    assert daily[1][:3] == [dt.datetime(2026, 10, 1), 0, 0]


def test_the_goals_sheet_lists_the_scopes_goals_with_their_status(october, supervisors):
    national, credito = supervisors
    monthly_report_send(OCTOBER, NOW)
    by_recipient = {m.to[0]: m for m in mail.outbox}

    def goals(email: str) -> dict:
        rows = _values(_workbook(by_recipient[email])[1]["Metas"])
        header, table = rows[0], rows[1 : rows.index([None] * len(rows[0]))]
        return {row[0]: dict(zip(header, row, strict=True)) for row in table}

    everything, own = goals(national.email), goals(credito.email)
    assert set(everything) == {
        "Cumplimiento del portal",
        "'=Recibidos de Crédito",  # a name that looks like a formula stays text
        "Recibidos de Cartera",
    }
    assert set(own) == {"Cumplimiento del portal", "'=Recibidos de Crédito"}
    portal = everything["Cumplimiento del portal"]
    assert (portal["Real"], portal["Estado"]) == (100.0, "Cumplida")
    assert everything["Recibidos de Cartera"]["Estado"] == "Incumplida"


def test_a_second_run_mails_nobody_twice(october, supervisors):
    monthly_report_send(OCTOBER, NOW)
    first = list(mail.outbox)

    again = send_monthly_report.delay("2026-10-01").get()

    assert again == {"already_sent": 2}
    assert len(mail.outbox) == len(first) == 2
    jobs = ExportJob.objects.filter(kind="monthly")
    assert sorted(jobs.values_list("status", "period", "filename")) == [
        ("done", OCTOBER, FILENAME),
        ("done", OCTOBER, FILENAME),
    ]
    assert all(job.emailed_at == NOW for job in jobs)


def test_a_workbook_built_but_not_mailed_is_mailed_on_the_next_run(
    october, supervisors, monkeypatch
):
    def smtp_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("SMTP no responde")

    monkeypatch.setattr("indicators.exports.monthly_delivery.EmailMessage.send", smtp_down)
    failed = monthly_report_send(OCTOBER, NOW)
    assert {d.outcome for d in failed} == {"failed"}
    assert ExportJob.objects.filter(status="done", emailed_at__isnull=True).count() == 2
    monkeypatch.undo()

    sent = monthly_report_send(OCTOBER, NOW + dt.timedelta(hours=1))

    assert {d.outcome for d in sent} == {"sent"}
    assert len(mail.outbox) == 2


def test_the_supervisor_downloads_it_from_their_exports(client, october, supervisors):
    national, _credito = supervisors
    monthly_report_send(OCTOBER, NOW)
    job = ExportJob.objects.get(requested_by=national)
    client.force_login(national)

    listing = client.get("/exportaciones/").content.decode()
    download = client.get(f"/exportaciones/{job.pk}/descargar/")

    assert "Informe mensual de canales, octubre de 2026" in listing
    assert download["Content-Disposition"] == f'attachment; filename="{FILENAME}"'
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == list(SHEETS)


def test_the_command_dry_run_sends_and_stores_nothing(october, supervisors):
    out = io.StringIO()

    call_command("send_monthly_report", "--month", "2026-10", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Informe de octubre de 2026: 2 supervisor(es)." in text
    assert "sup_credito <credito@infonavit.example> · Dirección de Originación de Crédito" in text
    assert "sin enviar (--dry-run)" in text
    assert mail.outbox == []
    assert not ExportJob.objects.exists()


def test_the_command_sends_and_a_bad_month_is_refused(october, supervisors):
    out = io.StringIO()
    call_command("send_monthly_report", "--month", "2026-10", stdout=out)
    assert "Enviados: 2; fallidos: 0." in out.getvalue()
    assert len(mail.outbox) == 2

    with pytest.raises(Exception, match="Mes inválido"):
        call_command("send_monthly_report", "--month", "octubre")


def test_the_default_month_is_the_previous_one_in_mexico_city():
    assert previous_month(NOW) == OCTOBER
    assert previous_month(dt.datetime(2027, 1, 1, 0, 30, tzinfo=MX)) == dt.date(2026, 12, 1)
    # 05:59 UTC on 1 March is still 28 February in Mexico City; 06:00 UTC is March
    assert previous_month(dt.datetime(2027, 3, 1, 5, 59, tzinfo=dt.UTC)) == dt.date(2027, 1, 1)
    assert previous_month(dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC)) == dt.date(2027, 2, 1)
