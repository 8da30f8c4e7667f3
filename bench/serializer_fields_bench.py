"""What `cases.api.fields.ClonedFieldsMixin` saves: the cases API's input serializers validated
with their fields copied shallowly (the mixin) and deep-copied (DRF's own `get_fields`).

Times, in this process, building and validating each serializer the API builds per request:
the intake body (with a contact, nested), the list's order and page, a transition and an edit.
Prints CPU microseconds per request (best of --repeat interleaved runs of --number each);
asserts nothing.

    .venv/bin/python bench/serializer_fields_bench.py [--number 300] [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infonavit_atencion.settings.test")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from rest_framework import serializers  # noqa: E402

from cases.api.fields import ClonedFieldsMixin  # noqa: E402
from cases.api.serializers import (  # noqa: E402
    CaseCreateInputSerializer,
    CaseListPagingSerializer,
    CaseUpdateInputSerializer,
    TransitionInputSerializer,
)

INTAKE = {
    "service": "QUEJA_CANALES_DIGITALES",
    "office": "CESI_CDMX_BENITO_JUAREZ",
    "contact": {
        "nss": "92919084431",
        "curp": "BOXW310820HNERXN09",
        "given_names": "Ana",
        "first_surname": "Pérez",
        "second_surname": "López",
        "email": "ana@example.com",
        "phone": "5512345678",
    },
    "subject": "No descarga la constancia",
    "description": "La página falla al descargar mi constancia.",
    "priority": "high",
    "received_at": "2026-11-18T10:00:00-06:00",
    "external_reference": "MC-1",
}
PAGING = QueryDict("ordering=-received_at&page_size=25")
SERIALIZERS: dict[str, tuple[type[serializers.Serializer], Any]] = {
    "intake body": (CaseCreateInputSerializer, INTAKE),
    "list paging": (CaseListPagingSerializer, PAGING),
    "transition": (TransitionInputSerializer, {"action": "assign", "assignee": "ana"}),
    "edit": (CaseUpdateInputSerializer, {"priority": "high"}),
}


@contextmanager
def drf_copies() -> Iterator[None]:
    """Every mixin user, nested ones included, back on DRF's deep copies for a while."""
    mixin_get_fields = ClonedFieldsMixin.get_fields
    ClonedFieldsMixin.get_fields = serializers.Serializer.get_fields  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        ClonedFieldsMixin.get_fields = mixin_get_fields  # type: ignore[method-assign]


def _best(run: Callable[[], Any], number: int) -> float:
    # CPU time of this process: other processes on a busy machine count less than in wall time.
    return timeit.Timer(run, timer=time.process_time).timeit(number) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print(f"{'serializer':<14}{'mixin µs':>10}{'DRF µs':>9}{'saved':>8}")
    for label, (serializer_class, data) in SERIALIZERS.items():

        def validate(cls: Any = serializer_class, data: Any = data) -> None:
            cls(data=data).is_valid(raise_exception=True)

        mixin, drf = [], []
        for _ in range(args.repeat):  # interleaved, so that a busy machine weighs on both alike
            mixin.append(_best(validate, args.number))
            with drf_copies():
                drf.append(_best(validate, args.number))
        print(f"{label:<14}{min(mixin):>10.0f}{min(drf):>9.0f}{min(drf) - min(mixin):>8.0f}")


if __name__ == "__main__":
    main()
