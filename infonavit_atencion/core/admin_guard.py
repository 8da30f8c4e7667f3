"""Secrets and personal identifiers in the administration (SPEC §9): one table, one rule.

Django's changelist accepts any lookup on a model's own fields in the query string
(``?secret__startswith=a``), so a list page answers yes/no questions about a value it never
prints and a secret can be recovered one character at a time. Every project ModelAdmin and
inline therefore mixes in :class:`GuardedAdminMixin` / :class:`GuardedInlineMixin`
(``tests/security/test_admin_secrets.py`` checks every registered one), which read
:data:`PROTECTED_FIELDS`:

* ``SECRET`` (sealed reporter identity, tracking code, webhook signing secret, API key digest):
  never shown, filtered, searched or ordered by, in any admin page, to anyone. The dedicated
  integrity role reads a sealed identity on the case page only (logged).
* ``DIGEST`` (password hashes): likewise never looked up; shown only as Django's masked summary.
* ``PERSONAL`` (NSS, CURP, RFC, e-mail, phone): never in a list column, a list filter or an
  ordering; looked up only by the exact value (``=`` in ``search_fields``, ``__exact`` or
  ``__iexact`` in the query string) and only by someone whose permissions show the full record
  (:func:`field_visible_in_full`). A fragment (``__startswith``, ``__contains``, ranges, ``__length``…)
  would enumerate the values without opening — and so without logging — a single record.

A refused lookup raises ``DisallowedModelAdminLookup``, which Django answers with 400.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP


class Secrecy(enum.Enum):
    SECRET = "secret"  # noqa: S105 (a category name, not a password)
    # A one-way digest whose form widget prints only a masked summary (Django's password
    # field, with its link to the password form): never looked up, shown only as that summary.
    DIGEST = "digest"
    PERSONAL = "personal"


# model label → field name → secrecy. A field added to a model that holds a secret or a
# personal identifier goes here; the admins pick it up everywhere, relations included.
PROTECTED_FIELDS: dict[str, dict[str, Secrecy]] = {
    "cases.Case": {
        "sealed_reporter_identity": Secrecy.SECRET,
        "tracking_code": Secrecy.SECRET,
        # The contact details a case came with (cases.models.contact_details).
        "contact_nss": Secrecy.PERSONAL,
        "contact_curp": Secrecy.PERSONAL,
        "contact_rfc": Secrecy.PERSONAL,
        "contact_email": Secrecy.PERSONAL,
        "contact_phone": Secrecy.PERSONAL,
    },
    "webhooks.WebhookSubscription": {"secret": Secrecy.SECRET},
    "accounts.ApiClient": {"key_digest": Secrecy.SECRET},
    "auth.User": {"password": Secrecy.DIGEST},
    # The sender of an inbound e-mail (inbound.admin shows it masked).
    "inbound.InboundMessage": {"from_address": Secrecy.PERSONAL},
    "contacts.Contact": {
        "nss": Secrecy.PERSONAL,
        "curp": Secrecy.PERSONAL,
        "rfc": Secrecy.PERSONAL,
        "email": Secrecy.PERSONAL,
        "phone": Secrecy.PERSONAL,
    },
}
EXACT_LOOKUPS = frozenset({"exact", "iexact"})
SEARCH_PREFIXES = "^=@"


def field_secrecy(model: type[Model], field_name: str) -> Secrecy | None:
    return PROTECTED_FIELDS.get(model._meta.label, {}).get(field_name)


def field_visible_in_full(user: Any, model: type[Model], field_name: str) -> bool:
    """Whether `user`'s role shows this field whole in the administration.

    Secrets: nobody. Personal identifiers: whoever may view the record that holds them (its
    change page shows them whole and logs the view). Anything else: yes.
    """
    secrecy = field_secrecy(model, field_name)
    if secrecy in (Secrecy.SECRET, Secrecy.DIGEST):
        return False
    if secrecy is Secrecy.PERSONAL:
        opts = model._meta
        return bool(
            getattr(user, "is_active", False)
            and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        )
    return True


def protected_in_path(
    model: type[Model], path: str
) -> tuple[type[Model], str, Secrecy, list[str]] | None:
    """The protected field a lookup path (``contact__nss__startswith``) reaches, if any, as
    (model, field, secrecy, the lookups and transforms after it)."""
    parts = path.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        secrecy = field_secrecy(model, field.name)
        if secrecy is not None:
            return model, field.name, secrecy, parts[index + 1 :]
        related = getattr(field, "related_model", None)
        if not field.is_relation or related is None:
            return None
        model = related
    return None


def lookup_permitted(user: Any, model: type[Model], path: str) -> bool:
    """Whether `user` may filter `model` by `path` as far as secrets are concerned."""
    hit = protected_in_path(model, path)
    if hit is None:
        return True
    owner, name, secrecy, rest = hit
    if secrecy is not Secrecy.PERSONAL:
        return False
    return (
        set(rest) <= EXACT_LOOKUPS and len(rest) <= 1 and field_visible_in_full(user, owner, name)
    )


def _search_path(search_field: str) -> tuple[str, str]:
    if search_field[:1] in SEARCH_PREFIXES:
        return search_field[0], search_field[1:]
    return "", search_field


def search_field_permitted(user: Any, model: type[Model], search_field: str) -> bool:
    """Only the exact-value search (``=nss``) on a personal identifier, by whoever sees it."""
    prefix, path = _search_path(search_field)
    hit = protected_in_path(model, path)
    if hit is None:
        return True
    owner, name, secrecy, _rest = hit
    return (
        secrecy is Secrecy.PERSONAL and prefix == "=" and field_visible_in_full(user, owner, name)
    )


def _unprotected(model: type[Model], names: Iterable[Any]) -> list[Any]:
    """Drop every entry naming a protected field (directly or across relations)."""
    kept = []
    for entry in names:
        name = entry[0] if isinstance(entry, (list, tuple)) else entry
        if isinstance(name, str) and protected_in_path(model, name.lstrip("-")) is not None:
            continue
        kept.append(entry)
    return kept


def _secret_fields(model: type[Model]) -> list[str]:
    return [
        name
        for name, secrecy in PROTECTED_FIELDS.get(model._meta.label, {}).items()
        if secrecy is Secrecy.SECRET
    ]


def _without_secrets(model: type[Model], names: Sequence[Any]) -> list[Any]:
    secrets = set(_secret_fields(model))
    return [name for name in names if not (isinstance(name, str) and name in secrets)]


class _FormGuard:
    """What the change form and inlines show: never a secret field."""

    model: type[Model]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return _without_secrets(self.model, super().get_fields(request, obj))  # type: ignore[misc]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return _without_secrets(self.model, fields)

    def get_exclude(self, request, obj=None):  # type: ignore[no-untyped-def]
        excluded = list(super().get_exclude(request, obj) or ())  # type: ignore[misc]
        return [*excluded, *(name for name in _secret_fields(self.model) if name not in excluded)]

    def get_fieldsets(self, request, obj=None):  # type: ignore[no-untyped-def]
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        return [
            (title, {**options, "fields": self._fieldset_fields(options.get("fields", ()))})
            for title, options in fieldsets
        ]

    def _fieldset_fields(self, fields: Sequence[Any]) -> list[Any]:
        kept: list[Any] = []
        for entry in fields:
            if isinstance(entry, (list, tuple)):
                kept.append(tuple(_without_secrets(self.model, entry)))
            else:
                kept.extend(_without_secrets(self.model, [entry]))
        return kept


class GuardedAdminMixin(_FormGuard):
    """Put first in every project ModelAdmin's bases (see the module docstring)."""

    def lookup_allowed(self, lookup, value, request=None):  # type: ignore[no-untyped-def]
        user = getattr(request, "user", None)
        if not lookup_permitted(user, self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]

    def get_search_fields(self, request):  # type: ignore[no-untyped-def]
        fields = super().get_search_fields(request)  # type: ignore[misc]
        return [
            field for field in fields if search_field_permitted(request.user, self.model, field)
        ]

    def get_list_display(self, request):  # type: ignore[no-untyped-def]
        return _unprotected(self.model, super().get_list_display(request))  # type: ignore[misc]

    def get_list_display_links(self, request, list_display):  # type: ignore[no-untyped-def]
        links = super().get_list_display_links(request, list_display)  # type: ignore[misc]
        return links if links is None else _unprotected(self.model, links)

    def get_list_filter(self, request):  # type: ignore[no-untyped-def]
        return _unprotected(self.model, super().get_list_filter(request))  # type: ignore[misc]

    def get_ordering(self, request):  # type: ignore[no-untyped-def]
        return _unprotected(self.model, super().get_ordering(request) or ())  # type: ignore[misc]

    def get_sortable_by(self, request):  # type: ignore[no-untyped-def]
        """No column sorts by a protected field, however it is named (``?o=`` by index)."""
        sortable = super().get_sortable_by(request)  # type: ignore[misc]
        return [name for name in sortable if not self._orders_by_protected(name)]

    def _orders_by_protected(self, name: Any) -> bool:
        if not isinstance(name, str):
            name = getattr(name, "__name__", "")
        target = getattr(getattr(self, name, None), "admin_order_field", None)
        order = target if isinstance(target, str) else name
        return protected_in_path(self.model, order.lstrip("-")) is not None


class GuardedInlineMixin(_FormGuard):
    """Put first in every inline's bases: an inline never shows a secret field."""


class GuardedModelAdmin(GuardedAdminMixin, admin.ModelAdmin):
    pass


def configuration_problems(model_admin: admin.ModelAdmin) -> list[str]:
    """Declarations that would print or look up a secret: what the security suite asserts empty."""
    model = model_admin.model
    problems = []
    declared = {
        "list_display": model_admin.list_display,
        "list_filter": model_admin.list_filter,
        "ordering": model_admin.ordering or (),
        "date_hierarchy": [model_admin.date_hierarchy] if model_admin.date_hierarchy else [],
        "sortable_by": model_admin.sortable_by or (),
    }
    for attribute, entries in declared.items():
        for entry in entries:
            name = entry[0] if isinstance(entry, (list, tuple)) else entry
            if isinstance(name, str) and protected_in_path(model, name.lstrip("-")) is not None:
                problems.append(f"{attribute}: {name}")
    for shown in (model_admin, *model_admin.inlines):
        secrets = set(_secret_fields(shown.model))
        for attribute in ("fields", "readonly_fields"):
            for name in getattr(shown, attribute, None) or ():
                if isinstance(name, str) and name in secrets:
                    problems.append(f"{shown.model._meta.label} {attribute}: {name}")
    for search_field in model_admin.search_fields:
        prefix, path = _search_path(search_field)
        hit = protected_in_path(model, path)
        if hit is not None and (hit[2] is not Secrecy.PERSONAL or prefix != "="):
            problems.append(f"search_fields: {search_field}")
    return problems


__all__ = [
    "PROTECTED_FIELDS",
    "GuardedAdminMixin",
    "GuardedInlineMixin",
    "GuardedModelAdmin",
    "Secrecy",
    "configuration_problems",
    "field_secrecy",
    "field_visible_in_full",
    "lookup_permitted",
    "protected_in_path",
    "search_field_permitted",
]
