"""No NSS, CURP, RFC, e-mail or phone number reaches the log output (SPEC §9)."""

import io
import logging

import pytest

from infonavit_atencion.core.log_masking import mask_personal_data

NSS = "92919084431"
CURP = "PEGA850101HDFRRN09"
RFC = "PEGA850101AB1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"contacto nss={NSS}", "contacto nss=[nss]"),
        (f"CURP {CURP} duplicada", "CURP [curp] duplicada"),
        (f"rfc: {RFC.lower()}", "rfc: [rfc]"),
        ("escribir a ana.perez+avisos@correo.example.mx hoy", "escribir a [correo] hoy"),
        ("tel. 55 1234 5678 o +52 81-1234-5678", "tel. [teléfono] o [teléfono]"),
        (
            "folio ATN-2026-00001234, caso 123456789012345",
            "folio ATN-2026-00001234, caso 123456789012345",
        ),
        ("tel. 333-123-4567", "tel. [teléfono]"),
        (
            "intentos anteriores a 2026-11-29 18:38:42.77+00:00",
            "intentos anteriores a 2026-11-29 18:38:42.77+00:00",
        ),
    ],
)
def test_identifiers_are_masked_and_other_numbers_kept(text, expected):
    assert mask_personal_data(text) == expected


def test_the_configured_console_handler_masks_messages_arguments_and_tracebacks():
    # Given the project's console handler (settings.LOGGING), writing into a buffer
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    logger = logging.getLogger("cases.tests")
    try:
        # When a record carries an NSS and an e-mail in its arguments and a CURP in its exception
        try:
            raise ValueError(f"CURP inválida: {CURP}")
        except ValueError:
            logger.error("Alta fallida para %s (%s)", NSS, "ana@example.com", exc_info=True)
    finally:
        handler.setStream(previous)

    # Then neither the identifiers nor the e-mail appear in what the handler wrote
    output = buffer.getvalue()
    for secret in (NSS, CURP, "ana@example.com"):
        assert secret not in output
    assert "Alta fallida para [nss] ([correo])" in output
    assert "CURP inválida: [curp]" in output
