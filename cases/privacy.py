"""The sealed identity of an anonymous denuncia's reporter (SPEC §9): the one rule, one place.

An anonymous reporter may leave an identity (``Case.sealed_reporter_identity``). Only people
holding the dedicated integrity role (``UserProfile.can_view_sealed_identity``) ever see it —
not administrators or superusers as such, and never an API client. Every representation of a
case asks this module:

* the case page shows it to the role, behind a logged "show" (:func:`sealed_identity_reveal`);
* the administration never shows, filters, searches or orders by it, to anyone
  (``infonavit_atencion.core.admin_guard``); the role is granted by two administrators, one
  proposing and another approving (``accounts.services.sealed_role_approve``);
* a contact's data export (``arco.export``) and CSV/XLSX exports (``indicators.exports``)
  include it only when :func:`sealed_identity_visible_to` says so;
* the API, webhooks, queues, intake, e-mails and the public look-up never print it at all.

Each time the identity is shown it is logged in ``ContactAccessLog`` with the reason
``sealed_identity`` (a row with the case and no contact).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from contacts.access import personal_data_views_log
from contacts.models import AccessReason

from .events import Actor
from .models import Case


def _person(viewer: Any) -> Any | None:
    """The user behind `viewer` (an Actor or a user); None for API clients and the system."""
    if isinstance(viewer, Actor):
        return None if viewer.client is not None else viewer.user
    return viewer


def sealed_identity_visible_to(viewer: Any) -> bool:
    """Whether `viewer` (an :class:`~cases.events.Actor` or a user) holds the dedicated role."""
    user = _person(viewer)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    try:
        return bool(user.profile.can_view_sealed_identity)
    except (AttributeError, ObjectDoesNotExist):
        return False


def sealed_identity_for(case: Case, viewer: Any) -> str | None:
    """The case's sealed identity if it has one and `viewer` may see it; otherwise None.

    Callers that print it must log the view (:func:`sealed_identity_views_log`).
    """
    if not case.anonymous or not case.sealed_reporter_identity:
        return None
    return case.sealed_reporter_identity if sealed_identity_visible_to(viewer) else None


def sealed_identity_views_log(user: Any, case_ids: list[int], now: dt.datetime) -> int:
    """Log that `user` was shown the sealed identity of these cases."""
    return personal_data_views_log(
        [(None, case_id) for case_id in case_ids],
        now,
        reason=AccessReason.SEALED_IDENTITY,
        user=user,
    )


def sealed_identity_reveal(case: Case, user: Any, now: dt.datetime) -> str | None:
    """The identity for the case page, after logging the view; None when not permitted or
    when the reporter left none (nothing is logged then). The caller has checked the scope."""
    identity = sealed_identity_for(case, user)
    if identity is not None:
        sealed_identity_views_log(user, [case.pk], now)
    return identity
