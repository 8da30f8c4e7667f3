"""The periodic read (SPEC §11): every INBOUND_POLL_SECONDS on the declared `inbound` queue, by
beat or by the embedded in-process schedule; nothing at all without INBOUND_IMAP_HOST."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from inbound.models import InboundMessage
from inbound.tasks import read_mailbox
from infonavit_atencion.core.schedule import InProcessScheduler
from tests.support.mail_servers import ImapServer

from .support import email

pytestmark = pytest.mark.django_db


def test_the_read_is_scheduled_every_poll_interval_on_a_declared_queue():
    entry = django_settings.CELERY_BEAT_SCHEDULE["read-mailbox"]

    assert entry == {
        "task": "inbound.tasks.read_mailbox",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    }
    queue = django_settings.CELERY_TASK_ROUTES["inbound.tasks.read_mailbox"]["queue"]
    assert queue == "inbound"
    assert queue in django_settings.WORKER_QUEUES
    assert queue in {q.name for q in django_settings.CELERY_TASK_QUEUES}


def test_without_a_host_the_task_does_nothing(settings):
    settings.INBOUND_IMAP_HOST = ""

    assert read_mailbox.delay().get() == 0
    assert not InboundMessage.objects.exists()


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_embedded_schedule_reads_the_mailbox(settings, mailbox: ImapServer):
    for name, value in mailbox.settings().items():
        setattr(settings, name, value)
    mailbox.append(email())
    clock = Clock(timezone.now())
    entries = {"read-mailbox": django_settings.CELERY_BEAT_SCHEDULE["read-mailbox"]}
    scheduler = InProcessScheduler(entries, clock=clock)

    assert scheduler.tick()[0] == []  # first due one interval after start, like beat
    assert not InboundMessage.objects.exists()
    clock.now += dt.timedelta(seconds=settings.INBOUND_POLL_SECONDS)
    assert scheduler.tick()[0] == ["read-mailbox"]

    assert InboundMessage.objects.get().status == "pending"
    assert mailbox.uids("UNSEEN") == []
