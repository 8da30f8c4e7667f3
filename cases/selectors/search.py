"""Find anything (issue 19): one search box that finds a case by what a person has at hand.

:func:`case_search_for` reads the text it is given as, in this order:

* a folio (``ATN-2026-00001234``) → that case, by its unique index;
* 11 digits → the cases of the contact with that NSS; 18 characters shaped like a CURP → the
  cases of the contact with that CURP (both unique indexes, then `case_contact_status_idx`);
* a tracking code (10 characters of the codes' alphabet), for supervisors and administrators
  only → that case (`case_tracking_code_idx`); the code is the citizen's secret, so agents and
  area staff, who ask the citizen for the folio, do not look cases up by it;
* otherwise words → cases whose contact's name has every word (the contacts' trigram index,
  as intake's contact search), or whose subject and description, or one of whose comments,
  contain them (PostgreSQL full text in Spanish over expression GIN indexes; SQLite compares
  each word with LIKE).

Always within :func:`~.access.cases_visible_to` and bounded: at most `limit` cases, newest
first, and no count over the table. A case out of scope is simply absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value

from accounts.models import Role
from contacts.identifiers import normalize_nss
from contacts.models import Contact
from contacts.selectors import contact_ids_named

from ..events import Actor
from ..models import Case, Comment
from .access import _profile, cases_visible_to
from .filters import FOLIO_PATTERN

SEARCH_LIMIT = 25
MAX_TEXT = 200
# Bounds of the word search's side queries: contacts named so (a common surname matches many;
# more words narrow it) and comments containing the words, newest first.
NAMED_CONTACTS_LIMIT = 500
COMMENT_CASES_LIMIT = 200
# The newest visible cases a word search looks through first (see case_search_for).
RECENT_WINDOW = 1000
SEARCH_WORK_MEM = "32MB"
_NSS = re.compile(r"[0-9]{11}")
_CURP = re.compile(r"[A-Z]{4}[0-9]{6}[A-Z0-9]{8}")
# cases.services.intake.TRACKING_ALPHABET, TRACKING_LENGTH (selectors do not import services).
_TRACKING = re.compile(r"[2-9A-HJKMNP-Z]{10}")
# The same expressions as the GIN indexes of migration 0017 (the planner matches them).
FTS_CONFIG = "spanish"
TRACKING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class SearchKind:
    EMPTY = "empty"
    FOLIO = "folio"
    NSS = "nss"
    CURP = "curp"
    TRACKING = "tracking"
    WORDS = "words"


@dataclass(frozen=True)
class CaseSearchResult:
    """What a search found: the kind the text was read as and the cases, newest first."""

    kind: str
    cases: list[Case] = field(default_factory=list)

    @property
    def exact(self) -> Case | None:
        """The one case a folio or tracking code named, if found."""
        exact = self.kind in (SearchKind.FOLIO, SearchKind.TRACKING) and len(self.cases) == 1
        return self.cases[0] if exact else None


def may_search_tracking_code(actor: Actor) -> bool:
    """Whether `actor` may look a case up by its tracking code (supervisors, administrators)."""
    user = actor.user
    if actor.client is not None or user is None or not user.is_active:
        return False
    profile = _profile(user)
    return user.is_superuser or (profile is not None and profile.role in TRACKING_ROLES)


def case_search_for(actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> CaseSearchResult:
    """The cases `actor` sees that `text` names (see the module docstring), at most `limit`."""
    text = text.strip()[:MAX_TEXT]
    if not text:
        return CaseSearchResult(SearchKind.EMPTY)
    visible = cases_visible_to(actor)
    upper = text.upper()
    if FOLIO_PATTERN.fullmatch(upper):
        return CaseSearchResult(SearchKind.FOLIO, _listed(visible.filter(folio=upper), limit))
    compact = normalize_nss(text).upper()
    if _NSS.fullmatch(compact) or _CURP.fullmatch(compact):
        kind = SearchKind.NSS if _NSS.fullmatch(compact) else SearchKind.CURP
        contacts = Contact.objects.filter(**{kind: compact}).values_list("pk", flat=True)
        cases = visible.filter(contact_id__in=list(contacts))
        return CaseSearchResult(kind, _listed(cases, limit))
    if _TRACKING.fullmatch(upper) and may_search_tracking_code(actor):
        found = _listed(visible.filter(tracking_code=upper), limit)
        if found:
            return CaseSearchResult(SearchKind.TRACKING, found)
    if not _postgresql():
        return CaseSearchResult(SearchKind.WORDS, _by_words_newest(visible, text, limit))
    with transaction.atomic(), connection.cursor() as cursor:
        # The word index and a scope index meet in a bitmap; at PostgreSQL's default 4 MB it
        # turns lossy on a common word and every case of the scope is read again (3 s for area
        # staff at 1,000,000 cases, 130 ms with this).
        cursor.execute("SET LOCAL work_mem = %s", [SEARCH_WORK_MEM])
        return CaseSearchResult(SearchKind.WORDS, _by_words_newest(visible, text, limit))


def _by_words_newest(visible: QuerySet[Case], text: str, limit: int) -> list[Case]:
    words = _by_words(visible, text)
    # A common word: its newest matches are among the newest cases the person sees, found by
    # walking a bounded window of them (12 ms for a word in a third of 1,000,000 cases, where
    # sorting every match took seconds). A full window is the answer: any match outside it is
    # older than all of it. Otherwise the word is rare and sorting its matches is cheap.
    newest = visible.order_by("-received_at", "-id").values("pk")[:RECENT_WINDOW]
    found = _listed(words.filter(pk__in=newest), limit)
    if len(found) < limit:
        found = _listed(words, limit, unindexed_order=True)
    return found


def _listed(cases: QuerySet[Case], limit: int, *, unindexed_order: bool = False) -> list[Case]:
    """The newest `limit` cases. With `unindexed_order` (words, on PostgreSQL) the order is an
    expression no B-tree serves: the planner then takes the matches from the GIN index and sorts
    them (7 ms for a rare pair of words, 240 ms for a word in a quarter of 1,000,000 cases),
    instead of walking `case_received_idx` until 25 match (15 s when none does)."""
    related = ("service", "channel", "area", "assignee", "contact")
    received: Any = F("received_at")
    if unindexed_order and _postgresql():
        shifted = F("received_at") + Value(dt.timedelta(0))
        received = ExpressionWrapper(shifted, output_field=DateTimeField())
    ordered = cases.select_related(*related).order_by(received.desc(), "-id")
    return list(ordered[:limit])


def _by_words(visible: QuerySet[Case], text: str) -> QuerySet[Case]:
    if _postgresql():
        visible = visible.alias(document=case_text_vector())
    condition = _text_q(text)
    named = contact_ids_named(text, limit=NAMED_CONTACTS_LIMIT)
    if named:
        condition |= Q(contact_id__in=named)
    commented = _commented_case_ids(text)
    if commented:
        condition |= Q(pk__in=commented)
    return visible.filter(condition)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _text_q(text: str) -> Q:
    """Subject or description contain the words: Spanish full text (stems, any accents typed
    as stored) on PostgreSQL; every word in one of the two fields elsewhere."""
    if _postgresql():
        return Q(document=_query(text))  # `document` aliased by _by_words
    condition = Q()
    for word in text.split():
        condition &= Q(subject__icontains=word) | Q(description__icontains=word)
    return condition


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, config=FTS_CONFIG, search_type="plain")


def case_text_vector() -> SearchVector:
    """The indexed document of a case (`case_text_fts_idx`)."""
    return SearchVector("subject", "description", config=FTS_CONFIG)


def _commented_case_ids(text: str) -> list[int]:
    """Cases with a comment containing the words, newest comments first (bounded)."""
    comments: QuerySet[Any]
    if _postgresql():
        vector = SearchVector("body", config=FTS_CONFIG)
        comments = Comment.objects.alias(document=vector).filter(document=_query(text))
    else:
        condition = Q()
        for word in text.split():
            condition &= Q(body__icontains=word)
        comments = Comment.objects.filter(condition)
    ids = comments.order_by("-created_at", "-id").values_list("case_id", flat=True)
    return list(dict.fromkeys(ids[:COMMENT_CASES_LIMIT]))
