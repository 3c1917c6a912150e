"""The ``<livepackage>`` status messages the ImageServer interleaves with live images, parsed only when read.

Source: MILESTONE_PROTOCOL.md §3 (live status: ``<livepackage><status><statustime>`` and ``<statusitem id
value>`` elements, about once a second per live stream). A recorder never looks at them, so the stream
splitter (``milestone.imageserver_codec.ResponseReader``) keeps each as its raw XML and the XML is parsed the
first time ``status_time_ms`` or ``items`` is read: one XML parse per status actually looked at, none for the
recorder's streams. Re-exported by ``milestone.imageserver_codec``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from milestone.errors import ProtocolError


class LiveStatus:
    """A ``<livepackage><status>`` message interleaved with live images.

    ``status_time_ms`` is ``statustime`` (ms UTC); ``items`` maps ``statusitem`` id to value. Built either from
    values (``LiveStatus(status_time_ms, items)``) or, by the stream splitter, from the raw XML
    (:meth:`from_xml`), which is parsed on first access: malformed XML then raises ProtocolError from the
    property, not from the splitter. Compares equal by value; treat as immutable.
    """

    __slots__ = ("_items", "_raw", "_time_ms")

    def __init__(self, status_time_ms: int, items: dict[str, str] | None = None) -> None:
        self._raw: bytes | None = None
        self._time_ms = int(status_time_ms)
        self._items = dict(items or {})

    @classmethod
    def from_xml(cls, raw: bytes) -> LiveStatus:
        """A status whose XML ``raw`` (one ``<livepackage>`` document, no terminator) is parsed when first read."""
        status = cls.__new__(cls)
        status._raw = bytes(raw)
        status._time_ms = 0
        status._items = {}
        return status

    @property
    def status_time_ms(self) -> int:
        self._parse()
        return self._time_ms

    @property
    def items(self) -> dict[str, str]:
        self._parse()
        return self._items

    def _parse(self) -> None:
        raw = self._raw
        if raw is None:
            return
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as exc:
            raise ProtocolError(f"malformed XML: {exc}") from exc
        if root.tag != "livepackage":
            raise ProtocolError(f"expected <livepackage>, got <{root.tag}>")
        status = root.find("status")
        if status is not None:
            try:
                self._time_ms = int(status.findtext("statustime") or 0)
            except ValueError as exc:
                raise ProtocolError("livepackage with non-numeric statustime") from exc
            self._items = {el.get("id", ""): el.get("value", "") for el in status.iter("statusitem")}
        self._raw = None

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, LiveStatus):
            return NotImplemented
        return (self.status_time_ms, self.items) == (other.status_time_ms, other.items)

    __hash__ = None  # type: ignore[assignment]  # mutable items, as before: not hashable

    def __repr__(self) -> str:
        if self._raw is not None:
            return f"LiveStatus(<{len(self._raw)} bytes of XML, not parsed yet>)"
        return f"LiveStatus(status_time_ms={self._time_ms}, items={self._items!r})"
