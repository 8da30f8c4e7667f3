"""The follow-up names the services queue are the tasks' registered names, routed to a queue."""

from django.conf import settings

from cases import followups
from cases.apps import CALENDAR_CHANGE_PORT
from channels.ports import calendar_change_port
from infonavit_atencion.celery import app

NAMES = [value for key, value in vars(followups).items() if key.isupper()]


def test_every_follow_up_names_a_registered_task_with_a_route():
    assert len(NAMES) == 10  # the tenth: the portal filing's confirmation e-mail
    for name in NAMES:
        task = followups.followup_task(name)
        assert task.name == name
        assert app.tasks[name].name == name  # registered with the app under that name
        assert name in settings.CELERY_TASK_ROUTES


def test_the_calendar_change_port_names_functions_that_exist():
    port = calendar_change_port()
    assert port is CALENDAR_CHANGE_PORT
    for path in (port.preview_path, port.repair_path):
        assert callable(followups.followup_task(path))
