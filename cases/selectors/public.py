"""The citizen's look-up of a case by folio and tracking code (SPEC §8): no account, no scope."""

from __future__ import annotations

import hmac

from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import NotFound

from ..models import Case, Comment


def case_public_lookup(folio: str, code: str) -> Case:
    """The citizen's look-up by folio and tracking code (SPEC §8), compared without regard to case.

    A wrong folio and a wrong code answer the same 404, so neither can be probed separately.
    """
    case = Case.objects.select_related("service").filter(folio=folio.strip().upper()).first()
    expected = case.tracking_code.upper() if case is not None else "-" * 10
    if not hmac.compare_digest(expected.encode(), code.strip().upper().encode()) or case is None:
        raise NotFound(_("No encontramos un caso con ese folio y código de seguimiento."))
    return case


def case_public_comments(case: Case) -> list[Comment]:
    return list(case.comments.filter(public=True).order_by("created_at", "id"))
