"""How an attachment leaves the system, the same for the API and the browser: always as a
download, never rendered, never cached, under a policy that runs nothing inside it."""

from django.http import FileResponse

from .models import Attachment
from .services.content import attachment_open


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download (call only after checking that the caller may see its case)."""
    response = FileResponse(
        attachment_open(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
