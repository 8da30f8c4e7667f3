"""Candidate routing rules from a YAML or JSON file, for the dry run (SPEC §5).

A file is a list of rules (see docs/examples/routing_rules.yaml) that were never saved: they are
validated against the catalog — every unknown code, value or key reported at once, in Spanish,
naming the rule — and turned into the same `RuleSpec`s the real routing uses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Area, CaseKind, Directorate, Service
from channels.geography import State
from channels.models import Channel, Office
from contacts.models import Contact
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from ..models import AssignmentStrategy
from ..models.case import PRIORITY_NAMES
from .rules import RuleSpec, first_active_areas

PRIORITY_BY_NAME = {name: rank for rank, name in PRIORITY_NAMES.items()}

RULE_KEYS = {
    "name",
    "order",
    "active",
    "kinds",
    "services",
    "channels",
    "offices",
    "states",
    "contact_types",
    "keywords",
    "priorities",
    "directorate",
    "area",
    "set_priority",
    "assignment_strategy",
}


class _RuleFileErrors:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, index: int, raw: dict, key: str, code: str, message: str) -> None:
        name = raw.get("name") if isinstance(raw.get("name"), str) else ""
        label = (
            _("Regla %(n)s («%(name)s»)") % {"n": index + 1, "name": name}
            if name
            else _("Regla %(n)s") % {"n": index + 1}
        )
        self.errors.append(FieldError(f"rules[{index}].{key}", code, f"{label}: {message}"))


def _strings(value: Any) -> list[str] | None:
    """A list of strings (numbers allowed, e.g. unquoted state codes), or None if malformed."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return None
    return [str(v).strip() for v in value]


def _lookup(model: Any, codes: set[str]) -> dict[str, Any]:
    return {obj.code: obj for obj in model.objects.filter(code__in=codes)} if codes else {}


def rule_specs_from_data(data: Any) -> list[RuleSpec]:
    """Validate a parsed rule file (a list of rules, or {rules: [...]}) into specs.

    Every unknown code, value or key is reported at once, in Spanish, as a `ValidationFailed`
    whose errors name the rule; inactive rules are dropped; the rest are sorted by `order`.
    """
    if isinstance(data, dict) and set(data) == {"rules"}:
        data = data["rules"]
    if not isinstance(data, list) or not all(isinstance(raw, dict) for raw in data):
        raise ValidationFailed.single(
            "rules", "invalid", _("El archivo debe contener una lista de reglas.")
        )
    errors = _RuleFileErrors()
    wanted: dict[str, set[str]] = {key: set() for key in ("services", "channels", "offices")}
    wanted |= {"directorates": set(), "areas": set()}
    for raw in data:
        for key in ("services", "channels", "offices"):
            wanted[key].update(_strings(raw.get(key)) or [])
        for key, bucket in (("directorate", "directorates"), ("area", "areas")):
            if isinstance(raw.get(key), str):
                wanted[bucket].add(raw[key].strip())
    found = {
        key: _lookup(model, wanted[key])
        for key, model in (
            ("services", Service),
            ("channels", Channel),
            ("offices", Office),
            ("directorates", Directorate),
            ("areas", Area),
        )
    }
    fallback = first_active_areas()
    specs: list[tuple[int, RuleSpec]] = []
    for index, raw in enumerate(data):
        spec = _rule_spec(index, raw, found, fallback, errors)
        if spec is not None and raw.get("active", True) is True:
            specs.append((index, spec))
    if errors.errors:
        raise ValidationFailed(_("El archivo de reglas no es válido."), errors=errors.errors)
    return [spec for _index, spec in sorted(specs, key=lambda item: (item[1].order, item[0]))]


def _choices(
    index: int, raw: dict, key: str, allowed: set[str], what: str, errors: _RuleFileErrors
) -> frozenset[str]:
    values = _strings(raw.get(key))
    if values is None:
        errors.add(index, raw, key, "invalid", _("«%(key)s» debe ser una lista.") % {"key": key})
        return frozenset()
    if key == "states":
        values = [v.zfill(2) for v in values]
    for value in values:
        if value not in allowed:
            errors.add(
                index,
                raw,
                key,
                "does_not_exist",
                _("%(what)s «%(value)s» no existe.") % {"what": what, "value": value},
            )
    return frozenset(values)


def _related(
    index: int, raw: dict, key: str, found: dict[str, Any], what: str, errors: _RuleFileErrors
) -> frozenset[int]:
    values = _strings(raw.get(key))
    if values is None:
        errors.add(
            index, raw, key, "invalid", _("«%(key)s» debe ser una lista de códigos.") % {"key": key}
        )
        return frozenset()
    ids = set()
    for code in values:
        if code in found:
            ids.add(found[code].pk)
        else:
            errors.add(
                index,
                raw,
                key,
                "does_not_exist",
                _("%(what)s «%(code)s» no existe.") % {"what": what, "code": code},
            )
    return frozenset(ids)


# Conditions on the case's own values: key → (allowed values, what one value is called).
CHOICE_CONDITIONS: tuple[tuple[str, Callable[[], set[str]], Any], ...] = (
    ("kinds", lambda: set(CaseKind.values), gettext_lazy("el tipo de caso")),
    ("priorities", lambda: set(PRIORITY_BY_NAME), gettext_lazy("la prioridad")),
    ("states", lambda: set(State.values), gettext_lazy("la entidad federativa")),
    ("contact_types", lambda: set(Contact.Type.values), gettext_lazy("el tipo de contacto")),
)
# Conditions on catalog rows, by code: key → what one code is called.
RELATED_CONDITIONS: tuple[tuple[str, Any], ...] = (
    ("services", gettext_lazy("el servicio")),
    ("channels", gettext_lazy("el canal")),
    ("offices", gettext_lazy("la oficina")),
)


class _Rule:
    """One rule of the file being read: its raw mapping and where its errors go."""

    def __init__(self, index: int, raw: dict, errors: _RuleFileErrors) -> None:
        self.index, self.raw, self.errors = index, raw, errors

    def add(self, key: str, code: str, message: str) -> None:
        self.errors.add(self.index, self.raw, key, code, message)


def _head(rule: _Rule) -> tuple[Any, Any]:
    """Unknown keys, then the rule's name, order and `active` flag: (name, order)."""
    raw, index = rule.raw, rule.index
    for key in sorted(set(raw) - RULE_KEYS):
        rule.add(key, "unknown_key", _("campo desconocido «%(key)s».") % {"key": key})
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        rule.add("name", "required", _("indique el nombre de la regla."))
    order = raw.get("order", index + 1)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        rule.add("order", "invalid", _("el orden debe ser un número entero no negativo."))
    if not isinstance(raw.get("active", True), bool):
        rule.add("active", "invalid", _("«active» debe ser true o false."))
    return name, order


def _conditions(rule: _Rule, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the rule matches on, by RuleSpec field (in the order the errors are reported)."""
    index, raw, errors = rule.index, rule.raw, rule.errors
    values: dict[str, Any] = {
        key: _choices(index, raw, key, allowed(), str(what), errors)
        for key, allowed, what in CHOICE_CONDITIONS
    }
    keywords = _strings(raw.get("keywords"))
    if keywords is None:
        rule.add("keywords", "invalid", _("«keywords» debe ser una lista de palabras."))
    values["keywords"] = tuple(keywords or ())
    for key, what in RELATED_CONDITIONS:
        ids = _related(index, raw, key, found[key], str(what), errors)
        values[f"{key[:-1]}_ids"] = ids
    return values


def _catalog_row(rule: _Rule, key: str, rows: dict[str, Any], message: str) -> Any:
    """The directorate or area the rule names (None when it names none or an unknown code)."""
    if rule.raw.get(key) is None:
        return None
    code = str(rule.raw[key]).strip()
    row = rows.get(code)
    if row is None:
        rule.add(key, "does_not_exist", message % {"code": code})
    return row


def _destination(rule: _Rule, found: dict[str, dict[str, Any]]) -> tuple[Any, Any]:
    """(directorate, area) the rule sends cases to, each checked against the catalog."""
    directorate = _catalog_row(
        rule, "directorate", found["directorates"], _("la dirección «%(code)s» no existe.")
    )
    area = _catalog_row(rule, "area", found["areas"], _("el área «%(code)s» no existe."))
    if area is not None and directorate is not None and area.directorate_id != directorate.pk:
        rule.add(
            "area",
            "wrong_directorate",
            _("el área «%(code)s» no pertenece a la dirección indicada.")
            % {"code": str(rule.raw["area"]).strip()},
        )
    return directorate, area


def _actions(rule: _Rule) -> tuple[int | None, str]:
    """(priority it sets, assignment strategy); at least one destination or priority."""
    raw = rule.raw
    set_priority = None
    if raw.get("set_priority") is not None:
        set_priority = PRIORITY_BY_NAME.get(str(raw["set_priority"]))
        if set_priority is None:
            rule.add(
                "set_priority",
                "does_not_exist",
                _("la prioridad «%(value)s» no existe; use low, normal, high o urgent.")
                % {"value": raw["set_priority"]},
            )
    strategy = raw.get("assignment_strategy") or AssignmentStrategy.NONE
    if strategy not in AssignmentStrategy.values:
        rule.add(
            "assignment_strategy",
            "does_not_exist",
            _(
                "la estrategia de asignación «%(value)s» no existe; use none, round_robin o least_loaded."
            )
            % {"value": strategy},
        )
    if all(raw.get(key) is None for key in ("directorate", "area", "set_priority")):
        rule.add(
            "area",
            "no_action",
            _("indique al menos la dirección, el área o la prioridad que fija."),
        )
    return set_priority, str(strategy)


def _rule_spec(
    index: int,
    raw: dict,
    found: dict[str, dict[str, Any]],
    fallback: dict[int, int],
    errors: _RuleFileErrors,
) -> RuleSpec | None:
    """One rule as a spec, or None when it has errors (reported in the file's field order)."""
    rule = _Rule(index, raw, errors)
    before = len(errors.errors)
    name, order = _head(rule)
    conditions = _conditions(rule, found)
    directorate, area = _destination(rule, found)
    set_priority, strategy = _actions(rule)
    if len(errors.errors) > before:
        return None
    return RuleSpec(
        name=str(name).strip(),
        order=int(order),
        **conditions,
        directorate_id=directorate.pk if directorate else None,
        area_id=area.pk if area else None,
        area_directorate_id=area.directorate_id if area else None,
        fallback_area_id=fallback.get(directorate.pk) if directorate and not area else None,
        set_priority=set_priority,
        assignment_strategy=strategy,
    )


def rule_specs_from_file(path: Path) -> list[RuleSpec]:
    """Read a YAML (or JSON) rule file; errors are `ValidationFailed` in Spanish."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationFailed.single(
            "rules",
            "unreadable",
            _("No se pudo leer el archivo %(path)s: %(error)s")
            % {"path": path, "error": error.strerror},
        ) from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed.single(
            "rules",
            "invalid",
            _("El archivo %(path)s no es YAML válido: %(error)s") % {"path": path, "error": error},
        ) from error
    return rule_specs_from_data(data)
