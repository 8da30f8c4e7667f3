"""Shared model bases. No domain logic lives here."""

from __future__ import annotations

import inspect
from typing import Any, Self

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        abstract = True


class FastLoadModel(models.Model):
    """A model whose rows read from the database become instances without `Model.__init__`.

    Django builds each row read through `__init__`, which sets every column with `setattr`: for
    a wide model read by the page (a case has 58 columns, a list page 26 cases) that was
    8 % of the list request's Python (issue 17). A whole row whose every column is a plain
    attribute (Django's `DeferredAttribute`, or a foreign key's id, whose setter only clears a
    cache a new instance does not have) is put in the instance's `__dict__` at once — the same
    instance `__init__` would build. Rows with deferred columns (`only()`, `defer()`), a field
    with a descriptor of its own (files, for instance) or a listener on `pre_init`/`post_init`
    take Django's way (`cases/tests/test_case_fast_load.py`, with `Case`).
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        attnames = _plain_attnames(cls)
        if (
            attnames is None
            or len(values) != len(attnames)
            or pre_init.has_listeners(cls)
            or post_init.has_listeners(cls)
        ):
            return super().from_db(db, field_names, values)
        new = cls.__new__(cls)
        state = ModelState()
        state.adding = False
        state.db = db
        new.__dict__.update(zip(attnames, values, strict=True))
        new._state = state
        return new


_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)
_plain_attnames_by_model: dict[type[models.Model], tuple[str, ...] | None] = {}


def _plain_attnames(model: type[models.Model]) -> tuple[str, ...] | None:
    """The concrete columns' attribute names, in row order; None if one has its own setter."""
    if model not in _plain_attnames_by_model:
        fields = model._meta.concrete_fields
        plain = all(
            type(inspect.getattr_static(model, f.attname, None)) in _PLAIN_DESCRIPTORS
            for f in fields
        )
        _plain_attnames_by_model[model] = tuple(f.attname for f in fields) if plain else None
    return _plain_attnames_by_model[model]


# Codes identify reference rows in the API, in data files and between systems.
CODE_REGEX = r"^[A-Z0-9_]+$"


def code_field(**kwargs: object) -> models.CharField:
    return models.CharField(
        _("clave"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(CODE_REGEX, _("Use mayúsculas, dígitos y guion bajo (A-Z, 0-9, _)."))
        ],
        **kwargs,  # type: ignore[arg-type]
    )
