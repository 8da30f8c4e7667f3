"""The supervisor dashboard (/tablero/): who may open it, its numbers are indicators_compute's,
each number lists exactly its cases, goals show met / at risk / missed, bounded queries."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from catalog.models import Directorate
from channels.models import Channel
from indicators.dashboard import GROUP_COLUMNS, TREND_COLUMNS
from indicators.dashboard_goals import targets_evaluated_together
from indicators.metrics import COUNT_METRICS
from indicators.models import Target
from indicators.selectors import indicators_compute, target_evaluate
from indicators.services import indicators_refresh
from tests.support.cases import staff

from .support import WED, act, new_case

pytestmark = pytest.mark.django_db
DAY = "from=2026-11-18&to=2026-11-19"
THU = WED + dt.timedelta(days=1)


@pytest.fixture
def history(agent):  # type: ignore[no-untyped-def]
    """Four cases around Wed 18 and Thu 19 Nov 2026 (all routed by the service's defaults):
    an open portal queja (Wed), a Cesi precalificación resolved in time (Wed), a portal queja
    received a month earlier and still open past its due (backlog, breached) and a portal
    queja received and resolved on Thursday."""
    desk = Actor(user=agent)
    cases = {
        "open": new_case(desk, WED),
        "cesi": new_case(
            desk, WED, service="PRECALIFICACION", channel="CESI", office="CESI_CDMX_BENITO_JUAREZ"
        ),
        "late": new_case(desk, WED - dt.timedelta(days=30)),
        "thu": new_case(desk, THU),
    }
    act(cases["cesi"], "resolve", desk, WED + dt.timedelta(minutes=30))
    act(cases["thu"], "resolve", desk, THU + dt.timedelta(hours=1))
    return cases


def _board(client, user, query=DAY):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(f"/tablero/?{query}")
    assert response.status_code == 200
    return response


def _folios(client, url):  # type: ignore[no-untyped-def]
    """Every folio a drill-down lists, following its pages."""
    folios = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        folios += [case.folio for case, _badge in response.context["rows"]]
        url = response.context.get("next_url")
    return folios


def _section(client, url):  # type: ignore[no-untyped-def]
    """A board section (trend, goals) as htmx loads it."""
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    return response.context["section"]


def _cell(row, metric):  # type: ignore[no-untyped-def]
    return next(cell for cell in row.cells if cell.metric == metric)


# --- who may open it ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get("/tablero/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_agents_and_area_staff_are_refused(client, agent, area_staff):
    for user in (agent, area_staff):
        client.force_login(user)
        assert client.get("/tablero/").status_code == 403
        assert client.get(f"/tablero/casos/?metric=received&{DAY}").status_code == 403


def test_supervisors_and_admins_open_it_and_the_navigation_links_it(client, supervisor, admin_user):
    for user in (supervisor, admin_user):
        client.force_login(user)
        response = client.get("/tablero/")
        assert response.status_code == 200
        assert re.search(
            r'<a class="nav-link[^"]*" href="/tablero/"[^>]*>Tablero</a>', response.content.decode()
        )


def test_default_period_is_this_month_by_channel(client, supervisor):
    response = _board(client, supervisor, "")
    board = response.context["board"]
    # The form shows the dates it resolved to.
    assert f'value="{board.query.date_from.isoformat()}"' in response.content.decode()
    today = timezone.localdate(timezone.now(), timezone=dt.UTC)
    assert board.query.group == "channel"
    assert board.query.date_from.day == 1
    assert abs((board.query.date_to - today).days) <= 1  # local date at the institute's seat
    assert [p.active for p in board.presets] == [True, False, False, False]


def test_only_one_period_shortcut_is_current_when_two_share_the_range(
    client, supervisor, monkeypatch
):
    # On 30 November "Este mes" and "Últimos 30 días" are both 1–30 November.
    monkeypatch.setattr(
        timezone,
        "now",
        lambda: dt.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("America/Mexico_City")),
    )
    board = _board(client, supervisor, "").context["board"]
    assert (board.query.date_from, board.query.date_to) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    assert [p.active for p in board.presets] == [True, False, False, False]


# --- the numbers -------------------------------------------------------------------------


def test_every_number_is_what_indicators_compute_answers(client, supervisor, history):
    board = _board(client, supervisor).context["board"]
    now = timezone.now()
    start, end = dt.date(2026, 11, 18), dt.date(2026, 11, 19)

    expected = indicators_compute(start, end, ["channel"], now=now).rows
    assert [row.code for row in board.rows] == ["CESI", "MICUENTA"]
    for row, wanted in zip(board.rows, expected, strict=True):
        assert {c.metric: c.value for c in row.cells} == {m: wanted[m] for m in GROUP_COLUMNS}
    total = indicators_compute(start, end, (), now=now).rows[0]
    assert {c.metric: c.value for c in board.kpis} == {
        c.metric: total[c.metric] for c in board.kpis
    }
    assert {c.metric: c.value for c in board.total.cells} == {m: total[m] for m in GROUP_COLUMNS}
    # The known history: 3 received in the range, 2 resolved in time, 2 open (1 past due).
    assert (total["received"], total["resolutions"], total["sla_compliance_pct"]) == (3, 2, 100.0)
    assert (total["backlog"], total["backlog_breached"]) == (2, 1)
    assert board.chart["labels"] == [row.label for row in board.rows]
    assert board.chart["compliance"] == [100.0, 100.0]

    trend = _section(client, board.trend_url)
    expected_days = indicators_compute(start, end, ["day"], now=now).rows
    days = {row.code: {c.metric: c.value for c in row.cells} for row in trend.rows}
    assert list(days) == ["2026-11-18", "2026-11-19"]
    for wanted in expected_days:
        assert days[wanted["day"]] == {m: wanted[m] for m in TREND_COLUMNS}
    assert (days["2026-11-18"]["received"], days["2026-11-19"]["resolutions"]) == (2, 1)
    assert trend.chart["received"] == [2, 1]


def test_numbers_print_in_es_mx_and_link_to_their_cases(client, supervisor, history):
    html = _board(client, supervisor).content.decode()
    assert "100.00 %" in html
    assert re.search(r'href="/tablero/casos/\?metric=resolutions&amp;from=2026-11-18', html)
    assert 'id="datos-grupos" type="application/json"' in html
    # The trend and the goals load beside the board; without JavaScript they are links.
    assert re.search(r'<a href="/tablero/tendencia/\?from=2026-11-18&amp;to=2026-11-19', html)
    assert re.search(r'hx-get="/tablero/metas/\?from=2026-11-18&amp;to=2026-11-19', html)
    board = client.get(f"/tablero/?{DAY}", HTTP_HX_REQUEST="true").content.decode()
    assert "style=" not in board and "<script>" not in board  # nothing inline (CSP)


def test_grouping_by_office_shows_cases_without_one(client, supervisor, history):
    board = _board(client, supervisor, DAY + "&group=office").context["board"]
    assert [(row.code, row.label) for row in board.rows] == [
        ("CESI_CDMX_BENITO_JUAREZ", "Cesi Ciudad de México Benito Juárez"),
        (None, "Sin oficina"),
    ]
    url = _cell(board.rows[1], "received").url
    assert parse_qs(urlsplit(url).query, keep_blank_values=True)["key"] == [""]
    assert set(_folios(client, url)) == {history["open"].folio, history["thu"].folio}


def test_every_count_lists_exactly_its_cases(client, supervisor, history):
    board = _board(client, supervisor).context["board"]
    trend = _section(client, board.trend_url)
    for row in [*board.rows, board.total, *trend.rows]:
        for cell in row.cells:
            if cell.metric in COUNT_METRICS:
                assert len(set(_folios(client, cell.url))) == cell.value, (row.label, cell.metric)
    cesi = board.rows[0]
    assert _folios(client, _cell(cesi, "resolved_within_sla").url) == [history["cesi"].folio]
    micuenta = board.rows[1]
    assert _folios(client, _cell(micuenta, "backlog_breached").url) == [history["late"].folio]
    assert set(_folios(client, _cell(micuenta, "backlog").url)) == {
        history["open"].folio,
        history["late"].folio,
    }


def test_the_channel_filter_narrows_everything(client, supervisor, history):
    board = _board(client, supervisor, DAY + "&channel=CESI&group=directorate").context["board"]
    assert [(c.metric, c.value) for c in board.kpis][:3] == [
        ("sla_compliance_pct", 100.0),
        ("backlog", 0),
        ("backlog_breached", 0),
    ]
    assert [row.code for row in board.rows] == ["CREDITO"]
    url = _cell(board.rows[0], "received").url
    assert "channel=CESI" in url and "group=directorate&key=CREDITO" in url
    assert _folios(client, url) == [history["cesi"].folio]


def test_the_export_link_downloads_the_table_the_board_shows(client, supervisor, history):
    board = _board(client, supervisor, DAY + "&channel=CESI&group=directorate").context["board"]
    response = client.get(board.export_urls["csv"])
    assert response.status_code == 200
    lines = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = lines.decode("utf-8-sig").splitlines()
    assert len(rows) == 2  # the header and the one directorate the CESI cases went to
    assert "CREDITO" in rows[1]


# --- scope -------------------------------------------------------------------------------


def test_an_office_supervisor_sees_only_their_office(client, history):
    cesi_boss = staff("sup_cesi", "supervisor", office_code="CESI_CDMX_BENITO_JUAREZ")
    board = _board(client, cesi_boss).context["board"]
    assert board.scope_label == "Cesi Ciudad de México Benito Juárez"
    assert [row.code for row in board.rows] == ["CESI"]
    # A hand-made link to another channel's cases lists nothing of it.
    assert (
        _folios(client, f"/tablero/casos/?metric=received&{DAY}&group=channel&key=MICUENTA") == []
    )


def test_the_time_of_the_data_is_shown_in_the_viewers_office_timezone(client):
    tijuana = staff("sup_bc", "supervisor", office_code="DEL_BC")
    html = _board(client, tijuana).content.decode()
    offset = timezone.now().astimezone(ZoneInfo("America/Tijuana")).strftime("%z")
    assert re.search(rf'<time datetime="[^"]+{offset[:3]}:{offset[3:]}">', html)


def test_a_directorate_supervisor_sees_only_their_directorate(client, history):
    credito = staff("sup_credito", "supervisor", directorate_code="CREDITO")
    board = _board(client, credito).context["board"]
    assert [row.code for row in board.rows] == ["CESI"]
    assert _folios(client, f"/tablero/casos/?metric=received&{DAY}") == [history["cesi"].folio]


# --- shared goals ------------------------------------------------------------------------


def test_goals_show_met_at_risk_and_missed_with_text(client, supervisor, history):
    november = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
    Target.objects.create(
        name="Plazo en Cesi",
        metric="sla_compliance_pct",
        channel=Channel.objects.get(code="CESI"),
        value=Decimal(90),
        **november,
    )
    Target.objects.create(
        name="Recibir por el portal",
        metric="received",
        channel=Channel.objects.get(code="MICUENTA"),
        value=Decimal("2.05"),
        **november,
    )
    Target.objects.create(
        name="Nada vencido en Operaciones",
        metric="backlog_breached",
        directorate=Directorate.objects.get(code="OPERACIONES"),
        direction="at_most",
        value=Decimal(0),
        period_kind="custom",
        date_from=dt.date(2026, 11, 18),
        date_to=dt.date(2026, 11, 19),
    )
    Target.objects.create(  # another period: not on this board
        name="Octubre",
        metric="nps",
        value=Decimal(40),
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
    )
    board = _board(client, supervisor).context["board"]
    response = client.get(board.goals_url, HTTP_HX_REQUEST="true")
    lines = {line.name: line for line in response.context["section"].lines}
    assert {name: (line.status, line.actual.value) for name, line in lines.items()} == {
        "Plazo en Cesi": ("met", 100.0),
        "Recibir por el portal": ("at_risk", 2),
        "Nada vencido en Operaciones": ("missed", 1),
    }
    html = response.content.decode()
    for text in ("Cumplida", "En riesgo", "Incumplida", "bi-check-circle-fill"):
        assert text in html
    assert _folios(client, lines["Nada vencido en Operaciones"].actual.url) == [
        history["late"].folio
    ]
    assert lines["Nada vencido en Operaciones"].goal == "≤ 0"


def test_goals_read_together_equal_goals_read_one_by_one(history):
    cesi, micuenta = Channel.objects.get(code="CESI"), Channel.objects.get(code="MICUENTA")
    operaciones = Directorate.objects.get(code="OPERACIONES")
    november = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
    for metric, channel, directorate in (
        ("sla_compliance_pct", cesi, None),
        ("received", micuenta, None),
        ("backlog", None, operaciones),
        ("backlog_breached", micuenta, operaciones),
        ("received", None, None),
        ("nps", cesi, None),  # no answers: no data
    ):
        Target.objects.create(
            name=metric,
            metric=metric,
            channel=channel,
            directorate=directorate,
            value=Decimal(1),
            **november,
        )
    now = timezone.now()
    targets = list(Target.objects.select_related("channel", "directorate").order_by("id"))

    together = targets_evaluated_together(targets, now)

    one_by_one = [target_evaluate(target, now) for target in targets]
    assert [(r.actual, r.status, r.evaluated_to) for r in together] == [
        (r.actual, r.status, r.evaluated_to) for r in one_by_one
    ]
    assert [r.actual for r in together] == [100.0, 2, 2, 1, 3, None]


# --- requests, errors, cost --------------------------------------------------------------


def test_htmx_gets_the_board_without_the_page(client, supervisor, history):
    client.force_login(supervisor)
    response = client.get(f"/tablero/?{DAY}&group=service", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="tabla-grupos"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_sections_are_pages_of_their_own_without_javascript(client, supervisor, history):
    client.force_login(supervisor)
    for url, heading in (
        (f"/tablero/tendencia/?{DAY}", "Tendencia diaria"),
        (f"/tablero/metas/?{DAY}", "Metas compartidas"),
    ):
        html = client.get(url).content.decode()
        assert f'<h1 class="h3 mb-3">{heading}</h1>' in html
        assert f'href="/tablero/?{DAY.replace("&", "&amp;")}&amp;group=channel"' in html
    assert client.get("/tablero/tendencia/?from=2026-11-19&to=2026-11-18").status_code == 400


def test_agents_may_not_read_the_sections(client, agent):
    client.force_login(agent)
    assert client.get(f"/tablero/tendencia/?{DAY}").status_code == 403
    assert client.get(f"/tablero/metas/?{DAY}").status_code == 403


def test_a_range_that_ends_before_it_starts_is_refused_beside_the_field(client, supervisor):
    response = _board(client, supervisor, "from=2026-11-19&to=2026-11-18")
    assert response.context["board"] is None
    assert "La fecha final es anterior a la inicial." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        f"metric=nope&{DAY}",
        f"metric=received&{DAY}&channel=NOPE",
        f"metric=received&{DAY}&group=office&key=NOPE",
        "metric=received&from=2026-11-18",
        f"metric=received&{DAY}&day=2026-12-01",
    ],
)
def test_a_bad_drill_down_is_a_400_with_its_reason(client, supervisor, query):
    client.force_login(supervisor)
    response = client.get(f"/tablero/casos/?{query}")
    assert response.status_code == 400
    assert response.context["rows"] == []


def test_drill_down_pages_follow_the_keyset(client, supervisor, history, monkeypatch):
    monkeypatch.setattr("web.views.dashboard.PAGE_SIZE", 1)
    client.force_login(supervisor)
    url = f"/tablero/casos/?metric=backlog&{DAY}"
    first = client.get(url)
    assert "Pendientes" in first.content.decode()
    listed = _folios(client, url)
    assert listed == [history["open"].folio, history["late"].folio]  # newest received first
    assert client.get(url, HTTP_HX_REQUEST="true").content.decode().count("<html") == 0


def test_the_board_costs_a_bounded_number_of_queries(client, supervisor, agent):
    """More cases, groups and days cost no more queries (rollups refreshed, as beat keeps them;
    the live correction for unread events is the engine's and is bounded by its batches)."""
    desk = Actor(user=agent)
    new_case(desk, WED)
    indicators_refresh(timezone.now())
    board = _board(client, supervisor).context["board"]  # logs in, warms the caches
    pages = [f"/tablero/?{DAY}", board.trend_url, board.goals_url]
    with CaptureQueriesContext(connection) as few:
        for url in pages:
            client.get(url)
    for channel, service, office, days in (
        ("CESI", "PRECALIFICACION", "CESI_CDMX_BENITO_JUAREZ", 0),
        ("APP", "QUEJA_CANALES_DIGITALES", None, 1),
        ("MICUENTA", "QUEJA_CANALES_DIGITALES", None, 1),
    ):
        extra = {"office": office} if office else {}
        case = new_case(
            desk, WED + dt.timedelta(days=days), service=service, channel=channel, **extra
        )
        act(case, "resolve", desk, WED + dt.timedelta(days=days, hours=2))
    indicators_refresh(timezone.now())
    with CaptureQueriesContext(connection) as many:
        for url in pages:
            client.get(url)
    assert len(client.get(pages[0]).context["board"].rows) == 3
    assert len(many) == len(few) <= 50


def test_htmx_history_restore_gets_the_whole_page(client, supervisor):
    client.force_login(supervisor)
    response = client.get(
        "/tablero/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
