"""What a printed case reads, and how it is loaded: the querysets here make a list page and a
detail cost a constant number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Case

# Relations the case JSON prints (cases.representation), e.g. for pages that show their names.
CASE_OUTPUT_RELATIONS = (
    "service",
    "channel",
    "office",
    "directorate",
    "area",
    "assignee",
    "contact",
    "sla_calendar",
)
# How they are loaded: the per-case rows are joined. The case JSON takes the catalog codes
# from the process's catalog snapshot (cases.catalog_cache); pages that print more of a catalog
# row prefetch the small tables, one short query each. Joining all nine tables made PostgreSQL
# spend ~25 ms *planning* every list and detail query, and kept it from using the contact
# indexes when filtering by NSS.
CASE_OUTPUT_JOINED = ("assignee", "contact")
CASE_OUTPUT_PREFETCHED = tuple(r for r in CASE_OUTPUT_RELATIONS if r not in CASE_OUTPUT_JOINED)


def with_case_output_relations(
    cases: QuerySet[Case], *, catalog: bool = True, contacts: bool = True
) -> QuerySet[Case]:
    """`cases` with their contact and assignee joined and, with `catalog`, their catalog rows
    prefetched: a fixed number of queries. The case JSON alone needs no `catalog`, and prints
    the contact base's record only to a viewer who may read it: without `contacts` it reads the
    details the case came with (its own columns), and the contact is not joined."""
    joined = (
        CASE_OUTPUT_JOINED if contacts else tuple(r for r in CASE_OUTPUT_JOINED if r != "contact")
    )
    cases = cases.select_related(*joined)
    return cases.prefetch_related(*CASE_OUTPUT_PREFETCHED) if catalog else cases


def case_output_queryset() -> QuerySet[Case]:
    """Cases loading what the case JSON (cases.representation) reads."""
    return with_case_output_relations(Case.objects.all(), catalog=False)
