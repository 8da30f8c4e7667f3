"""How demand is shaped: channel shares, seasons, weekday and hour profiles, kinds, outcomes.

Plain numbers, loosely from SPEC §1 (4–12 thousand cases per business day, peaks of 2–3× in
January–March) and common contact-centre patterns. Relative weights, not probabilities.
"""

from __future__ import annotations

import datetime as dt

# Share of cases by channel code; channels not listed (or inactive) get none.
CHANNEL_SHARES = {
    "MICUENTA": 27.0,
    "INFONATEL": 22.0,
    "CESI": 18.0,
    "APP": 10.0,
    "WHATSAPP": 6.0,
    "DELEGACION": 5.0,
    "CORREO": 5.0,
    "ESCRITO": 2.0,
    "ENTIDAD_FINANCIERA": 2.5,
    "PATRON": 2.5,
}

# January–March peak (new credits, annual statements), December dip.
MONTH_FACTORS = {
    1: 2.3,
    2: 2.5,
    3: 2.0,
    4: 1.2,
    5: 1.0,
    6: 1.0,
    7: 0.95,
    8: 1.0,
    9: 1.0,
    10: 1.05,
    11: 1.0,
    12: 0.65,
}
YEAR_END_FACTOR = 0.35  # 20 December to 2 January: offices half empty, few requests

# Monday = 0. In-person, phone and letters follow office days; digital channels never close.
WEEKDAY_FACTORS = {
    "presencial": (1.15, 1.1, 1.0, 1.0, 0.9, 0.1, 0.0),
    "telefonico": (1.2, 1.1, 1.0, 1.0, 0.9, 0.35, 0.1),
    "escrito": (1.1, 1.05, 1.0, 1.0, 0.95, 0.0, 0.0),
    "digital": (1.15, 1.1, 1.05, 1.0, 0.9, 0.6, 0.5),
}

# Local hour of day 0–23.
HOUR_PROFILES = {
    "presencial": (0, 0, 0, 0, 0, 0, 0, 0, 3, 9, 10, 10, 9, 7, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "telefonico": (0, 0, 0, 0, 0, 0, 0, 1, 5, 8, 9, 9, 9, 8, 7, 7, 7, 6, 5, 4, 2, 0, 0, 0),
    "escrito": (0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 10, 9, 8, 6, 2, 0, 0, 0, 0, 0, 0, 0, 0),
    "digital": (1, 1, 0.5, 0.5, 0.5, 0.5, 1, 2, 4, 6, 7, 7, 7, 6, 6, 6, 6, 6, 7, 7, 6, 5, 3, 2),
}

# Which services people ask for, by the service's case kind.
KIND_WEIGHTS = {
    "advice": 22.0,
    "information": 20.0,
    "service": 20.0,
    "procedure": 20.0,
    "complaint": 8.0,
    "statement": 3.0,
    "report": 1.5,
    "infraction": 0.5,
    "exceptional": 0.3,
}

PRIORITY_WEIGHTS = {1: 8, 2: 80, 3: 10, 4: 2}

# Outcomes (probabilities per case).
P_FIRST_CONTACT = 0.75  # of first-contact-resolution services, on attended channels
P_FIRST_CONTACT_SELF_SERVICE = 0.6  # of those services on the portal, app and partners
P_ANONYMOUS_REPORT = 0.4
P_RETURNING_CONTACT = 0.2
P_EMAIL = 0.7
P_CANCEL = 0.03
P_TRANSFER = 0.06
P_RECLASSIFY = 0.015
P_PAUSE = 0.12
P_FIRST_RESPONSE_COMMENT = 0.85
P_REOPEN = 0.04
P_SURVEY = 0.25
P_NO_SURVEY_CONSENT = 0.05
# Resolution time as a share of the SLA term: lognormal around this median (≈ 8–10 % breach).
RESOLUTION_MEDIAN = 0.45
RESOLUTION_SIGMA = 0.6
CSAT_WEIGHTS_MET = (3, 5, 12, 35, 45)
CSAT_WEIGHTS_BREACHED = (20, 20, 25, 20, 15)


def day_weight(day: dt.date, channel_kind: str) -> float:
    """Relative volume of a local date for a channel kind (season × weekday × year end)."""
    weight = MONTH_FACTORS[day.month] * WEEKDAY_FACTORS[channel_kind][day.weekday()]
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
        weight *= YEAR_END_FACTOR
    return weight
