"""What people add to a case: comments and attachments (SPEC §3, §6, §9).

Each write follows the workflow pattern: one transaction, the case row locked, the version
bumped with `update_fields` and exactly one CaseEvent. Closed and cancelled cases take nothing
more (409).

Uploads are checked before the case is locked (reading and hashing a large file must not hold a
row lock): size first, then the type sniffed from the content — never from the file name or the
client's Content-Type — against an allow-list. The bytes go to the private storage under their
SHA-256 (`cases.storage.attachment_path`), never under a public URL.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import InvalidTransition, NotFound, ValidationFailed

from ..events import Actor, event_instant, event_record
from ..followups import SEND_PUBLIC_COMMENT_NOTICE, followup_on_commit
from ..models import Attachment, Case, CaseStatus, Comment, EventKind
from ..storage import attachment_path, private_storage

FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CANCELLED})
CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 8192  # what the signature matchers look at

# Sniffed MIME (from `filetype`) → the content type stored and served. Anything else is refused.
BINARY_TYPES = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/apng": "image/png",  # an animated PNG is a PNG
    "image/jpeg": "image/jpeg",
    "image/gif": "image/gif",
    "image/tiff": "image/tiff",
    "image/webp": "image/webp",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPES = frozenset({"application/zip", DOCX, XLSX})
TEXT = "text/plain"
# Every content type a download may answer with (documented in the API schema).
SERVED_CONTENT_TYPES = tuple(sorted({*BINARY_TYPES.values(), DOCX, XLSX, TEXT}))
# Text a browser would render as markup or a shell would run is not "plain text".
MARKUP_MARKERS = (
    b"<html",
    b"<!doctype",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<head",
    b"<?xml",
    b"<object",
    b"<embed",
)


def case_locked_open(folio: str) -> Case:
    """The case with this folio, locked for the rest of the transaction; refused if final."""
    case = Case.objects.select_for_update(of=("self",)).filter(folio=folio).first()
    if case is None:
        raise NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})
    if case.status in FINAL_STATUSES:
        raise InvalidTransition(
            _("El caso está «%(status)s»; ya no admite comentarios ni adjuntos.")
            % {"status": case.get_status_display()},
            extra={"case_status": case.status},
        )
    return case


# --- Comments ------------------------------------------------------------------------------


def comment_add(folio: str, body: str, public: bool, actor: Actor, now: dt.datetime) -> Comment:
    """Add an internal or public comment; the first public one by staff or an API client is
    the case's first response (SPEC §6) unless resolution already set it."""
    with transaction.atomic():
        case = case_locked_open(folio)
        now = event_instant(case, now)
        text = body.strip()
        if not text:
            raise ValidationFailed.single("body", "required", _("Escriba el comentario."))
        comment = Comment.objects.create(
            case=case, author_user=actor.user, author_client=actor.client, body=text, public=public
        )
        event_data: dict[str, Any] = {"comment": comment.pk, "public": public}
        changed = ["version", "updated_at"]
        by_staff = actor.user is not None or actor.client is not None
        if public and by_staff and case.first_response_at is None:
            case.first_response_at = now
            changed.append("first_response_at")
            event_data["first_response"] = True
        case.version += 1
        case.save(update_fields=changed)
        event_record(case, EventKind.COMMENTED, actor, now, event_data)
        if public:
            _public_comment_enqueue(case.pk)
    return comment


def _public_comment_enqueue(case_id: int) -> None:
    """The citizen hears of a public comment by e-mail, sent by a task after the commit."""
    followup_on_commit(SEND_PUBLIC_COMMENT_NOTICE, case_id)


# --- Attachments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SniffedUpload:
    size: int
    sha256: str
    content_type: str


def _megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "0" else "0.01"


def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed.single(
        "file",
        "too_large",
        _("El archivo supera el tamaño máximo permitido de %(mb)s MB.") % {"mb": _megabytes(limit)},
    )


def _not_allowed() -> ValidationFailed:
    return ValidationFailed.single(
        "file",
        "type_not_allowed",
        _(
            "Tipo de archivo no permitido. Se aceptan PDF, imágenes (PNG, JPEG, GIF, TIFF, WEBP), texto plano, Word (.docx) y Excel (.xlsx)."
        ),
    )


def _ooxml_type(uploaded: IO[bytes]) -> str | None:
    """docx or xlsx when the zip really is one (read from its central directory, nothing
    decompressed); macro-enabled documents are not."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _plain_text(head: bytes) -> bool:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<", b"#!")):
        return False
    lowered = head.lower()
    return not any(marker in lowered for marker in MARKUP_MARKERS)


def upload_sniff(uploaded: IO[bytes], max_bytes: int) -> SniffedUpload:
    """Size, SHA-256 and the allowed content type of an upload, read once in chunks.

    Refuses (ValidationFailed on field "file") an empty file, one over `max_bytes`, and any type
    outside the allow-list.
    """
    declared = getattr(uploaded, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(max_bytes)
    uploaded.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    size = 0
    text = True
    while chunk := uploaded.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        if text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                text = False
            text = text and b"\x00" not in chunk
    if size == 0:
        raise ValidationFailed.single("file", "empty", _("El archivo está vacío."))
    if text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            text = False

    guess = filetype.guess_mime(head)
    if guess in BINARY_TYPES:
        content_type: str | None = BINARY_TYPES[guess]
    elif guess in ZIP_TYPES:
        content_type = _ooxml_type(uploaded)
    elif guess is None and text and _plain_text(head):
        content_type = TEXT
    else:  # executables, archives, HTML, SVG, scripts, media…
        content_type = None
    uploaded.seek(0)
    if content_type is None:
        raise _not_allowed()
    return SniffedUpload(size=size, sha256=digest.hexdigest(), content_type=content_type)


def original_name_clean(name: str | None) -> str:
    """The name the user gave, for display only: basename, no control characters, ≤ 255."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base in ("", ".", ".."):
        return _("adjunto")
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 254 - len(ext)]}.{ext}" if dot and 0 < len(ext) <= 16 else base[:255]
    return base


def _storage() -> Storage:
    # Built at call time: the model field's storage was fixed when the model class loaded.
    return private_storage()


def attachment_add(folio: str, uploaded: Any, actor: Actor, now: dt.datetime) -> Attachment:
    """Attach an uploaded file (a Django UploadedFile or File) to the case.

    Refusals change nothing. If the transaction fails after the bytes were written, the file
    this call wrote is removed again. An identical file already attached to the same case is
    not written twice: the new row points at the same content-addressed file.
    """
    sniffed = upload_sniff(uploaded, settings.ATTACHMENT_MAX_BYTES)
    original_name = original_name_clean(getattr(uploaded, "name", ""))
    storage = _storage()
    written: str | None = None
    try:
        with transaction.atomic():
            case = case_locked_open(folio)
            now = event_instant(case, now)
            attachment = Attachment(
                case=case,
                original_name=original_name,
                content_type=sniffed.content_type,
                size=sniffed.size,
                sha256=sniffed.sha256,  # set before the path is computed: it names the file
                uploaded_by_user=actor.user,
                uploaded_by_client=actor.client,
            )
            same = (
                Attachment.objects.filter(case=case, sha256=sniffed.sha256)
                .order_by("pk")
                .values_list("file", flat=True)
                .first()
            )
            if same and storage.exists(same):
                attachment.file.name = same
            else:
                uploaded.seek(0)
                written = storage.save(attachment_path(attachment, original_name), uploaded)
                attachment.file.name = written
            attachment.save()
            case.version += 1
            case.save(update_fields=["version", "updated_at"])
            event_record(
                case,
                EventKind.UPDATED,
                actor,
                now,
                {
                    "attachment": attachment.pk,
                    "name": original_name,
                    "sha256": sniffed.sha256,
                    "size": sniffed.size,
                },
            )
    except Exception:
        if written is not None:
            storage.delete(written)
        raise
    return attachment


def attachment_open(attachment: Attachment) -> File:
    """An open binary handle on the attachment's bytes, for a view to stream.

    No access check here: callers fetch the attachment through the selectors that limit cases
    to those the user or API client may see (SPEC §9) and only then open it. The caller closes
    the handle (a FileResponse does).
    """
    return _storage().open(attachment.file.name, "rb")
