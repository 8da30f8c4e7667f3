"""Reads of cases (HackSoft-style selectors), one concern per module:

* :mod:`.access` — who may see which case and do what on it (SPEC §9);
* :mod:`.relations` — what a printed case loads;
* :mod:`.detail` — one case and its timeline, comments and attachments;
* :mod:`.lists` — lists of cases and their filters;
* :mod:`.public` — the citizen's look-up by folio and tracking code.
"""
