"""Plain DRF over the floor's table: a ModelSerializer, cursor pagination, token auth."""

from django.http import HttpRequest, HttpResponse
from rest_framework import generics, pagination, serializers

from .models import FloorCase


class FloorCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = FloorCase
        fields = "__all__"


class FloorCursorPagination(pagination.CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 25


class FloorCaseListCreate(generics.ListCreateAPIView):
    serializer_class = FloorCaseSerializer
    pagination_class = FloorCursorPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        cases = FloorCase.objects.all()
        if status := self.request.query_params.get("status"):
            cases = cases.filter(status__in=status.split(","))
        if channel := self.request.query_params.get("channel"):
            cases = cases.filter(channel=channel)
        return cases


class FloorCaseDetail(generics.RetrieveAPIView):
    queryset = FloorCase.objects.all()
    serializer_class = FloorCaseSerializer
    lookup_field = "folio"


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")
