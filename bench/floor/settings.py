"""The application's settings plus the floor's URLs (used only by `bench/api_bench.py`)."""

from infonavit_atencion.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.floor.urls"
