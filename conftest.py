"""Project-wide fixtures: the reference data loaded once into the test database, and users."""

import pytest

from cases.catalog_cache import catalog_cache_forget
from cases.routing.engine import active_rules_forget
from catalog.reference_data import reference_data_load
from tests.support.accounts import StaffFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def _fresh_routing_rule_cache():  # type: ignore[no-untyped-def]
    """Each test starts without the process's cached rule set (rolled-back rows repeat ids)
    nor its catalog snapshot (tests change the catalog with QuerySet.update(), too)."""
    active_rules_forget()
    catalog_cache_forget()
    yield
    active_rules_forget()
    catalog_cache_forget()


def _user(username: str, role: str, **placement):  # type: ignore[no-untyped-def]
    return StaffFactory(username=username, role=role, **placement)


@pytest.fixture
def agent(db):  # type: ignore[no-untyped-def]
    return _user("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")


@pytest.fixture
def area_staff(db):  # type: ignore[no-untyped-def]
    return _user("personal", "area_staff", area_code="CARTERA_CANCELACION")


@pytest.fixture
def supervisor(db):  # type: ignore[no-untyped-def]
    return _user("supervisor", "supervisor", national=True)


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return _user("administrador", "admin")
