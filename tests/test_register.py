"""One register (issue 19 item 7): what a person reads addresses them as "usted". A scan of the
templates and the public service descriptions for unambiguous "tú" forms, with file:line."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Words that only the "tú" register uses; whole words, so "tu" inside "estatuto" is fine.
# "Escribe" and "Ingresa" only capitalised: the imperative opening a sentence; in lower case
# they are also usted's indicative ("mientras escribe en un campo").
TU_MARKERS = re.compile(
    r"\b(?:[Tt]us?|[Tt]e|contigo|Escribe|[Pp]uedes|[Tt]ienes|Ingresa|[Nn]ecesitas|"
    r"[Dd]ebes|[Qq]uieres|[Rr]ecibiste|[Rr]egistraste|[Rr]ecibirás|[Pp]odrás)\b"
)

# Proper names that happen to use "tú": the Infonavit product is called so.
PROPER_NAMES = ("Tu 2do Crédito Infonavit",)


def tu_forms(path: Path) -> list[str]:
    """`file:line: text` for every line of `path` with a "tú" form."""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        words = line
        for name in PROPER_NAMES:
            words = words.replace(name, "")
        if TU_MARKERS.search(words):
            found.append(f"{shown}:{number}: {line.strip()}")
    return found


def _read_by_people() -> list[Path]:
    templates = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"})
    return [*templates, ROOT / "reference_data" / "services.yaml"]


def test_templates_and_service_descriptions_address_people_as_usted():
    offending = [line for path in _read_by_people() for line in tu_forms(path)]

    assert offending == []


def test_the_scan_finds_a_planted_tu_form_and_leaves_words_containing_tu(tmp_path):
    planted = tmp_path / "planted.html"
    planted.write_text(
        "<p>Consulte el estatuto de su caso.</p>\n"
        "<p>Escribe el folio de tu caso.</p>\n"
        "<p>Actualice sus datos; puedes hacerlo en línea.</p>\n"
        "<p>Espere 3 segundos; la tutela no cambia.</p>\n"
        "<p>No actúan mientras escribe en un campo.</p>\n"
        "<p>Tu 2do Crédito Infonavit, para quien ya pagó su primer crédito.</p>\n",
        encoding="utf-8",
    )

    found = tu_forms(planted)

    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found] == ["2", "3"]
    assert found[0].endswith("planted.html:2: <p>Escribe el folio de tu caso.</p>")
