"""What the generator needs from the database, loaded once: catalog, offices, calendars, staff.

Staff: every active area gets at least `AREA_STAFF` members and every office that receives
cases an agent (existing users count; missing ones are created as `hist.*` users without a
usable password); each digital channel gets an API client `Historial <CODE>`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from accounts.models import ApiClient, Role, UserProfile
from accounts.services import api_client_create
from businesstime.calendar_spec import CalendarSpec
from cases.sla.policy import INSTITUTIONAL_CALENDAR
from catalog.models import Area, Service, ServiceChannel, SlaPolicy
from channels.models import BusinessCalendar, Channel, Office
from channels.selectors import calendar_spec_for
from infonavit_atencion.core.api_scopes import Scope

from .profiles import CHANNEL_SHARES

AREA_STAFF = 2
# Channels whose cases a person registers at a counter, on the phone or from the mail.
ATTENDED_KINDS = ("presencial", "telefonico", "escrito")


@dataclass(frozen=True)
class PolicyInfo:
    pk: int
    first_value: int | None
    first_unit: str
    value: int
    unit: str
    calendar_id: int | None
    warn_pct: int
    raise_priority: bool
    notify_supervisors: bool
    extension_value: int | None


@dataclass(frozen=True)
class ServiceInfo:
    pk: int
    code: str
    name: str
    kind: str
    directorate_id: int
    area_id: int
    first_contact: bool
    policy_id: int


@dataclass(frozen=True)
class OfficeInfo:
    pk: int
    timezone: str
    calendar_id: int
    central: bool


@dataclass
class Snapshot:
    channels: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → (id, kind)
    services: dict[int, ServiceInfo] = field(default_factory=dict)
    # channel id → [(service id, policy id)] of services offered there
    offer: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    policies: dict[int, PolicyInfo] = field(default_factory=dict)
    offices_by_channel: dict[int, list[OfficeInfo]] = field(default_factory=dict)
    institutional_calendar_id: int = 0
    area_directorate: dict[int, int] = field(default_factory=dict)
    area_codes: dict[int, str] = field(default_factory=dict)
    directorate_codes: dict[int, str] = field(default_factory=dict)
    area_members: dict[int, list[int]] = field(default_factory=dict)
    office_agent: dict[int, int] = field(default_factory=dict)
    any_agent: int = 0
    channel_client: dict[int, int] = field(default_factory=dict)
    specs: dict[int, CalendarSpec] = field(default_factory=dict)

    def spec(self, calendar_id: int) -> CalendarSpec:
        """The calendar as the SLA clock reads it, loaded once per run."""
        if calendar_id not in self.specs:
            self.specs[calendar_id] = calendar_spec_for(calendar_id)
        return self.specs[calendar_id]


def snapshot_load() -> Snapshot:
    snap = Snapshot()
    for channel in Channel.objects.filter(active=True, code__in=list(CHANNEL_SHARES)).order_by(
        "pk"
    ):
        snap.channels[channel.code] = (channel.pk, channel.kind)
    for policy in SlaPolicy.objects.order_by("pk"):
        snap.policies[policy.pk] = PolicyInfo(
            policy.pk, policy.first_response_value, policy.first_response_unit, policy.resolution_value,
            policy.resolution_unit, policy.calendar_id, policy.warn_pct,
            policy.escalate_raise_priority, policy.escalate_notify_supervisors,
            policy.extension_value,
        )  # fmt: skip
    for service in Service.objects.filter(active=True).order_by("pk"):
        snap.services[service.pk] = ServiceInfo(
            service.pk, service.code, service.name, service.kind, service.directorate_id,
            service.area_id, service.first_contact_resolution, service.sla_policy_id,
        )  # fmt: skip
    for link in ServiceChannel.objects.filter(
        active=True, service_id__in=list(snap.services)
    ).order_by("pk"):
        policy_id = link.sla_policy_id or snap.services[link.service_id].policy_id
        snap.offer.setdefault(link.channel_id, []).append((link.service_id, policy_id))
    for office in Office.objects.filter(active=True).order_by("pk").prefetch_related("channels"):
        info = OfficeInfo(
            office.pk, office.timezone, office.calendar_id, office.kind == Office.Kind.CENTRAL
        )
        for channel in office.channels.all():
            snap.offices_by_channel.setdefault(channel.pk, []).append(info)
    snap.institutional_calendar_id = BusinessCalendar.objects.get(code=INSTITUTIONAL_CALENDAR).pk
    for area in Area.objects.filter(active=True).select_related("directorate").order_by("pk"):
        snap.area_directorate[area.pk] = area.directorate_id
        snap.area_codes[area.pk] = area.code
        snap.directorate_codes[area.directorate_id] = area.directorate.code
    return snap


def _users_create(rows: list[tuple[str, dict]]) -> None:
    """Staff users without a usable password (they exist to have acted, not to log in)."""
    User = get_user_model()
    users = []
    for username, _profile in rows:
        user = User(username=username, is_active=True, email=f"{username}@example.com")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, ignore_conflicts=True)
    ids = dict(User.objects.filter(username__in=[u for u, _ in rows]).values_list("username", "pk"))
    UserProfile.objects.bulk_create(
        [UserProfile(user_id=ids[username], **profile) for username, profile in rows],
        ignore_conflicts=True,
    )


def staff_ensure(snap: Snapshot) -> None:
    """Fill the snapshot's staff pools, creating the missing `hist.*` users and API clients."""
    members: dict[int, list[int]] = defaultdict(list)
    agents: dict[int, int] = {}
    profiles = UserProfile.objects.filter(user__is_active=True).order_by("user_id")
    for user_id, role, area_id, office_id in profiles.values_list(
        "user_id", "role", "area_id", "office_id"
    ):
        if role == Role.AREA_STAFF and area_id in snap.area_directorate:
            members[area_id].append(user_id)
        elif role == Role.AGENT and office_id is not None:
            agents.setdefault(office_id, user_id)
    missing: list[tuple[str, dict]] = []
    for area_id, code in snap.area_codes.items():
        for n in range(len(members[area_id]) + 1, AREA_STAFF + 1):
            profile = {
                "role": Role.AREA_STAFF,
                "area_id": area_id,
                "directorate_id": snap.area_directorate[area_id],
            }
            missing.append((f"hist.{code.lower()}.{n}", profile))
    offices = {
        o.pk for channel_offices in snap.offices_by_channel.values() for o in channel_offices
    }
    office_codes = dict(Office.objects.filter(pk__in=offices).values_list("pk", "code"))
    for office_id in sorted(offices - set(agents)):
        missing.append(
            (
                f"hist.{office_codes[office_id].lower()}",
                {"role": Role.AGENT, "office_id": office_id},
            )
        )
    if missing:
        _users_create(missing)
        return staff_ensure(snap)
    snap.area_members = dict(members)
    snap.office_agent = agents
    snap.any_agent = min(agents.values())
    for code, (channel_id, kind) in snap.channels.items():
        if kind in ATTENDED_KINDS:
            continue
        name = f"Historial {code}"
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            client, _key = api_client_create(name, code, [Scope.CASES_READ, Scope.CASES_WRITE])
        snap.channel_client[channel_id] = client.pk
