"""Reads of the single contact base.

Finding a contact is open to every registering user (the base is institution-wide, SPEC §3), so
the search is kept narrow instead: an NSS or CURP is matched exactly on its unique index, a name
needs at least two words (each a prefix of a name or surname), merged records are left out and
only a handful of rows come back. Callers show identifiers through :func:`mask_identifier`.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from .identifiers import normalize_nss
from .models import Contact, ContactMerge
from .names import name_words

SEARCH_LIMIT = 10
NAME_MIN_WORDS = 2
NAME_MIN_CHARS = 2
_NSS_LIKE = re.compile(r"[0-9]{11}")
_CURP_LIKE = re.compile(r"[A-Z]{4}[0-9]{6}[A-Z0-9]{8}")


def mask_identifier(value: str | None) -> str:
    """``*******4431``: only the last four characters of an NSS or CURP stay visible."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


def _name_q(words: list[str]) -> Q:
    """Every word starts some word of the names (`words` as `name_words` gives them: "perez
    maria" finds "Ana María Pérez")."""
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=f" {word}")
    return condition


def contact_search(query: str, *, limit: int = SEARCH_LIMIT) -> QuerySet[Contact]:
    """Contacts matching an NSS, a CURP or a name ("Pérez Ana"); empty when too vague.

    Spaces and hyphens in an identifier are ignored. Merged-away records are never returned.
    """
    text = query.strip()
    compact = normalize_nss(text).upper()
    contacts = Contact.objects.filter(merged_into__isnull=True)
    if _NSS_LIKE.fullmatch(compact):
        return contacts.filter(nss=compact)[:1]
    if _CURP_LIKE.fullmatch(compact):
        return contacts.filter(curp=compact)[:1]
    words = [word for word in name_words(text) if len(word) >= NAME_MIN_CHARS]
    if len(words) < NAME_MIN_WORDS:
        return contacts.none()
    # By the searchable name (surnames first), which no B-tree serves: PostgreSQL then takes the
    # few matches from the trigram index and sorts them, instead of walking every contact in
    # name order until ten match (seconds for a common pair of surnames).
    return contacts.filter(_name_q(words)).order_by("search_name", "pk")[:limit]


def contact_ids_named(text: str, *, limit: int) -> list[int]:
    """Ids of up to `limit` current contacts whose names start with every word of `text` (one
    word is enough: callers narrow the result to the cases a user sees). Served on PostgreSQL
    by the trigram index; empty when no word has two characters."""
    words = [word for word in name_words(text) if len(word) >= NAME_MIN_CHARS]
    if not words:
        return []
    contacts = Contact.objects.filter(_name_q(words), merged_into__isnull=True)
    return list(contacts.values_list("pk", flat=True)[:limit])


def contact_get(pk: int) -> Contact | None:
    """A current (not merged-away) contact by id."""
    return Contact.objects.filter(pk=pk, merged_into__isnull=True).first()


def contacts_by_email(address: str, *, limit: int = SEARCH_LIMIT) -> list[Contact]:
    """Current contacts with this e-mail address (case-insensitive), most recently updated
    first: who sent an e-mail, as far as the base knows (`contact_email_idx`)."""
    address = address.strip()
    if not address:
        return []
    return list(
        Contact.objects.filter(email__iexact=address, merged_into__isnull=True).order_by(
            "-updated_at", "-pk"
        )[:limit]
    )


def contact_by_identifier(*, nss: str | None = None, curp: str | None = None) -> Contact | None:
    """The current contact holding this normalized NSS or CURP, if any."""
    if nss:
        return Contact.objects.filter(nss=nss, merged_into__isnull=True).first()
    if curp:
        return Contact.objects.filter(curp=curp, merged_into__isnull=True).first()
    return None


MERGES_LIMIT = 50


def contact_merges_of(contact_id: int) -> list[ContactMerge]:
    """The merges a contact took part in, kept or merged away, newest first (bounded)."""
    return list(
        ContactMerge.objects.filter(Q(source_id=contact_id) | Q(target_id=contact_id))
        .select_related("source", "target", "user")
        .order_by("-at", "-id")[:MERGES_LIMIT]
    )


def contact_any(pk: int) -> Contact | None:
    """A contact by id, merged away or not (the merge pages say which)."""
    return Contact.objects.filter(pk=pk).select_related("merged_into").first()
