"""The ORDER BY compiler of our PostgreSQL backend writes exactly Django's SQL, and skips the
position map only where Django's map could not match anything (`core.postgresql.compiler`).

Each query below is compiled by Django's PostgreSQL `SQLCompiler` and by ours, on whatever
database the suite runs (compiling needs no server): the texts and parameters must be equal.
"""

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.backends.postgresql import compiler as django_compiler
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Lower
from django.db.models.sql import compiler as sql_compiler

from infonavit_atencion.core.postgresql import compiler

# Querysets whose every ordering term is a field name, over default columns only.
NAMES_ONLY: dict[str, Callable[[], QuerySet[Any]]] = {
    "newest first, then id": lambda: User.objects.order_by("-date_joined", "-pk"),
    "through a relation": lambda: Permission.objects.order_by("content_type__model", "codename"),
    "the model's own ordering": lambda: Permission.objects.all(),
    "with a joined relation": lambda: Permission.objects.select_related("content_type").order_by(
        "-codename"
    ),
    "filtered and sliced": lambda: User.objects.filter(is_active=True).order_by("username")[:26],
    "random": lambda: Group.objects.order_by("?"),
}
# Querysets Django's map serves: they must take Django's path unchanged.
MAPPED: dict[str, Callable[[], QuerySet[Any]]] = {
    "an expression": lambda: User.objects.order_by(F("last_login").desc(nulls_last=True)),
    "an annotation's alias": lambda: User.objects.annotate(groups_count=Count("groups")).order_by(
        "-groups_count"
    ),
    "a selected function": lambda: User.objects.annotate(name=Lower("username")).order_by("name"),
    "values()": lambda: User.objects.values("username", "email").order_by("email"),
    "a union": lambda: (
        User.objects.filter(is_staff=True)
        .union(User.objects.filter(is_superuser=True))
        .order_by("username")
    ),
}


def _sql(compiler_class: type, queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    query = queryset.query.clone()
    return compiler_class(query, connection, "default").as_sql()


@pytest.mark.parametrize(
    "make", [*NAMES_ONLY.values(), *MAPPED.values()], ids=[*NAMES_ONLY, *MAPPED]
)
def test_the_same_sql_as_django(make: Callable[[], QuerySet[Any]]) -> None:
    assert _sql(compiler.SQLCompiler, make()) == _sql(django_compiler.SQLCompiler, make())


def _position_refs_built(compiler_class: type, queryset: QuerySet[Any]) -> int:
    with mock.patch.object(
        sql_compiler, "PositionRef", wraps=sql_compiler.PositionRef
    ) as position_ref:
        _sql(compiler_class, queryset)
    return position_ref.call_count


@pytest.mark.parametrize("make", NAMES_ONLY.values(), ids=NAMES_ONLY)
def test_names_only_build_no_position_map(make: Callable[[], QuerySet[Any]]) -> None:
    assert _position_refs_built(django_compiler.SQLCompiler, make()) > 0  # Django's map
    assert _position_refs_built(compiler.SQLCompiler, make()) == 0


@pytest.mark.parametrize("make", MAPPED.values(), ids=MAPPED)
def test_the_rest_keeps_djangos_map(make: Callable[[], QuerySet[Any]]) -> None:
    assert _position_refs_built(compiler.SQLCompiler, make()) == _position_refs_built(
        django_compiler.SQLCompiler, make()
    )


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="The backend is PostgreSQL's (DATABASE_URL); CI runs it.",
)
def test_the_backend_compiles_with_it() -> None:
    assert connection.ops.compiler("SQLCompiler") is compiler.SQLCompiler
