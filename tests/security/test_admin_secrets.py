"""The administration never answers questions about a secret or a personal identifier (SPEC §9).

Django's changelist filters by any lookup on a model's own fields given in the query string, so
``?sealed_reporter_identity__startswith=Z`` used to answer "some rows match" and a secret could be
recovered one character at a time. Every registered admin mixes in the guard of
``infonavit_atencion.core.admin_guard``: a lookup on a secret, or on a fragment of a personal
identifier, is a 400; search and ordering leave those fields out; no page prints a secret.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from accounts.models import UserProfile
from cases.events import Actor
from cases.models import Case
from cases.services import CaseInput, case_create
from contacts.models import AccessReason, Contact, ContactAccessLog
from infonavit_atencion.core.admin_guard import (
    PROTECTED_FIELDS,
    GuardedAdminMixin,
    GuardedInlineMixin,
    Secrecy,
    configuration_problems,
    protected_in_path,
)
from webhooks.models import WebhookSubscription

from .support import ANA_CURP, ANA_NSS, World

pytestmark = pytest.mark.django_db

IDENTITY = "Zacarías Reservado Quintero, 55 9876 5432"
MARKER = "Reservado Quintero"
SECRET_PROBES = ("", "__startswith", "__istartswith", "__contains", "__gte", "__isnull")
PERSONAL_PROBES = ("__startswith", "__icontains", "__endswith", "__gte", "__lt", "__length")


def _admin_url(model: type[Model], view: str = "changelist", *args: object) -> str:
    opts = model._meta
    tail = "".join(f"{arg}/" for arg in args)
    suffix = {"changelist": "", "change": "change/", "history": "history/", "delete": "delete/"}
    return f"/admin/{opts.app_label}/{opts.model_name}/{tail}{suffix[view]}"


def _protected_paths(model: type[Model]) -> Iterator[tuple[str, Secrecy]]:
    """Every protected field reachable from `model`: its own and through one relation."""
    for name, secrecy in PROTECTED_FIELDS.get(model._meta.label, {}).items():
        yield name, secrecy
    for field in model._meta.get_fields():
        related = field.related_model if field.is_relation else None
        if related is None or related is model:
            continue
        query_name = field.name
        for name, secrecy in PROTECTED_FIELDS.get(related._meta.label, {}).items():
            yield f"{query_name}__{name}", secrecy


def _probes(model: type[Model]) -> list[str]:
    probes = []
    for path, secrecy in _protected_paths(model):
        suffixes = PERSONAL_PROBES if secrecy is Secrecy.PERSONAL else SECRET_PROBES
        probes.extend(f"{path}{suffix}" for suffix in suffixes)
    return probes


@pytest.fixture
def denuncia(world: World) -> Case:
    """An anonymous denuncia whose reporter left an identity."""
    case = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="MICUENTA",
            anonymous=True,
            sealed_reporter_identity=IDENTITY,
            description="Un gestor cobra por el trámite en la puerta del Cesi.",
        ),
        Actor(user=world.users["agent"]),
        timezone.now(),
    ).case
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def secrets(world: World, denuncia: Case) -> list[str]:
    """Every secret value the world holds: none may appear on any admin page."""
    values = [IDENTITY, MARKER, denuncia.tracking_code, world.case.tracking_code]
    values += list(WebhookSubscription.objects.values_list("secret", flat=True))
    values += [client.key_digest for client in world.clients.values()]
    values += list(User.objects.values_list("password", flat=True))
    assert all(values)
    return values


def _probe_value(path: str, world: World, denuncia: Case) -> str:
    """The true first character of the probed value: a leaking filter would match rows."""
    if path.endswith("__isnull"):
        return "False"
    if path.endswith("__length"):
        return "11"
    field = path.rsplit("__", 1)[0] if "__" in path else path
    for name, value in (
        ("sealed_reporter_identity", IDENTITY),
        ("tracking_code", denuncia.tracking_code),
        ("nss", ANA_NSS),
        ("curp", ANA_CURP),
    ):
        if name in field:
            return value[0]
    return "a"


def test_every_registered_admin_and_inline_is_guarded_and_declares_no_secret():
    """A model registered later without the guard (or listing a secret) fails here."""
    unguarded, problems = [], {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, GuardedAdminMixin):
            unguarded.append(model._meta.label)
        unguarded += [
            f"{model._meta.label}: {inline.__name__}"
            for inline in model_admin.inlines
            if not issubclass(inline, GuardedInlineMixin)
        ]
        if found := configuration_problems(model_admin):
            problems[model._meta.label] = found
    assert unguarded == []
    assert problems == {}


@pytest.mark.parametrize("username", ["admin", "integrity_admin"])
def test_no_changelist_filters_by_a_secret_or_a_fragment_of_an_identifier(
    world: World, denuncia: Case, username: str
):
    if username == "integrity_admin":  # the dedicated role changes nothing in the admin
        UserProfile.objects.filter(user=world.users["admin"]).update(can_view_sealed_identity=True)
    client = world.session("admin")
    answered = {}
    probed = 0
    for model in admin.site._registry:
        for lookup in _probes(model):
            response = client.get(
                _admin_url(model), {lookup: _probe_value(lookup, world, denuncia)}
            )
            probed += 1
            if response.status_code != 400:
                answered[f"{model._meta.label}?{lookup}"] = response.status_code
    assert probed > 100
    assert answered == {}


def test_the_probes_reach_the_known_leaks(world: World):
    """The generated probes include the attacks reported, so the test above covers them."""
    assert "sealed_reporter_identity__startswith" in _probes(Case)
    assert "tracking_code__startswith" in _probes(Case)
    assert "contact__nss__startswith" in _probes(Case)
    assert "secret__startswith" in _probes(WebhookSubscription)
    assert {f"{f}__startswith" for f in ("nss", "curp", "email", "phone", "rfc")} <= set(
        _probes(Contact)
    )
    assert "case__sealed_reporter_identity__startswith" in _probes(ContactAccessLog)


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Case, "tracking_code__lower__startswith"),
        (Case, "contact__nss__exact"),
        (Contact, "cases__sealed_reporter_identity__startswith"),
        (Contact, "cases__tracking_code"),
        (ContactAccessLog, "case__sealed_reporter_identity__in"),
        (ContactAccessLog, "user__password__startswith"),
    ],
)
def test_lookups_through_transforms_and_reverse_relations_are_refused(
    world, denuncia, model, lookup
):
    response = world.session("admin").get(_admin_url(model), {lookup: "Z"})
    assert response.status_code == 400


def test_an_identifier_is_still_found_by_its_exact_value(world: World):
    """The exact value (what a caller dictates) finds the contact, masked; a fragment does not."""
    client = world.session("admin")
    exact = client.get(_admin_url(Contact), {"nss": ANA_NSS})
    by_search = client.get(_admin_url(Contact), {"q": ANA_NSS})
    by_fragment = client.get(_admin_url(Contact), {"q": ANA_NSS[:5]})
    assert exact.status_code == 200 and exact.context["cl"].result_count == 1
    assert by_search.context["cl"].result_count == 1
    assert by_fragment.context["cl"].result_count == 0
    assert "*******4431" in exact.content.decode()
    assert ContactAccessLog.objects.count() == 0


def test_staff_who_may_not_open_contacts_cannot_search_the_log_by_their_identifiers(world: World):
    """The access log's exact-NSS search is for whoever sees the contact whole."""
    auditor = User.objects.create_user("auditor", is_staff=True)
    auditor.user_permissions.add(
        Permission.objects.get(content_type__app_label="contacts", codename="view_contactaccesslog")
    )
    ContactAccessLog.objects.create(
        contact=world.case.contact,
        user=world.users["agent"],
        reason=AccessReason.CASE_PAGE,
        at=timezone.now(),
    )
    client = Client()
    client.force_login(auditor)
    url = _admin_url(ContactAccessLog)

    as_auditor = client.get(url, {"q": ANA_NSS})
    as_admin = world.session("admin").get(url, {"q": ANA_NSS})

    assert as_auditor.status_code == 200 and as_auditor.context["cl"].result_count == 0
    assert as_admin.context["cl"].result_count == 1


def test_no_column_orders_a_list_by_a_protected_field(world: World, denuncia: Case):
    """``?o=N`` sorts by the N-th column: none of them may be a secret or an identifier."""
    client = world.session("admin")
    ordered_by = {}
    for model, model_admin in admin.site._registry.items():
        columns = len(model_admin.list_display) + 1
        for index in range(columns):
            for order in (str(index), f"-{index}"):
                response = client.get(_admin_url(model), {"o": order})
                assert response.status_code == 200, (model, order)
                for term in response.context["cl"].queryset.query.order_by:
                    path = str(term).lstrip("-")
                    if protected_in_path(model, path) is not None:
                        ordered_by[f"{model._meta.label}?o={order}"] = path
    assert ordered_by == {}


def _pages(world: World, denuncia: Case) -> list[str]:
    """Every list, change, history and delete page of every registered admin with a row."""
    urls = []
    for model in admin.site._registry:
        urls.append(_admin_url(model))
        for pk in model._default_manager.values_list("pk", flat=True)[:3]:
            urls += [_admin_url(model, view, pk) for view in ("change", "history", "delete")]
    return urls


@pytest.mark.parametrize("username", ["admin", "integrity_admin"])
def test_no_admin_page_prints_a_secret(world: World, denuncia: Case, secrets, username):
    if username == "integrity_admin":
        UserProfile.objects.filter(user=world.users["admin"]).update(can_view_sealed_identity=True)
    client = world.session("admin")
    leaks = {}
    pages = _pages(world, denuncia)
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        body = response.content.decode()
        found = [value for value in secrets if value in body]
        if found:
            leaks[url] = found
    assert len(pages) > 40
    assert leaks == {}
    assert not ContactAccessLog.objects.filter(reason=AccessReason.SEALED_IDENTITY).exists()


def test_the_change_history_of_a_contact_names_fields_never_values(world: World):
    client = world.session("admin")
    contact = world.case.contact
    url = _admin_url(Contact, "change", contact.pk)
    form = client.get(url).context["adminform"].form
    body = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    body["phone"] = "5512345678"

    saved = client.post(url, body)
    history = client.get(_admin_url(Contact, "history", contact.pk)).content.decode()

    assert saved.status_code == 302
    assert Contact.objects.get(pk=contact.pk).phone == "5512345678"
    assert "5512345678" not in history and ANA_NSS not in history


def test_opening_a_contact_in_the_admin_writes_one_access_log_row(world: World):
    client = world.session("admin")
    contact = world.case.contact

    opened = client.get(_admin_url(Contact, "change", contact.pk))
    history = client.get(_admin_url(Contact, "history", contact.pk))
    listing = client.get(_admin_url(Contact))

    assert ANA_NSS in opened.content.decode()
    assert ANA_NSS not in history.content.decode() + listing.content.decode()
    rows = list(
        ContactAccessLog.objects.values_list("user__username", "contact_id", "case_id", "reason")
    )
    assert rows == [("administrador", contact.pk, None, AccessReason.ADMIN)]


def test_the_user_page_keeps_the_masked_password_summary_and_its_form(world: World):
    admin_user = world.users["admin"]
    page = world.session("admin").get(f"/admin/auth/user/{admin_user.pk}/change/")
    assert page.status_code == 200
    assert 'href="../password/"' in page.content.decode()
    assert admin_user.password not in page.content.decode()


def test_the_case_page_of_the_admin_leaves_out_the_contact_details_the_case_came_with(world: World):
    # Those details are personal data shown on the case page masked (a full view is logged);
    # the admin's read-only case page has no such log, so it must not print them at all.
    case = Case.objects.get(pk=world.case.pk)
    assert case.contact_nss == ANA_NSS and case.contact_curp == ANA_CURP
    page = world.session("admin").get(_admin_url(Case, "change", case.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert ANA_NSS not in body and ANA_CURP not in body
    assert not ContactAccessLog.objects.filter(case=case).exists()
