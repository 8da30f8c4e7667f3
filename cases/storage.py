"""Private storage for attachments: outside any URL; served only through permission checks."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def attachment_path(instance: object, filename: str) -> str:
    # Never trust the uploaded name for the path: the content hash names the file.
    case_id = getattr(instance, "case_id", "sin-caso")
    digest = getattr(instance, "sha256", "") or "pendiente"
    return f"casos/{case_id}/{digest}"
