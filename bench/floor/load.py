"""Create the floor's database and fill its table (run by bench/api_bench.py in its own process).

    FLOOR_DATABASE_URL=... python -m bench.floor.load --rows 1000000

Migrates auth and authtoken, creates the table with the indexes a list and a detail need and
fills it with generate_series in one statement, then ANALYZE; prints a token of a bench user.
Reuses the rows already there when there are enough.
"""

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

TABLE = """
CREATE TABLE IF NOT EXISTS floor_case (
    id bigserial PRIMARY KEY,
    folio varchar(30) NOT NULL UNIQUE,
    status varchar(20) NOT NULL,
    channel varchar(20) NOT NULL,
    service varchar(60) NOT NULL,
    kind varchar(20) NOT NULL,
    description text NOT NULL,
    given_names varchar(100) NOT NULL,
    first_surname varchar(100) NOT NULL,
    email varchar(254) NOT NULL,
    received_at timestamptz NOT NULL,
    resolution_due_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS floor_case_received_idx ON floor_case (received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS floor_case_status_idx
    ON floor_case (status, channel, received_at DESC, id DESC);
"""
# A year of cases, newest last; statuses and channels in roughly the application's proportions.
FILL = """
INSERT INTO floor_case (folio, status, channel, service, kind, description, given_names,
    first_surname, email, received_at, resolution_due_at, created_at, updated_at)
SELECT 'PISO-' || lpad(g::text, 10, '0'),
    (ARRAY['resolved','closed','closed','closed','assigned','in_progress','waiting','new'])[1 + g %% 8],
    (ARRAY['MICUENTA','CESI','TELEFONO','APP','CORREO'])[1 + (g / 8) %% 5],
    'QUEJA_CANALES_DIGITALES', 'complaint',
    'Solicitud de prueba número ' || g || ': el derechohabiente pide revisar su crédito.',
    'Ana', 'Pérez', 'ana' || g || '@example.com',
    now() - interval '365 days' + g * (interval '365 days' / %(rows)s),
    now() - interval '355 days' + g * (interval '365 days' / %(rows)s),
    now(), now()
FROM generate_series(%(start)s, %(rows)s) AS g
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(TABLE)
        cursor.execute("SELECT count(*) FROM floor_case")
        have = cursor.fetchone()[0]
        if have < rows:
            cursor.execute(FILL, {"start": have + 1, "rows": rows})
        cursor.execute("ANALYZE floor_case")
    user, _ = User.objects.get_or_create(username="floor-bench")
    token, _ = Token.objects.get_or_create(user=user)
    print(token.key)


if __name__ == "__main__":
    main()
