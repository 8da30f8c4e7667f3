"""The Celery app answers with Django's CELERY_* settings (`infonavit_atencion.celery` copies
them into a plain dict when Celery loads its configuration)."""

from django.conf import settings

from infonavit_atencion.celery import app


def test_the_app_answers_every_celery_setting_of_django():
    names = [name for name in dir(settings) if name.startswith("CELERY_")]
    assert {"CELERY_BROKER_URL", "CELERY_TASK_ROUTES", "CELERY_BEAT_SCHEDULE"} <= set(names)
    for name in names:
        # Celery's own spelling (``task_routes``) finds the setting Django names CELERY_TASK_ROUTES
        assert app.conf[name.removeprefix("CELERY_").lower()] == getattr(settings, name), name


def test_a_task_is_routed_to_the_queue_the_settings_name():
    route = app.amqp.router.route({}, "cases.tasks.route_new_case")
    assert route["queue"].name == settings.CELERY_TASK_ROUTES["cases.tasks.route_new_case"]["queue"]
