"""Duplicate contacts in the browser (issue 19, item 11): who may, what is shown, what is logged."""

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent
from contacts.models import Contact, ContactAccessLog, ContactMerge
from tests.support.cases import ContactFactory, make_case, staff

pytestmark = pytest.mark.django_db

NSS = "92919084431"
CURP = "GAPA050101MDFRRNA3"


@pytest.fixture
def ana_twice(agent):
    """Ana with a case by NSS and a case by CURP: two records of one person."""
    kept = make_case(Actor(user=agent), contact=ContactFactory(nss=NSS))
    moved = make_case(Actor(user=agent), contact=ContactFactory(nss=None, curp=CURP))
    return kept, moved


def _state():
    return (
        list(Contact.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values("pk", "contact_id", "version")),
        CaseEvent.objects.count(),
        ContactMerge.objects.count(),
    )


def _url(source: int, target: int) -> str:
    return f"/contactos/{source}/combinar/{target}/"


def test_a_supervisor_finds_previews_and_merges_with_a_reason(client, supervisor, ana_twice):
    kept, moved = ana_twice
    client.force_login(supervisor)

    found = client.get("/contactos/duplicados/", {"curp": CURP.lower()})
    assert found.status_code == 200
    pairs = [(p.source.pk, p.target.pk, p.mergeable) for p in found.context["pairs"]]
    assert pairs == [(kept.contact_id, moved.contact_id, True)]

    # The preview, as a supervisor sees it: identifiers masked, nothing logged
    preview = client.get(_url(moved.contact_id, kept.contact_id))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert CURP not in html and NSS not in html and "*******4431" in html
    assert "Se mueve 1 caso del contacto combinado al conservado." in html
    assert ContactAccessLog.objects.count() == 0

    merged = client.post(_url(moved.contact_id, kept.contact_id), {"reason": "Misma persona."})

    assert merged.status_code == 302
    assert merged["Location"] == f"/contactos/{kept.contact_id}/historial/"
    assert Case.objects.get(pk=moved.pk).contact_id == kept.contact_id
    record = ContactMerge.objects.get()
    assert (record.source_id, record.target_id, record.reason, record.user) == (
        moved.contact_id,
        kept.contact_id,
        "Misma persona.",
        supervisor,
    )
    history = client.get(merged["Location"]).content.decode()
    assert moved.folio in history and "Misma persona." in history


def test_an_administrator_sees_the_identifiers_and_the_view_is_logged(
    client, admin_user, ana_twice
):
    kept, moved = ana_twice
    client.force_login(admin_user)

    html = client.get(_url(moved.contact_id, kept.contact_id)).content.decode()

    assert CURP in html and NSS in html
    assert sorted(
        ContactAccessLog.objects.values_list("contact_id", "user__username", "reason")
    ) == sorted(
        [
            (moved.contact_id, "administrador", "contact_merge"),
            (kept.contact_id, "administrador", "contact_merge"),
        ]
    )


@pytest.mark.parametrize("role", ["agent", "area_staff"])
def test_agents_and_area_staff_get_403_and_change_nothing(client, ana_twice, role, request):
    kept, moved = ana_twice
    user = request.getfixturevalue(role)
    client.force_login(user)
    before = _state()

    assert client.get("/contactos/duplicados/", {"curp": CURP}).status_code == 403
    assert client.get(_url(moved.contact_id, kept.contact_id)).status_code == 403
    posted = client.post(_url(moved.contact_id, kept.contact_id), {"reason": "x"})
    assert posted.status_code == 403
    assert client.get(f"/contactos/{kept.contact_id}/historial/").status_code == 403
    assert _state() == before
    assert ContactAccessLog.objects.count() == 0


def test_anonymous_users_go_to_the_login_page(client, ana_twice):
    kept, moved = ana_twice
    response = client.get(_url(moved.contact_id, kept.contact_id))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_merging_a_contact_into_itself_is_refused_in_spanish(client, supervisor, ana_twice):
    kept, _ = ana_twice
    client.force_login(supervisor)
    before = _state()

    shown = client.get(_url(kept.contact_id, kept.contact_id)).content.decode()
    posted = client.post(_url(kept.contact_id, kept.contact_id), {"reason": "x"})

    assert "No se puede fusionar un contacto consigo mismo." in shown
    assert 'id="id_reason"' not in shown  # no form to confirm
    assert posted.status_code == 409
    assert "No se puede fusionar un contacto consigo mismo." in posted.content.decode()
    assert _state() == before


def test_merging_an_already_merged_contact_is_refused(client, supervisor, ana_twice):
    kept, moved = ana_twice
    client.force_login(supervisor)
    client.post(_url(moved.contact_id, kept.contact_id), {"reason": "Misma persona."})
    third = Contact.objects.create(given_names="Ana", first_surname="Pérez")
    before = _state()

    posted = client.post(_url(moved.contact_id, third.pk), {"reason": "Otra vez."})

    assert posted.status_code == 409
    assert f"El contacto {moved.contact_id} ya fue fusionado en otro." in posted.content.decode()
    assert _state() == before
    merged_page = client.get(f"/contactos/{moved.contact_id}/historial/").content.decode()
    assert 'id="combinado-en"' in merged_page


def test_a_merge_without_a_reason_is_refused(client, supervisor, ana_twice):
    kept, moved = ana_twice
    client.force_login(supervisor)
    before = _state()

    posted = client.post(_url(moved.contact_id, kept.contact_id), {"reason": "  "})

    assert posted.status_code == 400
    assert _state() == before


def test_a_missing_contact_is_404(client, supervisor, ana_twice):
    kept, _ = ana_twice
    client.force_login(supervisor)
    assert client.get(_url(kept.contact_id + 1000, kept.contact_id)).status_code == 404
    assert client.get(f"/contactos/{kept.contact_id + 1000}/historial/").status_code == 404


def test_names_are_escaped(client, supervisor, agent):
    evil = "<script>alert(1)</script>"
    kept = make_case(Actor(user=agent), contact=ContactFactory(given_names=evil))
    moved = make_case(
        Actor(user=agent), contact=ContactFactory(given_names=evil, nss=None, curp=CURP)
    )
    client.force_login(supervisor)

    pages = [
        client.get("/contactos/duplicados/", {"curp": CURP}),
        client.get(_url(moved.contact_id, kept.contact_id)),
        client.get(f"/contactos/{kept.contact_id}/historial/"),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html


def test_the_search_needs_an_identifier_or_a_name_with_a_birth_date(client, supervisor):
    client.force_login(supervisor)

    response = client.get("/contactos/duplicados/", {"name": "Pérez Ana"})

    assert response.status_code == 400
    assert "Escriba un NSS, una CURP, o un nombre con su fecha de nacimiento." in (
        response.content.decode()
    )


def test_a_supervisor_of_another_office_does_not_see_the_moved_cases_folios(client, ana_twice):
    kept, moved = ana_twice
    tijuana = staff("sup_tijuana", "supervisor", office_code="CESI_TIJUANA")
    client.force_login(tijuana)

    html = client.get(_url(moved.contact_id, kept.contact_id)).content.decode()

    assert "Se mueve 1 caso" in html
    assert moved.folio not in html


def test_the_case_page_links_supervisors_to_the_contacts_duplicates(
    client, agent, supervisor, ana_twice
):
    kept, moved = ana_twice
    link = f"/contactos/duplicados/?contacto={moved.contact_id}"

    client.force_login(supervisor)
    assert link in client.get(f"/casos/{moved.folio}/").content.decode()
    found = client.get(link)
    assert [(p.source.pk, p.target.pk) for p in found.context["pairs"]] == [
        (kept.contact_id, moved.contact_id)
    ]

    client.force_login(agent)
    assert link not in client.get(f"/casos/{moved.folio}/").content.decode()
