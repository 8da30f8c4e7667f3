"""The searchable form of a person's name: what an agent types, whatever the accents.

People type "Perez Nunez" for "Pérez Núñez" and "maria" for "María": the search compares words
with their accents removed and in upper case. `Contact.search_name` keeps that form of both
surnames and the given names, in that order (so it also sorts the results as a directory
would), each word preceded by a space: "a word starting with X" is the substring " X" — one
column, one comparison per typed word, served on PostgreSQL by a trigram index.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def name_words(text: str) -> list[str]:
    """`"María  de-la Peña"` → `["MARIA", "DE", "LA", "PENA"]`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).upper()
    return [word for word in _NOT_ALNUM.split(bare) if word]


def search_name(*parts: str) -> str:
    """`search_name("Pérez", "", "Ana María")` → `" PEREZ ANA MARIA"`."""
    return "".join(f" {word}" for part in parts for word in name_words(part))
