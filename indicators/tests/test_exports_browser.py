"""Exports in real Chromium: the queue's buttons send the filters the page shows (after htmx
changed them), a small export downloads at once, a large one shows its job page and its file.
Runs with the browser tests' fixtures; skipped without /usr/bin/chromium."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from cases.events import Actor
from indicators.models import ExportJob
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import (  # noqa: F401 (fixtures)
    _restore_reference_data,
    browser,
    log_in,
    page,
    reference_data,
    requires_chromium,
    screenshot,
)
from tests.support.cases import make_case, staff

from .support import CESI

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_the_queue_exports_what_it_shows(page, settings, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.EXPORT_SYNC_MAX_ROWS = 2
    # An agent: a supervisor's queue carries the bulk-action checkboxes, which htmx's settle
    # step currently gives an empty style attribute that the CSP reports (web/, not exports).
    staff("asesor", "agent", office_code=CESI)
    at_cesi = {"service": "PRECALIFICACION", "channel": "CESI", "office": CESI, "route": False}
    constancia = make_case(Actor(), subject="Constancia de intereses", **at_cesi)
    make_case(Actor(), subject="Pago no reflejado", **at_cesi)
    make_case(Actor(), subject="Pago duplicado", **at_cesi)

    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/casos/?cola=office")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(3)
    screenshot(page, "19-queue-export-buttons")
    # The search narrows the list in place (htmx): the export follows it.
    page.get_by_label("Buscar").fill("intereses")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("button", name="Exportar CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("casos-mi-oficina-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        exported = list(csv.DictReader(handle))
    assert [row["Folio"] for row in exported] == [constancia.folio]

    # Without the search: three cases, more than are answered at once → a job, built on
    # commit (tasks run in-process here), whose page offers the file.
    page.get_by_label("Buscar").fill("")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Exportar Excel").click()
    expect(page.get_by_role("heading", name="Casos: Mi oficina")).to_be_visible()
    job = ExportJob.objects.get()
    expect(page.locator("#avance")).to_have_attribute("data-status", "done")
    screenshot(page, "20-export-job")
    with page.expect_download() as info:
        page.locator("#descargar").click()
    workbook = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    assert workbook.worksheets[0].max_row == 4
    assert info.value.suggested_filename == job.filename

    page.get_by_role("link", name="Mis exportaciones").click()
    expect(page.locator("#exportaciones tbody tr")).to_have_count(1)
    screenshot(page, "21-my-exports")

    # A job still running: its bar, refreshed by htmx until the file is ready.
    running = ExportJob.objects.create(
        requested_by=job.requested_by, kind="cases", format="csv", title="Casos: Vencidos",
        status="running", rows_done=2500, rows_total=10000,
    )  # fmt: skip
    page.goto(f"/exportaciones/{running.pk}/")
    expect(page.locator("progress#barra")).to_have_attribute("value", "2500")
    screenshot(page, "22-export-progress")
    ExportJob.objects.filter(pk=running.pk).update(rows_done=10000)
    expect(page.locator("progress#barra")).to_have_attribute("value", "10000")
