"""The case JSON for other apps (webhooks): exactly what the API prints, without a request.

The document is the one :class:`cases.api.serializers.CaseOutputSerializer` renders for an API
client WITHOUT ``contacts:read`` — NSS and CURP masked — and never carries the tracking code.
Load the case with ``cases.selectors.case_output_queryset()`` so no relation costs a query.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .models import Case


def case_document(case: Case, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The case JSON as plain dicts and lists; ``now`` is the instant of its SLA state."""
    from .api.serializers import CaseOutputSerializer  # local: the API imports the services

    data = CaseOutputSerializer(
        case, context={"now": now or timezone.now(), "unmask_identifiers": False}
    ).data
    # Plain JSON types (no ReturnDict / OrderedDict / lazy strings), in the serializer's order.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
