"""A case read from the database is the instance Django's `Model.from_db` would build
(`core.models.FastLoadModel`), and Django's way still serves what the fast way cannot."""

from typing import Any

import pytest
from django.db import models
from django.db.models.signals import post_init

from cases.events import Actor
from cases.models import Attachment, Case
from infonavit_atencion.core.models import _plain_attnames
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db

ATTNAMES = [field.attname for field in Case._meta.concrete_fields]


def _as_django_builds(values: tuple[Any, ...]) -> Case:
    return models.Model.from_db.__func__(Case, "default", ATTNAMES, values)  # type: ignore[attr-defined]


def _columns(case: Case) -> dict[str, Any]:
    return {name: value for name, value in vars(case).items() if name != "_state"}


@pytest.fixture
def case() -> Case:
    return make_case(Actor(user=staff("asesora", "agent", office_code="CESI_TIJUANA")))


def test_a_row_becomes_the_instance_django_builds(case: Case) -> None:
    values = Case.objects.filter(pk=case.pk).values_list(*ATTNAMES).get()
    fast, stock = Case.from_db("default", ATTNAMES, values), _as_django_builds(values)
    assert type(fast) is Case
    assert _columns(fast) == _columns(stock)
    assert list(_columns(fast)) == ATTNAMES  # every column, nothing else
    assert (fast._state.adding, fast._state.db) == (False, "default")
    assert fast.get_deferred_fields() == set()


def test_a_case_read_saves_and_reads_its_relations(case: Case) -> None:
    read = Case.objects.select_related("service").get(pk=case.pk)
    assert read.service.code == case.service.code and read.channel.code == case.channel.code
    read.subject = "Asunto corregido"
    read.save(update_fields=["subject"])  # an UPDATE, not an INSERT: _state.adding is False
    assert Case.objects.get(pk=case.pk).subject == "Asunto corregido"
    assert Case.objects.count() == 1


def test_deferred_columns_take_djangos_way(case: Case) -> None:
    read = Case.objects.only("id", "folio").get(pk=case.pk)
    assert "description" in read.get_deferred_fields()
    assert read.description == case.description  # loaded on access, as Django does


def test_a_post_init_listener_still_hears_every_case(case: Case) -> None:
    heard: list[Case] = []

    def listen(sender: type[Case], instance: Case, **kwargs: Any) -> None:
        heard.append(instance)

    post_init.connect(listen, sender=Case)
    try:
        read = Case.objects.get(pk=case.pk)
    finally:
        post_init.disconnect(listen, sender=Case)
    assert heard == [read]


def test_a_column_with_its_own_setter_is_never_filled_directly() -> None:
    assert _plain_attnames(Attachment) is None  # its file goes through FileDescriptor
    assert _plain_attnames(Case) == tuple(ATTNAMES)
