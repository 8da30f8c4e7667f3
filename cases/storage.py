"""Private storage for attachments: outside any URL; served only through permission checks."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, read on each use (tests may move it)."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError(
            "Attachments have no public URL; stream them through a permission-checked view."
        )


_PRIVATE = PrivateStorage()


def private_storage() -> FileSystemStorage:
    return _PRIVATE


def attachment_path(instance: object, filename: str) -> str:
    # Never trust the uploaded name for the path: the content hash names the file.
    case_id = getattr(instance, "case_id", "sin-caso")
    digest = getattr(instance, "sha256", "") or "pendiente"
    return f"casos/{case_id}/{digest}"
