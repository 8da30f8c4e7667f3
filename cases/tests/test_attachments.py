"""Attachments: checked by content, stored privately, served only to who may see the case (SPEC §9)."""

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.services import api_client_create
from cases.events import Actor
from cases.models import Attachment, CaseEvent
from cases.services.content import attachment_add, attachment_open, original_name_clean
from infonavit_atencion.core.errors import InvalidTransition, ValidationFailed

from .support import LATER, RECEIVED
from .support import act as _act
from .support import routed_case as _routed_case
from .support import snapshot as _snapshot

pytestmark = pytest.mark.django_db


# --- Attachments ----------------------------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
PNG = _png()
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DOCX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES_XML,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES_XML,
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook/>",
    }
)


@pytest.fixture
def private_root(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    return Path(settings.PRIVATE_MEDIA_ROOT)


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "sniffed"),
    [
        pytest.param("constancia.png", PNG, "image/png", id="png"),
        pytest.param("estado-de-cuenta.pdf", PDF, "application/pdf", id="pdf"),
        pytest.param(
            "foto.bin",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 32,
            "image/jpeg",
            id="jpeg-any-name",
        ),
        pytest.param(
            "animacion.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif", id="gif"
        ),
        pytest.param(
            "escaneo.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 16, "image/tiff", id="tiff"
        ),
        pytest.param(
            "foto.webp", b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 16, "image/webp", id="webp"
        ),
        pytest.param(
            "nota.txt",
            "Pagos de enero a marzo: ✓ año 2026\n".encode(),
            "text/plain",
            id="utf8-text",
        ),
        pytest.param(
            "carta.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            id="docx",
        ),
        pytest.param(
            "pagos.xlsx",
            XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="xlsx",
        ),
    ],
)
def test_an_allowed_file_is_attached_with_its_sniffed_type(
    agent, area_staff, private_root, name, content, sniffed
):
    # Given a case and an upload whose declared content type is a lie
    case = _routed_case(agent)
    upload = SimpleUploadedFile(name, content, content_type="application/x-msdownload")

    # When it is attached
    attachment = attachment_add(case.folio, upload, Actor(user=area_staff), LATER)

    # Then the type comes from the content and everything is recorded
    digest = hashlib.sha256(content).hexdigest()
    assert (
        attachment.content_type,
        attachment.size,
        attachment.sha256,
        attachment.original_name,
    ) == (
        sniffed,
        len(content),
        digest,
        name,
    )
    assert attachment.uploaded_by_user == area_staff
    assert attachment.file.name == f"casos/{case.pk}/{digest}"
    case.refresh_from_db()
    assert case.version == 3
    event = CaseEvent.objects.get(case=case, kind="updated")
    assert event.data == {
        "attachment": attachment.pk,
        "name": name,
        "sha256": digest,
        "size": len(content),
    }
    assert (event.at, event.actor_user) == (LATER, area_staff)


def test_the_stored_file_is_private_named_by_its_hash_and_reads_back(
    agent, area_staff, private_root, settings
):
    case = _routed_case(agent)

    attachment = attachment_add(
        case.folio, ContentFile(PDF, name="recibo.pdf"), Actor(user=area_staff), LATER
    )

    stored = _stored_files(private_root)
    assert stored == [private_root / "casos" / str(case.pk) / hashlib.sha256(PDF).hexdigest()]
    assert stored[0].read_bytes() == PDF
    assert _stored_files(Path(settings.MEDIA_ROOT)) == []
    assert _stored_files(Path(settings.STATIC_ROOT)) == []
    with attachment_open(Attachment.objects.get(pk=attachment.pk)) as handle:
        assert handle.read() == PDF


def test_the_same_file_twice_on_a_case_is_stored_once(agent, area_staff, private_root):
    case = _routed_case(agent)
    first = attachment_add(
        case.folio, SimpleUploadedFile("a.png", PNG), Actor(user=area_staff), LATER
    )

    second = attachment_add(
        case.folio, SimpleUploadedFile("b.png", PNG), Actor(user=area_staff), LATER
    )

    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert len(_stored_files(private_root)) == 1
    assert CaseEvent.objects.filter(case=case, kind="updated").count() == 2


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "factura.pdf",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            id="html-named-pdf",
        ),
        pytest.param("nota.txt", b"\n  <html><body>hola</body></html>", id="html-named-txt"),
        pytest.param(
            "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', id="svg"
        ),
        pytest.param("datos.txt", b'<?xml version="1.0"?><svg/>', id="xml-svg"),
        pytest.param("notas.txt", b"Hola\n<script>fetch('/api')</script>\n", id="script-in-text"),
        pytest.param(
            "instalar.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            id="exe",
        ),
        pytest.param("leeme.txt", b"MZ esto parece texto", id="mz-header-without-nul"),
        pytest.param("programa.txt", ELF, id="elf"),
        pytest.param("script.txt", b"#!/bin/sh\nrm -rf /\n", id="shell-script"),
        pytest.param("binario.txt", b"texto\x00con nulo", id="nul-byte"),
        pytest.param("latin1.txt", "año".encode("latin-1"), id="not-utf8"),
        pytest.param("carta.docx", _zip({"documento.xml": b"<doc/>"}), id="zip-without-ooxml"),
        pytest.param(
            "carta.docx",
            _zip({"[Content_Types].xml": CONTENT_TYPES_XML, "ppt/presentation.xml": b"<p/>"}),
            id="pptx",
        ),
        pytest.param(
            "macro.docx",
            _zip(
                {
                    "[Content_Types].xml": CONTENT_TYPES_XML,
                    "word/document.xml": b"<w/>",
                    "word/vbaProject.bin": b"\x00",
                }
            ),
            id="docx-with-macros",
        ),
        pytest.param("archivo.pdf", b"PK\x03\x04 not really a zip", id="broken-zip"),
        pytest.param("audio.pdf", b"ID3\x03\x00\x00\x00" + b"\x00" * 32, id="mp3"),
    ],
)
def test_a_file_type_outside_the_allow_list_is_refused_and_changes_nothing(
    agent, area_staff, private_root, name, content
):
    case = _routed_case(agent)
    before = _snapshot(case)

    with pytest.raises(ValidationFailed) as refusal:
        attachment_add(
            case.folio,
            SimpleUploadedFile(name, content, content_type="application/pdf"),
            Actor(user=area_staff),
            LATER,
        )

    assert [(e.field, e.code) for e in refusal.value.errors] == [("file", "type_not_allowed")]
    assert _snapshot(case) == before
    assert _stored_files(private_root) == []


def test_an_empty_file_is_refused(agent, area_staff, private_root):
    case = _routed_case(agent)
    before = _snapshot(case)

    with pytest.raises(ValidationFailed) as refusal:
        attachment_add(
            case.folio, SimpleUploadedFile("vacio.pdf", b""), Actor(user=area_staff), LATER
        )

    assert [(e.field, e.code, e.message) for e in refusal.value.errors] == [
        ("file", "empty", "El archivo está vacío.")
    ]
    assert _snapshot(case) == before
    assert _stored_files(private_root) == []


@override_settings(ATTACHMENT_MAX_BYTES=2 * 1024 * 1024)
def test_a_file_over_the_limit_is_refused_with_the_limit_in_mb(agent, area_staff, private_root):
    case = _routed_case(agent)
    before = _snapshot(case)
    content = PDF + b"0" * (2 * 1024 * 1024)

    with pytest.raises(ValidationFailed) as refusal:
        attachment_add(
            case.folio, SimpleUploadedFile("grande.pdf", content), Actor(user=area_staff), LATER
        )

    assert [(e.field, e.code) for e in refusal.value.errors] == [("file", "too_large")]
    assert "2 MB" in refusal.value.errors[0].message
    assert _snapshot(case) == before
    assert _stored_files(private_root) == []


@override_settings(ATTACHMENT_MAX_BYTES=len(PNG))
def test_a_file_exactly_at_the_limit_is_accepted(agent, area_staff, private_root):
    case = _routed_case(agent)

    attachment = attachment_add(
        case.folio, SimpleUploadedFile("limite.png", PNG), Actor(user=area_staff), LATER
    )

    assert attachment.size == len(PNG)


@override_settings(ATTACHMENT_MAX_BYTES=16)
def test_a_file_whose_declared_size_lies_is_measured_while_read(agent, area_staff, private_root):
    case = _routed_case(agent)
    upload = ContentFile(PDF, name="mentira.pdf")
    upload.size = 10  # what a client might claim

    with pytest.raises(ValidationFailed) as refusal:
        attachment_add(case.folio, upload, Actor(user=area_staff), LATER)

    assert refusal.value.errors[0].code == "too_large"


@pytest.mark.parametrize("final", ["close", "cancel"])
def test_a_closed_or_cancelled_case_takes_no_attachment(agent, area_staff, private_root, final):
    case = _act(_routed_case(agent), "take", area_staff, RECEIVED)
    if final == "close":
        case = _act(case, "resolve", area_staff, RECEIVED, resolution="Listo.")
    case = _act(case, final, area_staff, RECEIVED, reason="Duplicado")
    before = _snapshot(case)

    with pytest.raises(InvalidTransition):
        attachment_add(case.folio, SimpleUploadedFile("a.pdf", PDF), Actor(user=area_staff), LATER)

    assert _snapshot(case) == before
    assert _stored_files(private_root) == []


def test_an_api_client_upload_is_attributed_to_it(agent, private_root):
    client, _key = api_client_create("Portal", "MICUENTA", ["cases:write"])
    case = _routed_case(agent)

    attachment = attachment_add(
        case.folio, SimpleUploadedFile("a.pdf", PDF), Actor(client=client), LATER
    )

    assert (attachment.uploaded_by_user, attachment.uploaded_by_client) == (None, client)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("recibo.pdf", "recibo.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Documentos\\recibo de pago.pdf", "recibo de pago.pdf"),
        ("nombre\x00oculto\n.pdf", "nombreoculto.pdf"),
        ("", "adjunto"),
        ("..", "adjunto"),
        (None, "adjunto"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_the_original_name_is_kept_only_as_a_clean_basename(given, kept):
    assert original_name_clean(given) == kept
