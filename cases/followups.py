"""Follow-up work a case change queues: routing, the e-mails, the SLA repair (STYLE.md, 3 and 4).

The Celery tasks that do it sit at the top of the app (``cases.tasks`` imports the services and
the notices); nothing below imports them. A service names the task it wants here, by the name it
is registered under, which is its dotted path, and the task is looked up when it is queued. The
message is then published exactly as before, through ``core.queueing``: on commit, in process
when ``CELERY_TASK_ALWAYS_EAGER`` (the embedded mode), and a publish that fails is logged and
left to the sweepers.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from infonavit_atencion.core.queueing import enqueue_named_now, enqueue_named_on_commit

ROUTE_NEW_CASE = "cases.tasks.route_new_case"  # routing, then the acknowledgement e-mail
RUN_SLA_REPAIR = "cases.tasks.run_sla_repair"
SEND_ACKNOWLEDGEMENT = "cases.tasks.send_acknowledgement"
SEND_ASSIGNMENT_NOTICE = "cases.tasks.send_assignment_notice"
SEND_RESOLUTION_NOTICE = "cases.tasks.send_resolution_notice"
SEND_EXTENSION_NOTICE = "cases.tasks.send_extension_notice"
SEND_CALENDAR_CHANGE_NOTICE = "cases.tasks.send_calendar_change_notice"
SEND_PUBLIC_COMMENT_NOTICE = "cases.tasks.send_public_comment_notice"
SEND_BREACH_NOTICE = "cases.tasks.send_breach_notice"
SEND_FILING_CONFIRMATION = "cases.tasks.send_filing_confirmation"


def followup_task(name: str) -> Any:
    """The Celery task registered as ``name`` (importing its module the first time)."""
    return import_string(name)


def followup_on_commit(name: str, *args: Any) -> None:
    """Queue task ``name`` with ``args`` when the current transaction commits."""
    enqueue_named_on_commit(name, *args)


def followup_now(name: str, *args: Any) -> bool:
    """Queue task ``name`` now (sweepers, outside a case's transaction); False if it failed."""
    return enqueue_named_now(name, *args)
