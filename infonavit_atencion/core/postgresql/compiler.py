"""Django's PostgreSQL compilers; a plain model query's ORDER BY is built without a position map.

To let an ORDER BY term point at a selected expression by position, Django's
`SQLCompiler._order_by_pairs` maps every selected column to a `PositionRef` (hashing each
column expression) whenever a query is ordered. A term written as a field name ("-received_at",
"pk", "service__code") can only match a selected *alias*, and a model query's default columns
have none. A case page selects 69 columns (the case and its assignee; 85 with the contact):
building that map was a tenth of a list request's Python (issue 17). So when every ordering
term is a name and no selected column has an alias, the pairs are built with the selection
hidden, which leaves the map empty: the same ORDER BY, without the map. Anything else — an
expression in the ordering, an annotation or `values()` alias, a combined query (`union`) —
goes through Django's code unchanged. `core/tests/test_postgresql_compiler.py` compares both
SQL texts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.backends.postgresql import compiler as postgresql_compiler
from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


class SQLCompiler(postgresql_compiler.SQLCompiler):
    select: list[tuple[Any, Any, str | None]]  # set by setup_query(), before any ordering

    def _order_by_pairs(self) -> Iterator[tuple[Any, bool]]:
        if not self._ordered_by_names_only():
            return super()._order_by_pairs()
        select, self.select = self.select, []
        try:
            pairs = list(super()._order_by_pairs())  # consumed while the selection is hidden
        finally:
            self.select = select
        return iter(pairs)

    def _ordered_by_names_only(self) -> bool:
        """Every possible ordering term is a name, no selected column has an alias, and the
        query is not combined: Django's position map could not match anything."""
        query = self.query
        if query.combinator or not self.select:
            return False
        if any(alias for _expression, _sql, alias in self.select):
            return False
        meta = query.get_meta()
        terms = (*query.extra_order_by, *query.order_by, *(meta.ordering if meta else ()))
        return all(isinstance(term, str) for term in terms)
