"""Finding a person registered twice in the single contact base (issue 19, item 11).

NSS and CURP are unique, so a duplicate is another record of the same person that lacks the
identifier, or holds the other one: the person's NSS on one record and their CURP on another
(intake then refuses with "fusione los contactos"), or a record with a similar name and the
same birth date (read from its CURP) or no CURP to compare. The search starts from what staff
type — an NSS, a CURP, a name with a birth date — and stays narrow: identifiers by their unique
indexes, names by the trigram index (two words at least), at most :data:`DUPLICATE_LIMIT`
contacts, merged-away records never.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Q
from django.db.models.functions import Substr

from .identifiers import curp_birth_date
from .merge import merge_plan
from .models import Contact
from .names import name_words
from .selectors import NAME_MIN_CHARS, NAME_MIN_WORDS

DUPLICATE_LIMIT = 10

# Why a record is a candidate (keys the page labels).
SAME_NSS, SAME_CURP, NAME_BIRTH, NAME_NO_CURP = "nss", "curp", "name_birth", "name_no_curp"
PICKED = "picked"  # the record staff started from (a case's contact)
ANCHORS = (PICKED, SAME_NSS, SAME_CURP)


@dataclass(frozen=True)
class DuplicateCandidate:
    contact: Contact
    reason: str


@dataclass(frozen=True)
class DuplicatePair:
    """Merge `source` into `target` (the record holding the NSS or CURP looked for, else the
    older one); `mergeable` is False when their NSS or CURP differ."""

    source: Contact
    target: Contact
    mergeable: bool


def _name_candidates(words: list[str], born: dt.date | None, exclude: list[int]) -> list[Contact]:
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=f" {word}")
    same_birth = Q(curp__isnull=True)
    if born is not None:
        same_birth |= Q(curp_birth=born.strftime("%y%m%d"))
    rows = (
        Contact.objects.filter(condition, merged_into__isnull=True)
        .exclude(pk__in=exclude)
        .annotate(curp_birth=Substr("curp", 5, 6))
        .filter(same_birth)
        .order_by("search_name", "pk")[:DUPLICATE_LIMIT]
    )
    # The century is in the CURP's 17th character: compare whole dates.
    return [c for c in rows if c.curp is None or curp_birth_date(c.curp) == born]


def contact_duplicates(
    *,
    contact_id: int | None = None,
    nss: str | None = None,
    curp: str | None = None,
    name: str = "",
    birth_date: dt.date | None = None,
) -> list[DuplicateCandidate]:
    """The current records that may be the person described (normalized identifiers).

    The record `contact_id` (a case's contact) and the holders of `nss` and `curp` first; then
    records whose name contains every word of `name` (or of the first one's first surname and
    first given name) and that were born on `birth_date` (or the date in `curp`, or in a found
    record's CURP) or have no CURP. One query per criterion given, four at most.
    """
    found: list[DuplicateCandidate] = []
    current = Contact.objects.filter(merged_into__isnull=True)
    if contact_id is not None and (picked := current.filter(pk=contact_id).first()):
        found.append(DuplicateCandidate(picked, PICKED))
    for reason, value in ((SAME_NSS, nss), (SAME_CURP, curp)):
        held = {c.contact.pk for c in found}
        holder = current.filter(**{reason: value}).first() if value else None
        if holder is not None and holder.pk not in held:
            found.append(DuplicateCandidate(holder, reason))
    words = [w for w in name_words(name) if len(w) >= NAME_MIN_CHARS]
    if not words and found:
        first = found[0].contact
        words = name_words(first.first_surname)[:1] + name_words(first.given_names)[:1]
    born = birth_date or curp_birth_date(curp)
    if born is None and found:
        born = next((curp_birth_date(c.contact.curp) for c in found if c.contact.curp), None)
    if len(words) >= NAME_MIN_WORDS and (born is not None or found):
        exclude = [c.contact.pk for c in found]
        for contact in _name_candidates(words, born, exclude)[: DUPLICATE_LIMIT - len(found)]:
            reason = NAME_NO_CURP if contact.curp is None else NAME_BIRTH
            found.append(DuplicateCandidate(contact, reason))
    return found


def duplicate_pairs(candidates: list[DuplicateCandidate]) -> list[DuplicatePair]:
    """The pairs worth reviewing: each other record with each record found by identifier, or —
    found by name only — every two of them; into the identifier's holder, else the older."""
    holders = [c.contact for c in candidates if c.reason in ANCHORS]
    others = [c.contact for c in candidates if c.reason not in ANCHORS]
    if holders:
        couples = [(other, holder) for holder in holders for other in others]
        couples += [(b, a) for a, b in combinations(holders, 2)]
    else:
        couples = [(b, a) for a, b in combinations(sorted(others, key=lambda c: c.pk), 2)]
    return [
        DuplicatePair(source, target, not merge_plan(source, target).conflicts)
        for source, target in couples
    ]
