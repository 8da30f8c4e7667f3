"""How an attachment leaves the system, the same for the API and the browser: as a download,
never cached, under a policy that runs nothing inside it — and, for the few types a browser
shows safely (PNG, JPEG, GIF, PDF), also inline for the case page's viewer.

The inline answer is sandboxed by its own Content-Security-Policy (`sandbox`: an opaque origin,
no scripts, no forms) and may only be framed by the site itself. Chromium refuses to show a PDF
inside an ``<iframe sandbox>`` (any sandbox flags; checked in Debian's Chromium 156), but shows it
in a plain ``<iframe>`` whose response carries the CSP ``sandbox``: the viewer is the browser's
own, and the document still runs nothing of the file. Markup (HTML, SVG, XML) is never
accepted as an upload and never inline: the type served is the one sniffed at upload, sniffed
again from the stored bytes before answering inline.
"""

import filetype
from django.http import FileResponse

from .models import Attachment
from .services.content import HEAD_BYTES, attachment_open

# Stored (sniffed) content type → shown inline by the case page's viewer.
PREVIEW_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "application/pdf"})
PREVIEW_IMAGE_TYPES = PREVIEW_TYPES - {"application/pdf"}
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
PREVIEW_POLICY = "default-src 'none'; frame-ancestors 'self'; sandbox"


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download (call only after checking that the caller may see its case)."""
    response = FileResponse(
        attachment_open(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_previewable(attachment: Attachment) -> bool:
    """Whether the case page offers to show the file (by the type sniffed at upload)."""
    return attachment.content_type in PREVIEW_TYPES


def _stored_type(attachment: Attachment) -> str | None:
    handle = attachment_open(attachment)
    try:
        head = handle.read(HEAD_BYTES)
    finally:
        handle.close()
    guess = filetype.guess_mime(head)
    return "image/png" if guess == "image/apng" else guess


def attachment_preview_response(attachment: Attachment) -> FileResponse:
    """The file inline for the viewer when it is (still) an image or a PDF; anything else, or
    bytes that no longer match their type, as the ordinary download. Call only after checking
    that the caller may see its case."""
    if not attachment_previewable(attachment) or _stored_type(attachment) != (
        attachment.content_type
    ):
        return attachment_response(attachment)
    response = FileResponse(
        attachment_open(attachment),
        as_attachment=False,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
