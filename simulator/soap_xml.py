"""SOAP 1.1 plumbing shared by the simulator's ServerCommandService and RecorderCommandService.

Parsing is namespace-tolerant (elements are matched by local name, as .NET services effectively do for the
parameter elements clients send); responses use the vendor's namespaces (MILESTONE_PROTOCOL.md §1, §4).
Times: ``xs:dateTime`` in UTC with 7 fractional digits (``2023-07-20T18:52:49.0530000Z``) both ways, ms inside.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from calendar import timegm
from datetime import UTC, datetime
from xml.sax.saxutils import escape

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MIN_DATETIME = "0001-01-01T00:00:00"
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$", re.IGNORECASE
)


class SoapRequestError(ValueError):
    """The body is not a SOAP envelope with one call in its Body."""


def local_name(tag: str) -> str:
    """``{namespace}Name`` -> ``Name``."""
    return tag.rsplit("}", 1)[-1]


def parse_call(body: bytes) -> tuple[str, ET.Element]:
    """Return the local name of the operation element in the SOAP Body and the element itself.

    Raises SoapRequestError on malformed XML or a missing Body/operation.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapRequestError(f"malformed XML: {exc}") from exc
    if local_name(root.tag) != "Envelope":
        raise SoapRequestError("not a SOAP envelope")
    soap_body = next((el for el in root if local_name(el.tag) == "Body"), None)
    if soap_body is None or len(soap_body) == 0:
        raise SoapRequestError("SOAP envelope without an operation in its Body")
    operation = soap_body[0]
    return local_name(operation.tag), operation


def child(element: ET.Element, name: str) -> ET.Element | None:
    """The first child with local name ``name`` (case-insensitive), or None."""
    wanted = name.lower()
    return next((el for el in element if local_name(el.tag).lower() == wanted), None)


def child_text(element: ET.Element, name: str) -> str | None:
    """Stripped text of the child ``name``; None when absent, "" when empty."""
    el = child(element, name)
    return None if el is None else (el.text or "").strip()


def envelope(body_xml: str) -> bytes:
    """Wrap operation XML in a SOAP 1.1 envelope (UTF-8 with declaration)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body>{body_xml}</soap:Body></soap:Envelope>"
    ).encode()


def fault(
    faultstring: str, error_number: str = "", sub_error_number: int | None = None, code: str = "soap:Server"
) -> bytes:
    """A SOAP fault envelope with the vendor's ``detail`` shape (MILESTONE_PROTOCOL.md §4)."""
    detail = f"<ErrorNumber>{escape(error_number)}</ErrorNumber>" if error_number else "<ErrorNumber />"
    if sub_error_number is not None:
        detail += f"<SubErrorNumber>{sub_error_number}</SubErrorNumber>"
    return envelope(
        f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{escape(faultstring)}</faultstring>"
        f"<detail>{detail}</detail></soap:Fault>"
    )


def format_time(t_ms: int) -> str:
    """ms UTC -> ``YYYY-MM-DDTHH:MM:SS.fffffffZ`` (7 fractional digits)."""
    moment = datetime.fromtimestamp(t_ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{t_ms % 1000:03d}0000Z"


def parse_time(text: str) -> int:
    """``xs:dateTime`` -> ms UTC. No zone means UTC; fractions beyond ms are truncated.

    Raises ValueError on anything else.
    """
    m = _ISO.match(text or "")
    if not m:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, zone = m.group(7) or "", m.group(8) or "Z"
    seconds = timegm((year, month, day, hour, minute, second, 0, 0, 0))
    ms = seconds * 1000 + int((frac + "000")[:3])
    if zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        ms -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60) * 1000
    return ms
