"""Writes on cases. Each public function is one user-visible action in one transaction."""

from .intake import CaseCreateResult, CaseInput, case_create
from .workflow import ACTIONS, TRANSITIONS, TransitionInput, case_transition

__all__ = ["ACTIONS", "TRANSITIONS", "CaseCreateResult", "CaseInput", "TransitionInput", "case_create", "case_transition"]
