"""`manage.py ensure_database` (run by `make run` / `make test`): README's PostgreSQL line works
on a server where the database does not exist yet (SPEC §11)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _ensure(database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "ensure_database"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "localhost",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }


def _exists(name: str) -> bool:
    with psycopg2.connect(dbname="postgres", **_server()) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL); CI sets it")
def test_a_missing_database_is_created_once():
    name = f"ensure_{uuid.uuid4().hex[:12]}"
    server = _server()
    credentials = (
        f"{server['user']}:{server['password']}@" if server["password"] else f"{server['user']}@"
    )
    url = f"postgres://{credentials}{server['host']}:{server['port']}/{name}"
    try:
        first = _ensure(url)
        second = _ensure(url)

        assert first.returncode == 0, first.stderr
        assert (
            first.stdout.strip()
            == f"Base de datos «{name}» creada en {server['host']}:{server['port']}."
        )
        assert _exists(name)
        assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    finally:
        conn = psycopg2.connect(dbname="postgres", **server)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.close()


def test_an_unreachable_server_is_one_spanish_sentence_and_a_failure():
    # Nothing listens on this port.
    done = _ensure("postgres://postgres@127.0.0.1:6391/atencion")

    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("CommandError: No se pudo conectar a PostgreSQL en 127.0.0.1:6391: ")


def test_sqlite_needs_nothing(tmp_path):
    done = _ensure(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
