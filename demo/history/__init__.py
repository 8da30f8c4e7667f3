"""Bulk demo history (`manage.py generate_history`): months of cases whose events and states
are ones the real services could have produced, written in batches fast enough for millions."""

from .generate import HistoryReport, history_generate

__all__ = ["HistoryReport", "history_generate"]
