"""Namespace-agnostic XML helpers for the SOAP services (ServerCommandService, RecorderCommandService).

XProtect's SOAP responses put their elements in service namespaces that differ between versions and between
WCF (``.svc``) and ASMX (``.asmx``) services, so every lookup here matches *local* names only
(MILESTONE_PROTOCOL.md §1, §4). Requests are built as text with every value XML-escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from milestone.errors import ProtocolError

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"

# A SOAP parameter value: text, or a list of texts serialised as repeated ``<guid>`` (or other) children.
SoapValue = str | int | Sequence[str]


def local_name(tag: str) -> str:
    """``{namespace}Name`` -> ``Name`` (a tag without a namespace is returned as is)."""
    return tag.rsplit("}", 1)[-1]


def parse(raw: bytes | str, what: str) -> ET.Element:
    """Parse an XML document; ``what`` names it in the ProtocolError raised when it is not well-formed."""
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ProtocolError(f"{what} is not well-formed XML ({exc})") from exc


def children(elem: ET.Element, name: str) -> list[ET.Element]:
    """Direct children of ``elem`` whose local name is ``name`` (case-sensitive, as XML is)."""
    return [child for child in elem if local_name(child.tag) == name]


def child(elem: ET.Element, name: str) -> ET.Element | None:
    """The first direct child with local name ``name``, or None."""
    for item in elem:
        if local_name(item.tag) == name:
            return item
    return None


def descendants(elem: ET.Element, name: str) -> Iterator[ET.Element]:
    """Every descendant (and ``elem`` itself) whose local name is ``name``, in document order."""
    for item in elem.iter():
        if local_name(item.tag) == name:
            yield item


def find(elem: ET.Element, name: str) -> ET.Element | None:
    """The first descendant (or ``elem`` itself) with local name ``name``, or None."""
    return next(descendants(elem, name), None)


def child_text(elem: ET.Element, name: str, default: str = "") -> str:
    """Stripped text of the first direct child named ``name``; ``default`` when absent or empty."""
    item = child(elem, name)
    if item is None or item.text is None:
        return default
    text = item.text.strip()
    return text if text else default


def find_text(elem: ET.Element, name: str, default: str = "") -> str:
    """Stripped text of the first descendant named ``name``; ``default`` when absent or empty."""
    item = find(elem, name)
    if item is None or item.text is None:
        return default
    text = item.text.strip()
    return text if text else default


def parse_bool(text: str) -> bool:
    """XML Schema boolean: ``true``/``1`` -> True, anything else -> False."""
    return text.strip().lower() in ("true", "1")


def element(name: str, value: SoapValue, item_name: str = "guid") -> str:
    """Serialise one SOAP parameter: ``<name>escaped</name>``, or ``<name><guid>a</guid>…</name>`` for a list.

    An empty string gives the empty element ``<name/>`` (as ``currentToken`` is sent on first Login).
    """
    if isinstance(value, str | int):
        text = escape(str(value))
        return f"<{name}>{text}</{name}>" if text else f"<{name}/>"
    items = "".join(f"<{item_name}>{escape(str(v))}</{item_name}>" for v in value)
    return f"<{name}>{items}</{name}>"


def soap_envelope(method: str, namespace: str, params: Iterable[tuple[str, SoapValue]]) -> bytes:
    """A SOAP 1.1 request envelope calling ``method`` in ``namespace`` with ordered, escaped parameters.

    Returns UTF-8 bytes with an XML declaration, as the vendor samples send them (MILESTONE_PROTOCOL.md §1).
    """
    body = "".join(element(name, value) for name, value in params)
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP_ENV_NS}"><s:Body>'
        f'<{method} xmlns="{escape(namespace)}">{body}</{method}></s:Body></s:Envelope>'
    )
    return xml.encode("utf-8")
