"""The landing page: each role's own workload, each number a link to exactly those cases."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..workload import workload_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/home.html", {"workload": workload_for(request.user, timezone.now())}
    )
