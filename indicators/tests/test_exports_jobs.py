"""Background exports: a job for a large export, its progress, completion (eager Celery),
owner-only download, idempotent runs, abandoned jobs, limits and the retention purge."""

import datetime as dt
import os

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from cases.events import Actor
from cases.storage import private_storage
from indicators.exports import builders
from indicators.exports.jobs import (
    BUILD_EXPORT_TASK,
    STALE_AFTER,
    export_job_run,
    export_jobs_purge,
)
from indicators.models import ExportJob, ExportStatus
from indicators.tasks import build_export, purge_expired_exports, sweep_export_jobs

from .support import as_dicts, cesi_case, csv_rows, portal_case, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_sync_limit(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.EXPORT_SYNC_MAX_ROWS = 2


@pytest.fixture
def three_cases(agent):  # type: ignore[no-untyped-def]
    desk = Actor(user=agent)
    return [cesi_case(desk), portal_case(desk), portal_case(desk)]


def _request(client, fmt="xlsx", consulta="cola=all"):  # type: ignore[no-untyped-def]
    return client.post("/exportaciones/casos/", {"formato": fmt, "consulta": consulta})


def _file(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_a_large_export_becomes_a_job_that_completes(
    client, supervisor, three_cases, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    # when the supervisor exports more rows than are answered at once
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _request(client)
    # then a job is recorded, its task queued on commit (run eagerly here), and the browser
    # goes to the job's page
    job = ExportJob.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == f"/exportaciones/{job.pk}/"
    assert (job.kind, job.format, job.requested_by) == ("cases", "xlsx", supervisor)
    assert (job.status, job.rows_done, job.rows_total) == ("done", 3, 3)
    assert job.title == "Casos: Todos"
    assert job.filename.startswith("casos-todos-") and job.filename.endswith(".xlsx")
    assert job.size == os.path.getsize(private_storage().path(job.file.name)) > 0
    # the page shows the download link, and the file holds the three cases
    page = client.get(response["Location"]).content.decode()
    assert f'href="/exportaciones/{job.pk}/descargar/"' in page
    assert "hx-trigger" not in page
    download = client.get(f"/exportaciones/{job.pk}/descargar/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert download["Cache-Control"] == "private, no-store"
    folios = [row["Folio"] for row in as_dicts(xlsx_rows(_file(download)))]
    assert sorted(folios) == sorted(case.folio for case in three_cases)


def test_progress_is_recorded_while_the_file_is_written(
    client, supervisor, three_cases, monkeypatch
):
    client.force_login(supervisor)
    _request(client, fmt="csv")  # the test's transaction never commits: the job waits
    job = ExportJob.objects.get()
    assert job.status == "pending"
    monkeypatch.setattr(builders, "PROGRESS_EVERY", 1)
    seen = []

    def clock():  # the job reads the clock at each progress update: look at the row then
        seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get(pk=job.pk))
        return timezone.now()

    export_job_run(job.pk, clock)

    # claimed; then rows_total known; then rows_done moving 1, 2, 3 before the job is done
    assert seen == [(0, None), (0, None), (0, 3), (1, 3), (2, 3), (3, 3)]
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("done", 3)
    assert len(csv_rows(private_storage().open(job.file.name).read())) == 4


def test_the_progress_fragment_polls_until_the_file_is_ready(client, supervisor):
    job = ExportJob.objects.create(
        requested_by=supervisor,
        kind="cases",
        format="csv",
        title="Casos: Todos",
        status="running",
        rows_done=2500,
        rows_total=10000,
    )
    client.force_login(supervisor)
    url = f"/exportaciones/{job.pk}/avance/"

    running = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in running
    assert '<progress id="barra" class="w-100" max="10000" value="2500">' in running
    assert "(25 %)" in running

    ExportJob.objects.filter(pk=job.pk).update(status="failed", error="Tardó demasiado.")
    failed = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in failed and "Tardó demasiado." in failed

    # without htmx the fragment's address leads to the page
    assert client.get(url)["Location"] == f"/exportaciones/{job.pk}/"


def test_only_the_owner_sees_or_downloads_a_job(
    client, supervisor, admin_user, three_cases, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client)
    job = ExportJob.objects.get()

    client.force_login(admin_user)
    for path in ("", "avance/", "descargar/"):
        response = client.get(f"/exportaciones/{job.pk}/{path}", HTTP_HX_REQUEST="true")
        assert response.status_code == 404, path
    assert job.title not in client.get("/exportaciones/").content.decode()

    client.logout()
    assert client.get(f"/exportaciones/{job.pk}/descargar/").status_code == 302  # to the login

    client.force_login(supervisor)
    listing = client.get("/exportaciones/").content.decode()
    assert job.title in listing and f"/exportaciones/{job.pk}/descargar/" in listing


def test_a_second_run_of_the_task_changes_nothing(
    client, supervisor, three_cases, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client)
    job = ExportJob.objects.get()

    assert build_export.delay(job.pk).get() is None
    assert export_job_run(job.pk) is None

    again = ExportJob.objects.get()
    assert (again.file.name, again.finished_at, again.status) == (
        job.file.name,
        job.finished_at,
        "done",
    )


def test_an_abandoned_job_is_built_again_and_a_live_one_is_left_alone(supervisor, three_cases):
    now = timezone.now()
    params = {
        "filters": {},
        "ordering": "-received_at",
        "now": now.isoformat(),
        "timezone": "America/Mexico_City",
        "queue_label": "Todos",
    }
    live = ExportJob.objects.create(
        requested_by=supervisor, kind="cases", format="csv", title="vivo", params=params,
        status="running", heartbeat_at=now - dt.timedelta(minutes=1),
    )  # fmt: skip
    dead = ExportJob.objects.create(
        requested_by=supervisor, kind="cases", format="csv", title="abandonado", params=params,
        status="running", heartbeat_at=now - STALE_AFTER - dt.timedelta(seconds=1),
    )  # fmt: skip

    assert export_job_run(live.pk, lambda: now) is None
    assert export_job_run(dead.pk, lambda: now).status == "done"
    assert ExportJob.objects.get(pk=live.pk).status == "running"
    assert ExportJob.objects.get(pk=dead.pk).rows_total == 3


def test_an_export_over_the_maximum_fails_with_a_reason(
    client, supervisor, three_cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client)
    job = ExportJob.objects.get()

    assert (job.status, job.file.name) == ("failed", "")
    assert job.error == "La exportación tendría 3 filas y el máximo es 2; acote los filtros."
    assert job.error in client.get(response["Location"]).content.decode()
    assert client.get(f"/exportaciones/{job.pk}/descargar/").status_code == 404


def test_files_are_removed_after_the_retention_period(
    client, supervisor, three_cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_RETENTION_DAYS = 7
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client)
    job = ExportJob.objects.get()
    path = private_storage().path(job.file.name)
    now = timezone.now()

    assert export_jobs_purge(now + dt.timedelta(days=6)) == 0
    assert os.path.exists(path)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=now - dt.timedelta(days=8))
    assert purge_expired_exports.delay().get() == 1
    assert export_jobs_purge(now) == 0  # idempotent

    job.refresh_from_db()
    assert (job.status, job.file.name) == (ExportStatus.EXPIRED, "")
    assert not os.path.exists(path)
    assert client.get(f"/exportaciones/{job.pk}/descargar/").status_code == 404
    assert "caducó" in client.get(f"/exportaciones/{job.pk}/").content.decode()


def test_the_beat_schedule_runs_the_purge_and_the_monthly_report(settings):
    from celery.schedules import crontab

    assert settings.CELERY_BEAT_SCHEDULE["purge-exports"]["task"] == (
        "indicators.tasks.purge_expired_exports"
    )
    monthly = settings.CELERY_BEAT_SCHEDULE["monthly-channel-report"]
    assert monthly["task"] == "indicators.tasks.send_monthly_report"
    assert monthly["schedule"] == crontab(minute=0, hour=7, day_of_month=1)
    assert settings.CELERY_TIMEZONE == "America/Mexico_City"


def test_a_job_is_queued_by_the_name_its_task_is_registered_under():
    # export_job_create queues by name (the tasks module imports the jobs module).
    assert import_string(BUILD_EXPORT_TASK) is build_export
    assert build_export.name == BUILD_EXPORT_TASK


def test_the_sweeper_queues_again_jobs_whose_message_was_lost(supervisor, three_cases):
    now = timezone.now()
    params = {
        "filters": {},
        "ordering": "-received_at",
        "now": now.isoformat(),
        "timezone": "America/Mexico_City",
        "queue_label": "Todos",
    }

    def job(**fields):  # type: ignore[no-untyped-def]
        return ExportJob.objects.create(
            requested_by=supervisor, kind="cases", format="csv", title="x", params=params, **fields
        )

    lost, fresh = job(), job()
    ExportJob.objects.filter(pk=lost.pk).update(created_at=now - dt.timedelta(minutes=3))
    dead = job(status="running", heartbeat_at=now - STALE_AFTER - dt.timedelta(minutes=1))

    assert sweep_export_jobs.delay().get() == 2  # tasks run in-process here

    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "done", dead.pk: "done", fresh.pk: "pending"}
