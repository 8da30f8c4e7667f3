from .anchors import HistoryAnchor
from .case import Case, CaseStatus, FolioCounter, Priority, SlaState
from .content import Attachment, Comment
from .events import CaseEvent, EventKind
from .idempotency import IdempotencyKey
from .monitor import SlaMonitorMark
from .repair import SlaRepairRun
from .routing import AssignmentStrategy, RoutingRule
from .saved_view import SavedView

__all__ = [
    "AssignmentStrategy",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "Comment",
    "EventKind",
    "FolioCounter",
    "HistoryAnchor",
    "IdempotencyKey",
    "Priority",
    "RoutingRule",
    "SavedView",
    "SlaMonitorMark",
    "SlaRepairRun",
    "SlaState",
]
