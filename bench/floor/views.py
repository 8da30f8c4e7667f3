"""What plain DRF gives for the same table: a ModelSerializer with every column, cursor pagination,
no authentication, scoping, throttling, idempotency, events or SLA work. The API is measured
against this floor so that figures on a shared 2-core machine compare like with like."""

from rest_framework import generics, pagination, permissions, serializers

from cases.models import Case


class FloorCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = "__all__"


class FloorCursorPagination(pagination.CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 25


class FloorCaseListCreate(generics.ListCreateAPIView):
    queryset = Case.objects.all()
    serializer_class = FloorCaseSerializer
    pagination_class = FloorCursorPagination
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []


class FloorCaseDetail(generics.RetrieveAPIView):
    queryset = Case.objects.all()
    serializer_class = FloorCaseSerializer
    lookup_field = "folio"
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []
