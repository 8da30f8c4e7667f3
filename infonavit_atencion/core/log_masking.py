"""Personal data never reaches the logs (SPEC §9): a filter that masks NSS, CURP, RFC, e-mail
addresses, phone numbers, tracking codes and survey links in every record's message and
traceback, whoever logged it (our code, Django, Celery, a library quoting a request body)."""

from __future__ import annotations

import logging
import re

# Word-bounded so that longer numbers (ids, timestamps) are left alone.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Links from the e-mails to citizens: the survey link's signed token opens the survey, and a
    # look-up address may carry the tracking code.
    (re.compile(r"/encuesta/[^/\s'\"]+"), "/encuesta/[enlace]"),
    (re.compile(r"([?&]code=)[^&\s'\"]+", re.IGNORECASE), r"\1[código]"),
    # Tracking codes (cases.services.intake: ten of 23456789ABCDEFGHJKMNPQRSTUVWXYZ), when they
    # mix letters and digits (an all-letter code is rare; words in messages would look alike).
    (
        re.compile(
            r"(?<![\w-])(?=[2-9A-HJ-NP-Z]*[2-9])(?=[2-9A-HJ-NP-Z]*[A-HJ-NP-Z])[2-9A-HJ-NP-Z]{10}(?![\w-])"
        ),
        "[código]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[correo]"),
    (re.compile(r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b", re.IGNORECASE), "[curp]"),
    (re.compile(r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", re.IGNORECASE), "[rfc]"),
    (re.compile(r"(?<![\w-])\d{11}(?![\w-])"), "[nss]"),
    # Ten-digit Mexican numbers, optionally with +52, grouped 2-4-4 or 3-3-4 as they are
    # written (so that dates and times such as 2026-11-29 18:38 are left alone).
    (
        re.compile(
            r"(?<![\w-])(?:\+?52[\s.-]?)?(?:\d{2}[\s.-]?\d{4}|\d{3}[\s.-]?\d{3})[\s.-]?\d{4}(?![\w-])"
        ),
        "[teléfono]",
    ),
]


def mask_personal_data(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Replace the record's message (and its formatted traceback) with a masked copy."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: log what we can, masked
            message = str(record.msg)
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
