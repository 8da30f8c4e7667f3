"""The case page's attachment viewer: images and PDFs shown in the page, the rest downloaded.

The viewer's address checks access exactly as the download does (`attachment_get_for`: the
case must be visible to the user) and answers through `cases.downloads`: inline and sandboxed
only for PNG, JPEG, GIF and PDF, as a download for everything else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from cases.downloads import PREVIEW_IMAGE_TYPES, attachment_preview_response, attachment_previewable
from cases.selectors.detail import attachment_get_for
from infonavit_atencion.core.errors import NotFound

from .common import actor_of, not_found


def attachment_viewer_context(attachments: list) -> dict[str, Any]:
    """How the page shows each attachment: "image", "pdf" or "" (download only)."""
    return {
        "attachment_views": [
            (
                attachment,
                (
                    "image"
                    if attachment.content_type in PREVIEW_IMAGE_TYPES
                    else "pdf"
                    if attachment_previewable(attachment)
                    else ""
                ),
            )
            for attachment in attachments
        ]
    }


@login_required
@require_GET
@xframe_options_sameorigin  # the case page frames the PDF viewer; nobody else may
def case_attachment_preview(
    request: HttpRequest, folio: str, attachment_id: int
) -> HttpResponse | FileResponse:
    try:
        attachment = attachment_get_for(actor_of(request), folio, attachment_id)
    except NotFound:
        return not_found(request)
    return attachment_preview_response(attachment)
