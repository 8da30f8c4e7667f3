"""Test runs: fast hashing, in-memory e-mail; the database comes from DATABASE_URL (CI: PostgreSQL)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env

DEBUG = False
# The demo data generator and its commands are tested too; production does not install them.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-private"))

# Tasks run in-process in unit tests; the real-worker tests start a worker and say so explicitly.
CELERY_TASK_ALWAYS_EAGER = True
