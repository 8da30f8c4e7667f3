"""simple-history's `HistoricalRecords` without a new manager class on every `.history` access.

django-simple-history 3.13's `HistoryDescriptor.__get__` calls `HistoryManager.from_queryset(…)`
each time, building a class (with `inspect.getmembers` over the queryset) that is the same
every time; saving a tracked model reads it once to find the history model. Here the class is
built once per model. The history rows are written by the library's own code, unchanged.
"""

from __future__ import annotations

from typing import Any

from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor


class CachedHistoryDescriptor(HistoryDescriptor):
    def __init__(self, model: Any, manager: Any, queryset: Any) -> None:
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager_from_queryset = manager.from_queryset(queryset)

    def __get__(self, instance: Any, owner: Any) -> Any:
        return self.manager_from_queryset(self.model, instance)


class HistoricalRecords(simple_history.HistoricalRecords):
    def finalize(self, sender: Any, **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        # The library registers only this model (and, with `inherit`, its subclasses).
        if sender is not self.cls and not (self.inherit and issubclass(sender, self.cls)):
            return
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            cached = CachedHistoryDescriptor(
                descriptor.model, descriptor.manager_class, descriptor.queryset_class
            )
            setattr(sender, self.manager_name, cached)
