"""The embedded mode (no REDIS_URL) starts quietly: no broker warning in the operator's console."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

QUEUE_ONE_TASK = """
import django
django.setup()
from infonavit_atencion.celery import app
from infonavit_atencion.core.queueing import enqueue_now
app.loader.import_default_modules()
assert app.conf.task_always_eager
assert enqueue_now(app.tasks["cases.tasks.purge_idempotency_keys"])
"""


def test_queueing_a_task_in_process_logs_no_broker_warning(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", QUEUE_ONE_TASK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    assert "succeeded" in done.stderr  # the task ran, in this process
