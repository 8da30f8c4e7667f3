"""Routing dry run (SPEC §5): replay past cases through candidate rules; nothing is written."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.events import Actor
from cases.models import Case, CaseEvent, RoutingRule
from cases.routing.dry_run import AreaShift, DryRunMove, routing_dry_run
from cases.routing.engine import case_route
from cases.routing.rule_files import rule_specs_from_data, rule_specs_from_file
from cases.routing.rules import active_rules, rule_specs_from
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from catalog.models import Area
from contacts.services import ContactInput
from infonavit_atencion.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)
SINCE = dt.date(2026, 11, 1)
ANA = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431")
TO_CASOS_ESPECIALES = [
    {
        "name": "Quejas a Casos especiales",
        "order": 1,
        "kinds": ["complaint"],
        "area": "CARTERA_CASOS_ESPECIALES",
    }
]


def _case(agent, service, channel="MICUENTA", *, route=True, now=NOW, **extra) -> Case:
    case = case_create(
        CaseInput(
            service=service,
            channel=channel,
            contact=ANA,
            description="Necesito ayuda con mi trámite.",
            **extra,
        ),
        Actor(user=agent),
        now,
    ).case
    if route:
        case_route(case.pk, now)
    return case


@pytest.fixture
def history(agent, area_staff):  # type: ignore[no-untyped-def]
    """Routed with today's rules (none: the service owner): two quejas, one request, one still new,
    one resolved at the first contact (left out) and one received before the period."""
    quejas = [_case(agent, "QUEJA_CANALES_DIGITALES"), _case(agent, "QUEJA_INFONATEL", "INFONATEL")]
    # Reclassified after routing: it is replayed as the queja it was at intake.
    case_transition(
        quejas[1].folio,
        TransitionInput("reclassify", service="SOLICITUD_INFORMACION"),
        Actor(user=area_staff),
        NOW,
    )
    informacion = _case(agent, "SOLICITUD_INFORMACION")
    nueva = _case(agent, "QUEJA_CANALES_DIGITALES", route=False)
    _case(agent, "CONSTANCIA_INTERESES", route=False, resolution="Se entregó la constancia.")
    _case(agent, "QUEJA_CANALES_DIGITALES", now=NOW - dt.timedelta(days=30))
    return {"quejas": quejas, "informacion": informacion, "nueva": nueva}


def test_the_current_rule_set_changes_nothing(history):
    report = routing_dry_run(SINCE, active_rules())

    assert (report.total, report.unchanged, report.changed, report.never_routed) == (4, 4, 0, 1)
    assert report.moves == [] and report.areas == []


def test_a_candidate_rule_moving_complaints_counts_them_by_directorate_and_area(history):
    cases, events = Case.objects.count(), CaseEvent.objects.count()

    report = routing_dry_run(SINCE, rule_specs_from_data(TO_CASOS_ESPECIALES))

    # Both routed quejas and the new one (compared with its service's owner) would move.
    assert (report.total, report.unchanged, report.changed) == (4, 1, 3)
    assert report.moves == [
        DryRunMove("OPERACIONES", "OPERACIONES_QUEJAS", "CARTERA", "CARTERA_CASOS_ESPECIALES", 3)
    ]
    assert report.areas == [
        AreaShift("CARTERA", "CARTERA_CASOS_ESPECIALES", before=0, after=3),
        AreaShift("OPERACIONES", "OPERACIONES_QUEJAS", before=3, after=0),
    ]
    assert report.lines()[0] == (
        "Simulación de turno desde el 2026-11-01 con 1 reglas: 4 casos, 1 sin cambio, 3 se turnarían distinto."
    )
    assert (
        "3 casos: de OPERACIONES / OPERACIONES_QUEJAS a CARTERA / CARTERA_CASOS_ESPECIALES"
        in report.lines()
    )
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_the_dry_run_reads_a_fixed_number_of_queries_whatever_the_number_of_cases(agent):
    rules = rule_specs_from_data(TO_CASOS_ESPECIALES)
    _case(agent, "QUEJA_CANALES_DIGITALES")
    with CaptureQueriesContext(connection) as few:
        routing_dry_run(SINCE, rules)
    for _ in range(4):
        _case(agent, "QUEJA_CANALES_DIGITALES")
    with CaptureQueriesContext(connection) as many:
        report = routing_dry_run(SINCE, rules)

    assert report.changed == 5
    # Not counting the savepoint of the dry run's own transaction.
    reads = [[q for q in run if "SAVEPOINT" not in q["sql"]] for run in (few, many)]
    assert len(reads[1]) == len(reads[0]) == 7  # the catalog (5), the cases (1), first events (1)


def test_saved_rules_and_the_same_rules_from_a_file_decide_alike(history):
    area = Area.objects.get(code="CARTERA_CASOS_ESPECIALES")
    RoutingRule.objects.create(
        name="Quejas a Casos especiales", order=1, kinds=["complaint"], area=area, active=False
    )

    from_admin = routing_dry_run(SINCE, rule_specs_from(RoutingRule.objects.all()))
    from_file = routing_dry_run(SINCE, rule_specs_from_data(TO_CASOS_ESPECIALES))

    assert from_admin.moves == from_file.moves
    # Inactive: not part of the rule set in force.
    assert routing_dry_run(SINCE, active_rules()).changed == 0


def test_the_example_rules_file_is_valid():
    rules = rule_specs_from_file(settings.BASE_DIR / "docs" / "examples" / "routing_rules.yaml")

    assert [r.name for r in rules] == [
        "Quejas por maltrato a Integridad",
        "Quejas presenciales de Baja California",
        "Denuncias de corrupción, urgentes",
    ]
    assert rules[1].states == frozenset({"02"}) and rules[1].assignment_strategy == "round_robin"
    assert rules[0].set_priority == 3


def test_every_mistake_in_a_rules_file_is_reported_in_spanish_naming_the_rule():
    with pytest.raises(ValidationFailed) as refusal:
        rule_specs_from_data(
            [
                {
                    "name": "Buena",
                    "order": 1,
                    "kinds": ["complaint"],
                    "area": "OPERACIONES_INTEGRIDAD",
                },
                {
                    "name": "Mala",
                    "order": 2,
                    "kinds": ["queja"],
                    "channels": ["FAX"],
                    "area": "NO_EXISTE",
                    "servicios": [],
                },
                {"name": "Sin acción", "order": 3, "priorities": ["alta"]},
            ]
        )

    assert [(e.field, e.message) for e in refusal.value.errors] == [
        ("rules[1].servicios", "Regla 2 («Mala»): campo desconocido «servicios»."),
        ("rules[1].kinds", "Regla 2 («Mala»): el tipo de caso «queja» no existe."),
        ("rules[1].channels", "Regla 2 («Mala»): el canal «FAX» no existe."),
        ("rules[1].area", "Regla 2 («Mala»): el área «NO_EXISTE» no existe."),
        ("rules[2].priorities", "Regla 3 («Sin acción»): la prioridad «alta» no existe."),
        (
            "rules[2].area",
            "Regla 3 («Sin acción»): indique al menos la dirección, el área o la prioridad que fija.",
        ),
    ]


def test_the_command_prints_the_report(history, tmp_path):
    path = tmp_path / "reglas.yaml"
    path.write_text(
        "- name: Quejas a Casos especiales\n  order: 1\n  kinds: [complaint]\n  area: CARTERA_CASOS_ESPECIALES\n",
        encoding="utf-8",
    )
    out = StringIO()

    call_command("routing_dry_run", "--since", "2026-11-01", "--rules", str(path), stdout=out)

    output = out.getvalue()
    assert "4 casos, 1 sin cambio, 3 se turnarían distinto." in output
    assert (
        "3 casos: de OPERACIONES / OPERACIONES_QUEJAS a CARTERA / CARTERA_CASOS_ESPECIALES"
        in output
    )
    assert "no se modificó ningún caso" in output


def test_the_command_without_a_file_uses_the_active_rules(history):
    out = StringIO()
    call_command("routing_dry_run", "--since", "2026-11-01", stdout=out)
    assert "4 casos, 4 sin cambio, 0 se turnarían distinto." in out.getvalue()


def test_a_rules_file_with_an_unknown_code_is_refused_in_spanish(tmp_path):
    path = tmp_path / "reglas.yaml"
    path.write_text(
        "- name: Quejas\n  order: 1\n  services: [NO_EXISTE]\n  area: OPERACIONES_QUEJAS\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as refusal:
        call_command("routing_dry_run", "--since", "2026-11-01", "--rules", str(path))

    assert (
        str(refusal.value)
        == "El archivo de reglas no es válido.\nRegla 1 («Quejas»): el servicio «NO_EXISTE» no existe."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "01/11/2026"], "Fecha inválida «01/11/2026»; use AAAA-MM-DD."),
        (
            ["--since", "2026-11-01", "--rules", "/no/existe.yaml"],
            "No se pudo leer el archivo /no/existe.yaml",
        ),
    ],
)
def test_a_bad_date_or_a_missing_file_is_refused_in_spanish(db, args, message):
    with pytest.raises(CommandError) as refusal:
        call_command("routing_dry_run", *args)
    assert str(refusal.value).startswith(message)


def test_the_admin_action_simulates_the_selected_rules_over_the_last_30_days(
    client, admin_user, agent
):
    now = timezone.now()
    _case(agent, "QUEJA_CANALES_DIGITALES", now=now)
    _case(agent, "SOLICITUD_INFORMACION", now=now)
    rule = RoutingRule.objects.create(
        name="Quejas a Casos especiales",
        order=1,
        kinds=["complaint"],
        area=Area.objects.get(code="CARTERA_CASOS_ESPECIALES"),
    )
    client.force_login(admin_user)
    url = reverse("admin:cases_routingrule_changelist")

    response = client.post(url, {"action": "simulate_routing", "_selected_action": [rule.pk]})

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[0].endswith("con 1 reglas: 2 casos, 1 sin cambio, 1 se turnarían distinto.")
    assert (
        "1 casos: de OPERACIONES / OPERACIONES_QUEJAS a CARTERA / CARTERA_CASOS_ESPECIALES"
        in messages
    )
    assert client.get(response["Location"]).status_code == 200
