"""The allowed-transitions table: every status change goes through it, the system's too."""

import pytest

from cases.lifecycle import (
    LIFECYCLE,
    RESOLVE_AT_INTAKE,
    ROUTE,
    SYSTEM_TRANSITIONS,
    TRANSITIONS,
    status_change,
    transition_target,
)
from cases.models import Case, CaseStatus
from cases.services.transition_steps import HANDLERS, NOTICES
from infonavit_atencion.core.errors import InvalidTransition

STATUSES = [status for status, _label in CaseStatus.choices]


def test_every_action_has_one_handler_and_the_system_moves_only_new_cases():
    assert set(HANDLERS) == set(TRANSITIONS)
    assert set(NOTICES) <= set(TRANSITIONS)
    assert {
        ROUTE: (frozenset({"new"}), "assigned"),
        RESOLVE_AT_INTAKE: (frozenset({"new"}), "resolved"),
    } == SYSTEM_TRANSITIONS
    assert not set(TRANSITIONS) & set(SYSTEM_TRANSITIONS)


@pytest.mark.parametrize(("action", "status"), [(a, s) for a in LIFECYCLE for s in STATUSES])
def test_status_change_follows_the_table(action, status):
    allowed_from, to_status = LIFECYCLE[action]
    case = Case(status=status)

    if status in allowed_from:
        assert transition_target(action, status) == (to_status or status)
        assert status_change(case, action) == status
        assert case.status == (to_status or status)
    else:
        assert transition_target(action, status) is None
        with pytest.raises(InvalidTransition):
            status_change(case, action)
        assert case.status == status
