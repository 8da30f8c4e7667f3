"""Celery tasks of inbound e-mail: thin wrappers around the reader."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .reader import mailbox_read


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def read_mailbox() -> int:
    """Every INBOUND_POLL_SECONDS: store and settle the mailbox's new messages. A second
    reader at the same time does nothing. Returns how many messages were stored."""
    return mailbox_read(timezone.now).stored
