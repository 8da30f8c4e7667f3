"""Writes on cases. Each public function is one user-visible action in one transaction."""

from .citizen import case_citizen_reply
from .contacts import contact_merge
from .content import attachment_add, attachment_open, comment_add
from .edit import CaseChanges, case_update
from .intake import CaseCreateResult, CaseInput, case_create
from .intake_checks import case_field_errors
from .macros import case_macro_apply
from .workflow import ACTIONS, TRANSITIONS, TransitionInput, case_transition

__all__ = [
    "ACTIONS",
    "TRANSITIONS",
    "CaseChanges",
    "CaseCreateResult",
    "CaseInput",
    "TransitionInput",
    "attachment_add",
    "attachment_open",
    "case_citizen_reply",
    "case_create",
    "case_field_errors",
    "case_macro_apply",
    "case_transition",
    "case_update",
    "comment_add",
    "contact_merge",
]
