"""Find anything (issue 19): the header's search box and its results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.selectors.search import MAX_TEXT, SEARCH_LIMIT, case_search_for
from contacts.access import contact_card

from ..sla_display import sla_badges
from .common import actor_of


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Up to 25 cases the user sees, newest first; a folio or tracking code found goes straight
    to its case. Identifiers are always masked here: the case page reveals them, logged."""
    text = request.GET.get("q", "").strip()[:MAX_TEXT]
    result = case_search_for(actor_of(request), text)
    if result.exact is not None:
        return redirect("web:case", result.exact.folio)
    badges = sla_badges(result.cases, timezone.now())
    rows = [
        (case, badges[case.pk], contact_card(case.contact) if case.contact else None)
        for case in result.cases
    ]
    context = {"q": text, "kind": result.kind, "rows": rows, "limit": SEARCH_LIMIT}
    return render(request, "web/search.html", context)
