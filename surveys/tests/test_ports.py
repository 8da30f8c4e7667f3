"""Surveys fills the cases app's notice-extras port: the resolution e-mail's survey link."""

import pytest

from accounts.services import UserPlacement, user_create
from cases.ports import notice_extras
from surveys.selectors import survey_link_for
from tests.support.accounts import TEST_PASSWORD

from .support import resolved_case

pytestmark = pytest.mark.django_db


def test_the_resolution_notice_gets_the_survey_link_and_no_other_notice_does(agent):
    staff = user_create(
        "quejas", "area_staff", TEST_PASSWORD, UserPlacement(area_code="OPERACIONES_QUEJAS")
    )
    case = resolved_case(agent, staff)

    extras = notice_extras("resolution", case)

    assert extras == {"survey_link": survey_link_for(case)}
    assert extras["survey_link"] is not None
    assert notice_extras("acknowledgement", case) == {}
