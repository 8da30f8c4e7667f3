"""The API's one JSON parser: bounded nesting and errors that say in Spanish what is wrong.

DRF's parser answers a malformed body with the decoder's English text ("Expecting value: line
1 column 29") and lets a body nested thousands of levels deep end in a RecursionError (a 500).
This one reads the body as UTF-8 (or the charset the request declares), refuses NaN and
Infinity (not JSON), and refuses more than ``MAX_JSON_DEPTH`` levels of arrays and objects, each
as a 400 problem ("Solicitud mal formada") whose detail names the fault.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No body the API takes nests deeper than a few levels (a case with its contact: three).
MAX_JSON_DEPTH = 32


class _NotJsonConstant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJsonConstant(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as Infinity
        raise _NotJsonConstant(text)
    return value


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (iterative: no recursion to exhaust)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, Mapping) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return False


def _charset(parser_context: Mapping[str, Any]) -> str:
    encoding = str(parser_context.get("encoding") or settings.DEFAULT_CHARSET)
    try:
        "".encode(encoding)  # text codecs only (a bytes-to-bytes codec could decompress a bomb)
    except (LookupError, UnicodeError):
        raise ParseError(
            _("La codificación «%(name)s» no se admite; use UTF-8.") % {"name": encoding[:40]}
        ) from None
    return encoding


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = _charset(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            if encoding.lower().replace("-", "").replace("_", "") == "utf8":
                raise ParseError(_("El cuerpo no está en UTF-8.")) from None
            raise ParseError(_("El cuerpo no está en %(name)s.") % {"name": encoding}) from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except _NotJsonConstant:
            raise ParseError(_("NaN e Infinity no son válidos en JSON.")) from None
        except json.JSONDecodeError as error:
            raise ParseError(
                _("El cuerpo no es JSON válido (línea %(line)d, columna %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except ValueError:  # an integer of more digits than Python converts
            raise ParseError(_("El cuerpo no es JSON válido.")) from None
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = isinstance(data, (list, dict)) and json_depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise ParseError(
                _("El JSON anida más de %(limit)d niveles de listas y objetos.")
                % {"limit": MAX_JSON_DEPTH}
            )
        return data
