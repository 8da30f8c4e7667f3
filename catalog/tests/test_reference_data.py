"""The seeded reference data meets SPEC §11 and loads idempotently."""

import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalog.models import Area, CaseKind, Directorate, Service, ServiceChannel, SlaPolicy, SlaUnit
from catalog.reference_data import DEFAULT_DIRECTORY, ReferenceDataError, reference_data_load
from channels.models import BusinessCalendar, CalendarException, Channel, Office

pytestmark = pytest.mark.django_db


def test_directorates_are_the_three_of_the_estatuto_with_at_least_two_areas_each():
    codes = set(Directorate.objects.values_list("code", flat=True))
    assert {"CREDITO", "CARTERA", "OPERACIONES"} <= codes
    for code in ("CREDITO", "CARTERA", "OPERACIONES"):
        assert Area.objects.filter(directorate__code=code, active=True).count() >= 2


def test_channels_of_the_spec_exist_with_kind_and_ownership():
    expected = {
        "CESI",
        "DELEGACION",
        "INFONATEL",
        "MICUENTA",
        "APP",
        "CORREO",
        "WHATSAPP",
        "ESCRITO",
        "ENTIDAD_FINANCIERA",
        "PATRON",
    }
    assert expected <= set(Channel.objects.values_list("code", flat=True))
    assert Channel.objects.get(code="CESI").kind == Channel.Kind.PRESENCIAL
    assert Channel.objects.get(code="PATRON").ownership == Channel.Ownership.EXTERNO


def test_offices_cover_every_state_and_timezone():
    assert Office.objects.count() >= 60
    delegaciones = Office.objects.filter(kind=Office.Kind.DELEGACION)
    assert sorted(delegaciones.values_list("state", flat=True)) == [
        f"{n:02d}" for n in range(1, 33)
    ]
    zones = set(Office.objects.values_list("timezone", flat=True))
    assert zones == {
        "America/Mexico_City",
        "America/Cancun",
        "America/Merida",
        "America/Monterrey",
        "America/Chihuahua",
        "America/Ciudad_Juarez",
        "America/Hermosillo",
        "America/Mazatlan",
        "America/Tijuana",
    }


@pytest.mark.parametrize(
    ("office", "timezone"),
    [
        ("CESI_TIJUANA", "America/Tijuana"),
        ("CESI_CANCUN", "America/Cancun"),
        ("CESI_MERIDA", "America/Merida"),
        ("CESI_MONTERREY", "America/Monterrey"),
        ("CESI_CHIHUAHUA", "America/Chihuahua"),
        ("CESI_CIUDAD_JUAREZ", "America/Ciudad_Juarez"),
        ("CESI_HERMOSILLO", "America/Hermosillo"),
        ("CESI_MAZATLAN", "America/Mazatlan"),
        ("DEL_CDMX", "America/Mexico_City"),
    ],
)
def test_offices_in_special_zones_have_the_right_timezone_and_a_calendar_in_it(office, timezone):
    row = Office.objects.select_related("calendar").get(code=office)
    assert row.timezone == timezone
    assert row.calendar.timezone == timezone
    ZoneInfo(row.timezone)  # a real IANA zone


def test_every_cesi_hangs_from_a_delegacion_of_its_state():
    for cesi in Office.objects.filter(kind=Office.Kind.CESI).select_related("parent"):
        assert cesi.parent is not None, cesi.code
        assert cesi.parent.kind == Office.Kind.DELEGACION
        assert cesi.parent.state == cesi.state, cesi.code


def test_catalog_has_forty_services_across_every_kind_and_every_sla_unit():
    active = Service.objects.filter(active=True)
    assert active.count() >= 40
    assert set(active.values_list("kind", flat=True)) == set(CaseKind.values)
    units = set(active.values_list("sla_policy__resolution_unit", flat=True)) | set(
        active.exclude(sla_policy__first_response_unit="").values_list(
            "sla_policy__first_response_unit", flat=True
        )
    )
    assert units == set(SlaUnit.values)
    for service in active.select_related("area"):
        assert service.area.directorate_id == service.directorate_id, service.code
        assert service.channel_links.filter(active=True).exists(), service.code


@pytest.mark.parametrize("kind", ["complaint", "report"])
def test_a_queja_and_a_denuncia_can_be_registered_on_a_presencial_channel(kind):
    assert ServiceChannel.objects.filter(
        service__kind=kind, service__active=True, channel__kind=Channel.Kind.PRESENCIAL, active=True
    ).exists()


def test_known_legal_terms_are_used():
    policies = {(p.resolution_value, p.resolution_unit) for p in SlaPolicy.objects.all()}
    assert (20, "business_days") in policies
    assert (30, "calendar_days") in policies


def test_2026_dias_inhabiles_are_official_holidays_so_no_exception_is_added():
    # The 2026 DOF notice lists only the seven LFT days, all already official holidays.
    assert not CalendarException.objects.filter(date__year=2026).exists()


def _history_rows() -> int:
    return sum(
        model.history.count()  # type: ignore[attr-defined]
        for model in (
            Channel,
            BusinessCalendar,
            Office,
            Directorate,
            Area,
            SlaPolicy,
            Service,
            ServiceChannel,
        )
    )


def test_a_second_load_changes_nothing():
    # Given the reference data already loaded (session fixture)
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Office, Service, SlaPolicy, Area)
    }
    history_before = _history_rows()
    # When it is loaded again
    report = reference_data_load()
    # Then nothing is created or updated, and no history row is written
    assert report.changed == 0
    assert {model: list(model.objects.order_by("pk").values()) for model in before} == before
    assert _history_rows() == history_before


def test_an_edited_file_updates_the_row_and_records_history(tmp_path: Path):
    data = tmp_path / "reference_data"
    shutil.copytree(DEFAULT_DIRECTORY, data)
    path = data / "channels.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("active: true", "active: false", 1),
        encoding="utf-8",
    )

    report = reference_data_load(data)

    assert report.counts["channels:updated"] == 1
    changed = Channel.objects.get(active=False)
    assert changed.history.count() == 2


def test_a_reload_rewrites_a_deployed_service_description():
    # Given a database loaded before the descriptions were rewritten in "usted"
    Service.objects.filter(code="PRECALIFICACION").update(
        description="Consulta cuántos puntos tienes y cuánto te puede prestar el Infonavit."
    )
    # When the reference data is loaded again
    report = reference_data_load()
    # Then that service, and only it, now reads as the file says
    assert report.counts["services:updated"] == 1
    assert report.changed == 1
    description = Service.objects.get(code="PRECALIFICACION").description
    assert description.startswith("Consulte cuántos puntos tiene y cuánto le puede prestar")


def test_a_day_of_a_dof_notice_that_is_not_a_holiday_closes_every_calendar(tmp_path: Path):
    data = tmp_path / "reference_data"
    shutil.copytree(DEFAULT_DIRECTORY, data)
    (data / "dias_inhabiles" / "2027.yaml").write_text(
        "year: 2027\nsource: DOF de prueba\ncalendars: all\ndays:\n"
        "  - {date: 2027-01-01, name: Año Nuevo}\n"
        "  - {date: 2027-11-02, name: Día de Muertos}\n",
        encoding="utf-8",
    )

    reference_data_load(data)

    closed = CalendarException.objects.filter(date="2027-11-02", closed=True)
    assert closed.count() == BusinessCalendar.objects.count()
    assert not CalendarException.objects.filter(
        date="2027-01-01"
    ).exists()  # official holiday already


def test_a_broken_reference_writes_nothing(tmp_path: Path):
    data = tmp_path / "reference_data"
    shutil.copytree(DEFAULT_DIRECTORY, data)
    services = data / "services.yaml"
    services.write_text(
        re.sub(
            r"(?m)^(\s+sla_policy: )",
            r"\1NO_EXISTE_",
            services.read_text(encoding="utf-8"),
            count=1,
        ),
        encoding="utf-8",
    )
    channels = data / "channels.yaml"
    channels.write_text(
        channels.read_text(encoding="utf-8").replace("active: true", "active: false", 1),
        encoding="utf-8",
    )

    with pytest.raises(ReferenceDataError, match="NO_EXISTE_"):
        reference_data_load(data)

    assert not Channel.objects.filter(active=False).exists()
