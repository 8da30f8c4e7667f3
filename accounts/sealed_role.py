"""The integrity role (sees an anonymous reporter's sealed identity) is granted by two people.

SPEC §9: one administrator proposes it for a user, another approves it; the proposer never
approves and neither of them may be the user who receives it. Approval is the only write that
sets ``UserProfile.can_view_sealed_identity``, revocation the only one that clears it; creating
or editing an account never touches it (``accounts.services.user_create``, the admin). Each
step is kept on its :class:`~accounts.models.SealedRoleGrant` row: who, when, for whom.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet

from infonavit_atencion.core.errors import NotFound

from .errors import (
    NotAnAdministrator,
    SealedRoleAlreadyOpen,
    SealedRoleGrantNotActive,
    SealedRoleGrantNotPending,
    SealedRoleSameAdministrator,
    SealedRoleSelfGrant,
    SealedRoleUserInactive,
)
from .models import Role, SealedRoleGrant, SealedRoleGrantStatus, UserProfile

OPEN = (SealedRoleGrantStatus.PROPOSED, SealedRoleGrantStatus.APPROVED)


def is_administrator(user: Any) -> bool:
    """An active superuser or holder of the administrator role: who takes part in grants."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    try:
        return bool(user.profile.role == Role.ADMIN)
    except (AttributeError, ObjectDoesNotExist):
        return False


def _require_administrator(user: Any) -> None:
    if not is_administrator(user):
        raise NotAnAdministrator()


def sealed_role_propose_check(proposer: Any, for_user: Any) -> None:
    """The refusals a proposal can meet, for forms that want to show them before saving."""
    _require_administrator(proposer)
    if for_user.pk == proposer.pk:
        raise SealedRoleSelfGrant()
    if not for_user.is_active or not UserProfile.objects.filter(user=for_user).exists():
        raise SealedRoleUserInactive()
    holds = UserProfile.objects.filter(user=for_user, can_view_sealed_identity=True).exists()
    if holds or SealedRoleGrant.objects.filter(for_user=for_user, status__in=OPEN).exists():
        raise SealedRoleAlreadyOpen()


@transaction.atomic
def sealed_role_propose(
    proposer: Any, for_user: Any, now: dt.datetime, reason: str = ""
) -> SealedRoleGrant:
    """Record `proposer`'s proposal to give `for_user` the integrity role (not granted yet)."""
    # The profile row serializes concurrent proposals for the same user.
    UserProfile.objects.select_for_update().filter(user=for_user).first()
    sealed_role_propose_check(proposer, for_user)
    return SealedRoleGrant.objects.create(
        for_user=for_user, proposed_by=proposer, proposed_at=now, reason=reason.strip()
    )


def _locked(grant_id: int) -> SealedRoleGrant:
    grant = SealedRoleGrant.objects.select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


def _set_flag(user_id: int, value: bool) -> None:
    profile = UserProfile.objects.select_for_update().get(user_id=user_id)
    profile.can_view_sealed_identity = value
    profile.save(update_fields=["can_view_sealed_identity", "updated_at"])


@transaction.atomic
def sealed_role_approve(approver: Any, grant_id: int, now: dt.datetime) -> SealedRoleGrant:
    """A second administrator approves: only now does the user hold the role."""
    _require_administrator(approver)
    grant = _locked(grant_id)
    if grant.status != SealedRoleGrantStatus.PROPOSED:
        raise SealedRoleGrantNotPending()
    if approver.pk == grant.for_user_id:
        raise SealedRoleSelfGrant()
    if approver.pk == grant.proposed_by_id:
        raise SealedRoleSameAdministrator()
    if not get_user_model().objects.filter(pk=grant.for_user_id, is_active=True).exists():
        raise SealedRoleUserInactive()
    grant.status = SealedRoleGrantStatus.APPROVED
    grant.approved_by, grant.approved_at = approver, now
    grant.save(update_fields=["status", "approved_by", "approved_at"])
    _set_flag(grant.for_user_id, True)
    return grant


@transaction.atomic
def sealed_role_reject(actor: Any, grant_id: int, now: dt.datetime) -> SealedRoleGrant:
    """An administrator other than the user concerned turns a proposal down (or withdraws it)."""
    _require_administrator(actor)
    grant = _locked(grant_id)
    if grant.status != SealedRoleGrantStatus.PROPOSED:
        raise SealedRoleGrantNotPending()
    if actor.pk == grant.for_user_id:
        raise SealedRoleSelfGrant()
    grant.status = SealedRoleGrantStatus.REJECTED
    grant.rejected_by, grant.rejected_at = actor, now
    grant.save(update_fields=["status", "rejected_by", "rejected_at"])
    return grant


@transaction.atomic
def sealed_role_revoke(actor: Any, grant_id: int, now: dt.datetime) -> SealedRoleGrant:
    """Any administrator withdraws an approved grant; the user stops seeing sealed identities."""
    _require_administrator(actor)
    grant = _locked(grant_id)
    if grant.status != SealedRoleGrantStatus.APPROVED:
        raise SealedRoleGrantNotActive()
    grant.status = SealedRoleGrantStatus.REVOKED
    grant.revoked_by, grant.revoked_at = actor, now
    grant.save(update_fields=["status", "revoked_by", "revoked_at"])
    _set_flag(grant.for_user_id, False)
    return grant


def sealed_role_record() -> QuerySet[SealedRoleGrant]:
    """Every grant, newest first, with the people of each step (for the record's readers)."""
    return SealedRoleGrant.objects.select_related(
        "for_user", "proposed_by", "approved_by", "rejected_by", "revoked_by"
    ).order_by("-proposed_at", "-id")
