"""Celery tasks of the indicators: thin wrappers around one service each."""

from celery import shared_task
from django.utils import timezone

from .services import indicators_refresh


@shared_task
def refresh_indicators() -> int:
    """Beat, every minute: replay the cases touched since the watermark (idempotent)."""
    return indicators_refresh(timezone.now()).cases
