"""seed_demo fills an empty database with a few months of history, once."""

import secrets
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from arco.export import contact_export_allowed
from cases.models import Case, CaseEvent, SavedView
from cases.privacy import sealed_identity_visible_to
from catalog.models import Macro, Service
from contacts.duplicates import contact_duplicates, duplicate_pairs
from demo.macros import DEMO_MACROS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_demo(settings, monkeypatch):
    """`seed_demo` allowed (DEBUG, a demo password) with `cases` cases of history: call it, get
    what the command printed."""
    settings.DEBUG = True
    settings.DEMO_PASSWORD = f"demo-{secrets.token_hex(8)}-2026"

    def run(cases: int) -> str:
        monkeypatch.setattr("demo.management.commands.seed_demo.DEMO_CASES", cases)
        out = StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


def test_seed_demo_generates_history_only_when_there_are_no_cases(seed_demo):
    first = seed_demo(120)
    events = CaseEvent.objects.count()
    second = seed_demo(120)

    assert "Historial de demostración: 120 casos de 3 meses." in first
    assert "Historial" not in second
    assert Case.objects.count() == 120
    assert CaseEvent.objects.count() == events > 120


def test_seed_demo_gives_the_privacy_roles_to_their_demo_users(seed_demo):
    for _run in range(2):  # idempotent: a second run keeps the grants
        seed_demo(30)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert contact_export_allowed(users["transparencia"])
    assert not contact_export_allowed(users["integridad"])
    assert sealed_identity_visible_to(users["integridad"])
    assert not sealed_identity_visible_to(users["transparencia"])
    assert not sealed_identity_visible_to(users["admin"])


def test_seed_demo_leaves_one_person_registered_twice_to_merge(seed_demo):
    out = seed_demo(120)

    # The printed CURP finds the twin and the record of the same person that kept the NSS
    curp = out.split("CURP ")[1].split(" ")[0]
    candidates = contact_duplicates(curp=curp)
    assert [c.reason for c in candidates] == ["curp", "name_no_curp"]
    twin, person = (c.contact for c in candidates)
    assert (twin.nss, person.curp, person.nss is not None) == (None, None, True)
    assert twin.cases.count() == 1
    pairs = duplicate_pairs(candidates)
    assert [(p.source, p.target, p.mergeable) for p in pairs] == [(person, twin, True)]
    assert Case.objects.count() == 120


def test_seed_demo_gives_every_active_service_a_few_macros_once(seed_demo):
    first, second = seed_demo(30), seed_demo(30)

    services = Service.objects.filter(active=True)
    assert Macro.objects.count() == services.count() * len(DEMO_MACROS)
    assert f"Macros de demostración: {Macro.objects.count()}" in first
    assert "Macros" not in second
    queja = Macro.objects.filter(service__code="QUEJA_CANALES_DIGITALES")
    assert sorted(queja.values_list("action", flat=True)) == ["", "", "pause", "resolve"]


def test_seed_demo_saves_one_view_per_role_once(seed_demo):
    first, second = seed_demo(30), seed_demo(30)

    assert "Vistas guardadas de demostración: 4 (una por rol)." in first
    assert "Vistas guardadas" not in second
    views = SavedView.objects.values_list(
        "owner__profile__role", "name", "queue", "query", "shared_with_area__code"
    )
    assert sorted(views) == [
        ("admin", "En espera del ciudadano", "all", "status=waiting", None),
        ("agent", "Quejas de mi oficina", "office", "kind=complaint", None),
        ("area_staff", "Sin asignar en espera", "unassigned", "status=waiting", None),
        (
            "supervisor",
            "Vencidos de Cartera",
            "breached",
            "area=CARTERA_CANCELACION",
            "CARTERA_CANCELACION",
        ),
    ]
