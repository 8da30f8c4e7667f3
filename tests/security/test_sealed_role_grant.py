"""No single administrator can end up seeing a sealed identity (SPEC §9).

The integrity role (``UserProfile.can_view_sealed_identity``) is granted only by two different
administrators: one proposes, another approves, never for themselves. Creating or editing an
account never sets it — not the admin's user pages, not ``create_user``, not ``user_create``.
"""

from __future__ import annotations

import inspect
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, load_command_class
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts.errors import (
    NotAnAdministrator,
    SealedRoleAlreadyOpen,
    SealedRoleGrantNotActive,
    SealedRoleSameAdministrator,
    SealedRoleSelfGrant,
)
from accounts.models import SealedRoleGrant, UserProfile
from accounts.sealed_role import (
    sealed_role_approve,
    sealed_role_propose,
    sealed_role_reject,
    sealed_role_revoke,
)
from accounts.services import user_create
from cases.privacy import sealed_identity_visible_to
from catalog.models import Area
from tests.support.accounts import TEST_PASSWORD
from tests.support.cases import staff

pytestmark = pytest.mark.django_db
GRANTS_URL = "/admin/accounts/sealedrolegrant/"


@pytest.fixture
def people(admin_user):  # type: ignore[no-untyped-def]
    """Two administrators, a third one, and the integrity analyst who should get the role."""
    return {
        "alicia": admin_user,
        "bruno": staff("bruno", "admin"),
        "carla": staff("carla", "admin"),
        "analista": staff("analista", "area_staff", area_code="OPERACIONES_INTEGRIDAD"),
        "asesor": staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ"),
    }


def _holds(user) -> bool:  # type: ignore[no-untyped-def]
    return UserProfile.objects.get(user=user).can_view_sealed_identity


def _session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _action(client: Client, action: str, grant: SealedRoleGrant):  # type: ignore[no-untyped-def]
    body = {"action": action, "_selected_action": [grant.pk]}
    return client.post(GRANTS_URL, body, follow=True)


# --- Creating or editing an account never sets the role -----------------------------------------


def test_the_user_pages_never_offer_the_role_on_any_account(people):
    client = _session(people["alicia"])
    for user in (people["alicia"], people["analista"], people["bruno"]):
        page = client.get(f"/admin/auth/user/{user.pk}/change/")
        fields = set(page.context["inline_admin_formsets"][0].formset.forms[0].fields)
        assert "role" in fields and "can_view_sealed_identity" not in fields
    add = client.get("/admin/auth/user/add/")
    assert add.status_code == 200
    assert 'name="profile-0-can_view_sealed_identity"' not in add.content.decode()


def test_an_administrator_cannot_create_a_second_account_holding_the_role(people):
    """The reported attack: add a user with the profile inline's box ticked, log in as it."""
    area = Area.objects.get(code="OPERACIONES_INTEGRIDAD")
    body = {
        "username": "segunda.cuenta",
        "usable_password": "true",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-role": "area_staff",
        "profile-0-area": str(area.pk),
        "profile-0-directorate": str(area.directorate_id),
        "profile-0-supervisor_scope": "",
        "profile-0-can_view_sealed_identity": "on",
    }
    response = _session(people["alicia"]).post("/admin/auth/user/add/", body)

    created = get_user_model().objects.get(username="segunda.cuenta")
    assert response.status_code == 302
    assert UserProfile.objects.get(user=created).role == "area_staff"
    assert not _holds(created)
    assert not sealed_identity_visible_to(created)
    assert SealedRoleGrant.objects.count() == 0


def test_an_administrator_cannot_tick_the_role_when_editing_an_account(people):
    client = _session(people["alicia"])
    user = people["analista"]
    url = f"/admin/auth/user/{user.pk}/change/"
    page = client.get(url)
    body = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if name in page.context["adminform"].form.fields and value is not None
    }
    profile = UserProfile.objects.get(user=user)
    body.update(
        {
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-id": str(profile.pk),
            "profile-0-user": str(user.pk),
            "profile-0-role": "area_staff",
            "profile-0-area": str(profile.area_id),
            "profile-0-directorate": str(profile.directorate_id),
            "profile-0-supervisor_scope": "",
            "profile-0-can_view_sealed_identity": "on",
        }
    )
    body.pop("groups", None)
    body.pop("user_permissions", None)
    body.pop("last_login", None)
    body.pop("date_joined", None)
    body["is_active"] = "on"

    response = client.post(url, body)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert not _holds(user)


def test_create_user_has_no_way_to_set_the_role(people):
    command = load_command_class("accounts", "create_user")
    options = [
        option
        for action in command.create_parser("manage.py", "create_user")._actions
        for option in action.option_strings
    ]
    assert not [o for o in options if "sealed" in o or "integr" in o or "identity" in o]
    assert set(inspect.signature(user_create).parameters) == {
        "username",
        "role",
        "password",
        "placement",
    }
    with pytest.raises(TypeError):
        call_command(
            "create_user",
            "otra.cuenta",
            role="area_staff",
            password=TEST_PASSWORD,
            area="OPERACIONES_INTEGRIDAD",
            can_view_sealed_identity=True,
            stdout=StringIO(),
        )
    assert not get_user_model().objects.filter(username="otra.cuenta").exists()


def test_re_creating_an_account_does_not_touch_a_granted_role(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    sealed_role_approve(people["bruno"], grant.pk, timezone.now())
    call_command(
        "create_user",
        "analista",
        role="area_staff",
        password=TEST_PASSWORD,
        area="OPERACIONES_INTEGRIDAD",
        stdout=StringIO(),
    )
    assert _holds(people["analista"])


# --- The two-person rule ----------------------------------------------------------------------


def test_nobody_proposes_the_role_for_themselves(people):
    with pytest.raises(SealedRoleSelfGrant):
        sealed_role_propose(people["alicia"], people["alicia"], timezone.now())
    assert SealedRoleGrant.objects.count() == 0 and not _holds(people["alicia"])


def test_the_proposer_may_never_approve(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    with pytest.raises(SealedRoleSameAdministrator) as refused:
        sealed_role_approve(people["alicia"], grant.pk, timezone.now())
    assert "otra persona administradora" in str(refused.value.detail)
    assert SealedRoleGrant.objects.get().status == "proposed"
    assert not _holds(people["analista"])


def test_an_administrator_proposed_by_a_colleague_cannot_approve_their_own_grant(people):
    grant = sealed_role_propose(people["bruno"], people["carla"], timezone.now())
    with pytest.raises(SealedRoleSelfGrant):
        sealed_role_approve(people["carla"], grant.pk, timezone.now())
    with pytest.raises(SealedRoleSelfGrant):
        sealed_role_reject(people["carla"], grant.pk, timezone.now())
    assert SealedRoleGrant.objects.get().status == "proposed" and not _holds(people["carla"])


def test_only_administrators_propose_or_approve(people):
    with pytest.raises(NotAnAdministrator):
        sealed_role_propose(people["asesor"], people["analista"], timezone.now())
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    with pytest.raises(NotAnAdministrator):
        sealed_role_approve(people["asesor"], grant.pk, timezone.now())
    assert not _holds(people["analista"])


def test_two_administrators_grant_it_and_the_record_says_who_and_when(people):
    proposed_at = timezone.now()
    grant = sealed_role_propose(people["alicia"], people["analista"], proposed_at, "Denuncias 2026")
    assert not _holds(people["analista"])  # a proposal alone grants nothing
    with pytest.raises(SealedRoleAlreadyOpen):
        sealed_role_propose(people["carla"], people["analista"], timezone.now())

    approved_at = timezone.now()
    sealed_role_approve(people["bruno"], grant.pk, approved_at)

    row = SealedRoleGrant.objects.get()
    assert (row.for_user, row.status, row.reason) == (
        people["analista"],
        "approved",
        "Denuncias 2026",
    )
    assert (row.proposed_by, row.proposed_at) == (people["alicia"], proposed_at)
    assert (row.approved_by, row.approved_at) == (people["bruno"], approved_at)
    assert _holds(people["analista"])
    assert sealed_identity_visible_to(get_user_model().objects.get(pk=people["analista"].pk))


def test_revocation_clears_the_role_and_is_recorded(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    sealed_role_approve(people["bruno"], grant.pk, timezone.now())
    revoked_at = timezone.now()

    sealed_role_revoke(people["carla"], grant.pk, revoked_at)

    row = SealedRoleGrant.objects.get()
    assert (row.status, row.revoked_by, row.revoked_at) == ("revoked", people["carla"], revoked_at)
    assert not _holds(people["analista"])
    with pytest.raises(SealedRoleGrantNotActive):
        sealed_role_revoke(people["carla"], grant.pk, timezone.now())


def test_the_database_refuses_a_one_person_grant(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        SealedRoleGrant.objects.filter(pk=grant.pk).update(
            status="approved", approved_by=people["alicia"], approved_at=timezone.now()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SealedRoleGrant.objects.create(
            for_user=people["bruno"], proposed_by=people["bruno"], proposed_at=timezone.now()
        )


# --- The same in the administration ----------------------------------------------------------


def test_in_the_admin_one_proposes_and_another_approves(people):
    alicia, bruno = _session(people["alicia"]), _session(people["bruno"])

    proposed = alicia.post(
        f"{GRANTS_URL}add/", {"for_user": people["analista"].pk, "reason": "Denuncias"}
    )
    grant = SealedRoleGrant.objects.get()
    own_approval = _action(alicia, "approve", grant)
    assert not _holds(people["analista"])
    approved = _action(bruno, "approve", grant)

    assert proposed.status_code == 302
    assert (grant.proposed_by, grant.status) == (people["alicia"], "proposed")
    assert "otra persona administradora" in own_approval.content.decode()
    assert approved.status_code == 200
    assert SealedRoleGrant.objects.get().approved_by == people["bruno"]
    assert _holds(people["analista"])

    revoked = _action(alicia, "revoke", grant)
    assert revoked.status_code == 200
    assert SealedRoleGrant.objects.get().revoked_by == people["alicia"]
    assert not _holds(people["analista"])

    listing = alicia.get(GRANTS_URL).content.decode()
    assert "analista" in listing and "Revocada" in listing


def test_the_admin_refuses_a_proposal_for_oneself_with_its_reason(people):
    response = _session(people["alicia"]).post(
        f"{GRANTS_URL}add/", {"for_user": people["alicia"].pk, "reason": ""}
    )
    assert response.status_code == 200
    assert "Nadie puede proponer ni aprobar" in response.content.decode()
    assert SealedRoleGrant.objects.count() == 0


def test_grant_rows_are_never_edited_or_deleted_in_the_admin(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    client = _session(people["bruno"])
    change = client.post(f"{GRANTS_URL}{grant.pk}/change/", {"status": "approved"})
    delete = client.post(f"{GRANTS_URL}{grant.pk}/delete/", {"post": "yes"})
    assert change.status_code == 403 and delete.status_code == 403
    assert SealedRoleGrant.objects.get().status == "proposed"
    assert not _holds(people["analista"])


def test_the_record_is_visible_to_administrators_and_the_role_only(people):
    grant = sealed_role_propose(people["alicia"], people["analista"], timezone.now())
    sealed_role_approve(people["bruno"], grant.pk, timezone.now())
    colleague = staff("colega", "area_staff", area_code="OPERACIONES_INTEGRIDAD")

    pages = {
        name: _session(user).get("/integridad/concesiones/")
        for name, user in (
            ("holder", people["analista"]),
            ("admin", people["carla"]),
            ("agent", people["asesor"]),
            ("colleague", colleague),
        )
    }

    assert pages["agent"].status_code == 403 and pages["colleague"].status_code == 403
    for name in ("holder", "admin"):
        body = pages[name].content.decode()
        assert pages[name].status_code == 200
        assert all(text in body for text in ("analista", "administrador", "bruno", "Aprobada"))
