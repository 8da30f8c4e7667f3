"""Developer machine and `make run`: debug on, embedded SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo data (seed_demo, generate_history): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

# Demo users created by `make run` (seed_demo) share this local-only password.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="atencion-demo-2026")
