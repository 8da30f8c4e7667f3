"""Cases registered before they kept their contact details take them from their contact
(migration cases 0010), so their notices keep reaching the e-mail they always did."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cases.events import Actor
from cases.models import Case
from cases.services import CaseInput, case_create
from contacts.details import ContactDetails
from contacts.services import ContactInput
from tests.support.cases import ANA_CURP, ANA_NSS, make_case, staff

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("cases.migrations.0010_backfill_case_contact_details")


def test_the_migration_fills_each_case_from_its_contact():
    agent = staff("asesor", "agent", office_code="CESI_TIJUANA")
    ana = ContactInput(
        given_names="Ana",
        first_surname="Pérez",
        nss=ANA_NSS,
        curp=ANA_CURP,
        email="ana@example.com",
        phone="5512345678",
    )
    old = make_case(Actor(user=agent), contact=ana, route=False)
    anonymous = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="MICUENTA",
            anonymous=True,
            description="Un gestor cobra por tramitar créditos.",
        ),
        Actor(user=agent),
        timezone.now(),
    ).case
    # As they were before the migration: nothing kept on the case.
    Case.objects.update(**{f"contact_{name}": "" for name in ContactDetails.__dataclass_fields__})

    backfill._backfill(apps, None)

    assert Case.objects.get(pk=old.pk).contact_as_sent == ContactDetails(
        given_names="Ana",
        first_surname="Pérez",
        type="derechohabiente",
        nss=ANA_NSS,
        curp=ANA_CURP,
        email="ana@example.com",
        phone="5512345678",
    )
    assert Case.objects.get(pk=anonymous.pk).notice_email == ""
    assert Case.objects.get(pk=anonymous.pk).contact_as_sent == ContactDetails()
