"""Saved views of the work queues (issue 19 item 9): save, delete and share.

A view belongs to the person who saved it; only they delete it. Supervisors (and
administrators) share their own views with one area in their scope
(`cases.selectors.saved_views.areas_shareable_by`); that area's staff then see it read-only.
Saved views are the person's workspace, not the case record: no CaseEvent is written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import NotFound, PermissionDenied, ValidationFailed

from ..models import SavedView
from ..models.saved_view import NAME_MAX_LENGTH
from ..selectors.saved_views import SAVED_VIEWS_LISTED, areas_shareable_by, saved_view_query_check

QUEUE_KEY = re.compile(r"^[a-z_]{1,20}$")


def _name_checked(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed.single("name", "required", _("Escriba un nombre para la vista."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed.single(
            "name",
            "max_length",
            _("El nombre admite hasta %(n)d caracteres.") % {"n": NAME_MAX_LENGTH},
        )
    return name


def saved_view_create(
    owner: Any, *, name: str, queue: str, query: str, now: dt.datetime
) -> SavedView:
    """Save `queue` with the filters of `query` under `name`, unique among the owner's views.
    The caller has checked that the queue is one the owner is offered."""
    name = _name_checked(name)
    if not QUEUE_KEY.fullmatch(queue or ""):
        raise ValidationFailed.single("queue", "invalid", _("Esa bandeja no existe."))
    query = saved_view_query_check(query)
    duplicate = ValidationFailed.single(
        "name", "duplicate", _("Ya tiene una vista llamada «%(name)s».") % {"name": name}
    )
    with transaction.atomic():
        views = SavedView.objects.select_for_update().filter(owner_id=owner.pk)
        names = {existing.lower() for existing in views.values_list("name", flat=True)}
        if name.lower() in names:
            raise duplicate
        if len(names) >= SAVED_VIEWS_LISTED:
            raise ValidationFailed.single(
                "name",
                "too_many",
                _("Puede guardar hasta %(n)d vistas; elimine alguna primero.")
                % {"n": SAVED_VIEWS_LISTED},
            )
        try:
            with transaction.atomic():
                return SavedView.objects.create(
                    owner=owner, name=name, queue=queue, query=query, created_at=now
                )
        except IntegrityError:  # the same name saved at the same instant by another tab
            raise duplicate from None


def _own_view(owner: Any, view_id: int) -> SavedView:
    """The owner's view, locked; someone else's (even shared with them) is "not found"."""
    view = SavedView.objects.select_for_update().filter(pk=view_id, owner_id=owner.pk).first()
    if view is None:
        raise NotFound(_("Esa vista no existe."))
    return view


def saved_view_delete(owner: Any, view_id: int) -> str:
    """Delete one of the owner's views; its name, for the message."""
    with transaction.atomic():
        view = _own_view(owner, view_id)
        view.delete()
    return view.name


def saved_view_share(owner: Any, view_id: int, area_code: str | None) -> SavedView:
    """Share the owner's view with the area `area_code` (None or "": stop sharing). Only
    supervisors and administrators, with an area in their scope."""
    with transaction.atomic():
        view = _own_view(owner, view_id)
        areas = areas_shareable_by(owner)
        if not areas.exists():
            raise PermissionDenied(_("Sólo los supervisores comparten vistas con un área."))
        area = None
        if area_code:
            area = areas.filter(code=area_code.strip().upper()).first()
            if area is None:
                raise PermissionDenied(
                    _("El área «%(code)s» no está en su alcance.") % {"code": area_code}
                )
        view.shared_with_area = area
        view.save(update_fields=["shared_with_area"])
    return view
