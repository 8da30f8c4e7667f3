"""A person's contact details as one case holds them (plain data, no database)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ContactDetails:
    """Names, type, identifiers (normalised) and how to reach them; "" where absent."""

    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    type: str = ""
    nss: str = ""
    curp: str = ""
    rfc: str = ""
    email: str = ""
    phone: str = ""


DETAIL_FIELDS = tuple(f.name for f in fields(ContactDetails))
