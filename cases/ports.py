"""Ports: how cases tells the floors above it what happened, without importing them (STYLE.md).

Cases is the domain floor; webhooks and surveys read it from above. Each fills a port from its
``AppConfig.ready()``, naming a function by its dotted path, which is looked up when called.
Nothing here imports a model, so an app config may import this module before the registry is
ready.

- **Case events** (:func:`case_events_publish`): a service calls it INSIDE the transaction that
  changed the cases, after saving them, with one or more of the kinds below; every publisher
  runs there, in the order it registered (webhooks writes its outbox). A publisher is called as
  ``publisher(case_ids, kinds, now)``.
- **Notice extras** (:func:`notice_extras`): more context for one of the e-mail templates,
  as ``extras(case) -> dict`` (surveys adds the survey link to the resolution notice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model
from django.utils.module_loading import import_string

# What a case event is called outside: the values webhooks publishes (`webhooks.WebhookEvent`).
CASE_CREATED = "case.created"
CASE_ROUTED = "case.routed"
CASE_STATUS_CHANGED = "case.status_changed"
CASE_SLA_BREACHED = "case.sla_breached"
CASE_EVENT_KINDS = (CASE_CREATED, CASE_ROUTED, CASE_STATUS_CHANGED, CASE_SLA_BREACHED)

_publishers: list[str] = []
_extras: dict[str, list[str]] = {}


def case_event_publisher_register(path: str) -> None:
    """Call the function at dotted ``path`` with every case event (once, however often asked)."""
    if path not in _publishers:
        _publishers.append(path)


def case_events_publish(
    case_ids: Iterable[int], kinds: str | Sequence[str], now: dt.datetime
) -> None:
    """Tell every publisher that ``kinds`` happened to the cases ``case_ids`` at ``now``."""
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [kind for kind in kinds if kind not in CASE_EVENT_KINDS]
    if unknown:
        raise ValueError(f"Unknown case event {unknown[0]!r}")
    ids = list(case_ids)
    for path in _publishers:
        import_string(path)(ids, kinds, now)


def case_event_publish(case: Model, kinds: str | Sequence[str], now: dt.datetime) -> None:
    """:func:`case_events_publish` for one case (call after ``case.save``, in its transaction)."""
    case_events_publish([case.pk], kinds, now)


def notice_extras_register(template: str, path: str) -> None:
    """Add what the function at dotted ``path`` returns to the context of e-mail ``template``."""
    paths = _extras.setdefault(template, [])
    if path not in paths:
        paths.append(path)


def notice_extras(template: str, case: Model) -> dict[str, Any]:
    """The context the upper floors add to e-mail ``template`` for ``case``."""
    extras: dict[str, Any] = {}
    for path in _extras.get(template, ()):
        extras.update(import_string(path)(case))
    return extras
