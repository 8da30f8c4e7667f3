"""Fixtures of the cases tests."""

from contextlib import contextmanager

import pytest
from celery.app.task import Task
from kombu.exceptions import OperationalError


@pytest.fixture
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    """Inside the block every publish fails as with Redis unreachable; yields the task names
    whose publish was attempted."""

    @contextmanager
    def down():  # type: ignore[no-untyped-def]
        attempts: list[str] = []

        def refuse(task, *args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(task.name)
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        with monkeypatch.context() as patch:
            patch.setattr(Task, "apply_async", refuse)
            yield attempts

    return down
