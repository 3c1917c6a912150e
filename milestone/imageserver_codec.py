"""ImageServer protocol codec: requests, responses and GenericByteData packets, both directions.

Pure functions and a sans-I/O stream splitter, shared by the client (``milestone.imageserver``) and the
simulator, so that both sides speak exactly the same bytes. Source: MILESTONE_PROTOCOL.md §3 ([ISDOC],
[P] ``TcpVideoViewer/ImageServerConnection.cs``, [GBD]).

Framing: every request is one ``<methodcall>`` XML document followed by CR LF CR LF. Responses are either
XML (``<methodresponse>`` or a ``<livepackage>`` status) followed by CR LF CR LF, or an image response: header
lines ``Name: value`` each ending in CR LF, a blank line, exactly ``Content-length`` bytes, then CR LF CR LF.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from milestone.errors import ProtocolError
from milestone.imageserver_gbd import (
    CODECS,
    GBD_FLAG_KEY_FRAME,
    GBD_HEADER,
    GBD_VIDEO_TYPE,
    GbdPacket,
    pack_gbd,
    unpack_gbd,
)
from milestone.imageserver_status import LiveStatus
from milestone.models import ImageFrame, VideoCodec

__all__ = [
    "CONTENT_TYPE_GBD",
    "CONTENT_TYPE_JPEG",
    "GBD_FLAG_KEY_FRAME",
    "GBD_HEADER",
    "GBD_VIDEO_TYPE",
    "GbdPacket",
    "LiveStatus",
    "MethodCall",
    "MethodResponse",
    "RequestReader",
    "ResponseReader",
    "build_image_response",
    "build_live_status",
    "build_method_call",
    "build_method_response",
    "connect_params",
    "image_frame_from",
    "pack_gbd",
    "parse_connectparam",
    "parse_method_call",
    "parse_xml_response",
    "unpack_gbd",
]

TERMINATOR = b"\r\n\r\n"
CONTENT_TYPE_JPEG = "image/jpeg"
CONTENT_TYPE_GBD = "application/x-genericbytedata-octet-stream"
MAX_XML_BYTES = 1 << 20  # a methodresponse or status larger than this is a protocol error
MAX_CONTENT_BYTES = 64 << 20  # one image larger than this is a protocol error
# The image response header exactly as MILESTONE_PROTOCOL.md §3 shows it (and the simulator sends it): parsed
# with one regular expression; any other spelling or order takes the general header parser.
_IMAGE_HEAD = re.compile(
    rb"ImageResponse\r\nRequestId: (\d{1,18})\r\nPrev: (\d{1,18})\r\nCurrent: (\d{1,18})\r\n"
    rb"Next: (\d{1,18})\r\nContent-length: (\d{1,18})\r\nContent-type: ([^\r\n:]*)\r\n\r\n"
)

# A status message (optionally after an XML declaration): kept raw by the splitter, see imageserver_status.
_LIVEPACKAGE = re.compile(rb"(?:<\?xml[^>]*\?>\s*)?<livepackage[\s>]")

# ---------------------------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class MethodCall:
    """A parsed ``<methodcall>``: request id, method name and every other child element as text."""

    request_id: int
    method: str
    params: dict[str, str] = field(default_factory=dict)


def build_method_call(request_id: int, method: str, params: dict[str, str] | None = None) -> bytes:
    """Encode one request as single-line XML plus the CR LF CR LF terminator.

    ``params`` are child elements in order; values are XML-escaped here (so ``&`` in ``connectparam``
    becomes ``&amp;`` as the vendor sample sends it).
    """
    parts = [f"<requestid>{int(request_id)}</requestid><methodname>{escape(method)}</methodname>"]
    for name, value in (params or {}).items():
        parts.append(f"<{name}>{escape(str(value))}</{name}>")
    body = "".join(parts)
    return f'<?xml version="1.0" encoding="utf-8"?><methodcall>{body}</methodcall>'.encode() + TERMINATOR


def connect_params(
    camera_id: str, vms_token: str, stream_id: str | None = None, *, jpeg: bool = False
) -> dict[str, str]:
    """Parameters of ``connect``: the vms_token travels in ``connectparam`` (MILESTONE_PROTOCOL.md §3).

    The ``username``/``password`` elements are the placeholder ``a`` the vendor sample sends when a
    connection token is used.
    """
    connectparam = f"id={camera_id}"
    if stream_id:
        connectparam += f"&streamid={stream_id}"
    connectparam += f"&connectiontoken={vms_token}"
    return {
        "username": "a",
        "password": "a",
        "cameraid": camera_id,
        "alwaysstdjpeg": "yes" if jpeg else "no",
        "connectparam": connectparam,
    }


def parse_connectparam(value: str) -> dict[str, str]:
    """Split ``id=..&streamid=..&connectiontoken=..`` into a dict (keys lower-cased)."""
    out: dict[str, str] = {}
    for item in value.split("&"):
        if "=" in item:
            key, _, val = item.partition("=")
            out[key.strip().lower()] = val.strip()
    return out


def parse_method_call(raw: bytes) -> MethodCall:
    """Parse one request (without its terminator). Raises ProtocolError on malformed XML."""
    root = _parse_xml(raw)
    if root.tag != "methodcall":
        raise ProtocolError(f"expected <methodcall>, got <{root.tag}>")
    params = {child.tag: (child.text or "") for child in root}
    method = params.pop("methodname", "")
    try:
        request_id = int(params.pop("requestid", ""))
    except ValueError as exc:
        raise ProtocolError("methodcall without a numeric requestid") from exc
    if not method:
        raise ProtocolError("methodcall without methodname")
    return MethodCall(request_id, method, params)


# --------------------------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class MethodResponse:
    """A parsed ``<methodresponse>``: request id, method name, other children as text."""

    request_id: int
    method: str
    fields: dict[str, str] = field(default_factory=dict)


def build_method_response(request_id: int, method: str, fields: dict[str, str] | None = None) -> bytes:
    """Encode a ``<methodresponse>`` with its terminator (server side)."""
    body = f"<requestid>{int(request_id)}</requestid><methodname>{escape(method)}</methodname>"
    body += "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in (fields or {}).items())
    return f'<?xml version="1.0" encoding="UTF-8"?><methodresponse>{body}</methodresponse>'.encode() + TERMINATOR


def build_live_status(status_time_ms: int, items: dict[str, str]) -> bytes:
    """Encode a ``<livepackage>`` status message with its terminator (server side)."""
    inner = "".join(f'<statusitem id="{escape(k)}" value="{escape(v)}"/>' for k, v in items.items())
    xml = f"<livepackage><status><statustime>{int(status_time_ms)}</statustime>{inner}</status></livepackage>"
    return xml.encode() + TERMINATOR


def build_image_response(
    request_id: int, current_ms: int, prev_ms: int, next_ms: int, content_type: str, content: bytes
) -> bytes:
    """Encode an image response: headers, blank line, content, CR LF CR LF (server side).

    With no recording at the requested time, pass zeros and empty content (MILESTONE_PROTOCOL.md §3).
    """
    head = (
        f"ImageResponse\r\nRequestId: {int(request_id)}\r\nPrev: {int(prev_ms)}\r\n"
        f"Current: {int(current_ms)}\r\nNext: {int(next_ms)}\r\nContent-length: {len(content)}\r\n"
        f"Content-type: {content_type}\r\n\r\n"
    )
    return head.encode("ascii") + content + TERMINATOR


# ---------------------------------------------------------------------------------------- stream splitter

Message = MethodResponse | LiveStatus | ImageFrame


class ResponseReader:
    """Sans-I/O splitter of the server-to-client byte stream into messages.

    ``feed(data)`` appends received bytes and returns every complete message: MethodResponse, LiveStatus or
    ImageFrame. Raises ProtocolError when the stream cannot be a valid ImageServer stream; after that the
    connection must be closed (the reader's state is undefined).
    """

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes | bytearray | memoryview) -> list[Message]:
        self._buf += data
        out: list[Message] = []
        while True:
            msg = self._next()
            if msg is None:
                return out
            out.append(msg)

    def _next(self) -> Message | None:
        buf = self._buf
        start = 0
        while start < len(buf) and buf[start] in b"\r\n \t":
            start += 1
        if start:
            del buf[:start]
        if not buf:
            return None
        if buf.startswith(b"ImageResponse"[: len(buf)]):
            return self._image()
        if buf[:1] != b"<":
            raise ProtocolError(f"unexpected bytes at message start: {bytes(buf[:16])!r}")
        end = buf.find(TERMINATOR)
        if end < 0:
            if len(buf) > MAX_XML_BYTES:
                raise ProtocolError("XML response without terminator")
            return None
        raw = bytes(buf[:end])
        del buf[: end + len(TERMINATOR)]
        if _LIVEPACKAGE.match(raw):  # status: parsed only if someone reads it (imageserver_status)
            return LiveStatus.from_xml(raw)
        return parse_xml_response(raw)

    def _image(self) -> ImageFrame | None:
        buf = self._buf
        fast = _IMAGE_HEAD.match(buf)
        if fast is not None:
            return self._fast_image(fast)
        head_end = buf.find(TERMINATOR)
        if head_end < 0:
            if len(buf) > 4096:
                raise ProtocolError("image response header without blank line")
            return None
        headers = _parse_headers(bytes(buf[:head_end]))
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError as exc:
            raise ProtocolError("non-numeric Content-length") from exc
        if length < 0 or length > MAX_CONTENT_BYTES:
            raise ProtocolError(f"Content-length {length} out of range")
        body_start = head_end + len(TERMINATOR)
        total = body_start + length + len(TERMINATOR)
        if len(buf) < total:
            return None
        if buf[body_start + length : total] != TERMINATOR:
            raise ProtocolError("image response content not followed by CR LF CR LF")
        content = bytes(buf[body_start : body_start + length])
        del buf[:total]
        return image_frame_from(headers, content)

    def _fast_image(self, head: re.Match[bytes]) -> ImageFrame | None:
        """The common header layout: the same checks and result as the general path, without a dict."""
        buf = self._buf
        length = int(head[5])
        if length > MAX_CONTENT_BYTES:
            raise ProtocolError(f"Content-length {length} out of range")
        body = head.end()
        total = body + length + len(TERMINATOR)
        if len(buf) < total:
            return None
        if buf[total - len(TERMINATOR) : total] != TERMINATOR:
            raise ProtocolError("image response content not followed by CR LF CR LF")
        ctype = head[6].decode("latin-1").strip()
        request_id, prev, current, nxt = int(head[1]), int(head[2]), int(head[3]), int(head[4])
        if length >= GBD_HEADER.size and ctype.startswith(CONTENT_TYPE_GBD):
            dtype, size, codec, seq, flags, sync_ms, pic_ms, _ = GBD_HEADER.unpack_from(buf, body)
            if dtype == GBD_VIDEO_TYPE and size == length and codec in CODECS:
                with memoryview(buf) as view:
                    payload = view[body + GBD_HEADER.size : body + length].tobytes()
                del buf[:total]
                return ImageFrame(
                    request_id,
                    current,
                    prev,
                    nxt,
                    ctype,
                    CODECS[codec],
                    bool(flags & GBD_FLAG_KEY_FRAME),
                    pic_ms,
                    sync_ms,
                    payload,
                    seq,
                )
        # Anything else (and every error) as the general path does. (The match's groups read the buffer: use
        # them only before it changes.)
        headers = {"requestid": request_id, "prev": prev, "current": current, "next": nxt}
        content = bytes(buf[body : body + length])
        del buf[:total]
        return image_frame_from({k: str(v) for k, v in headers.items()} | {"content-type": ctype}, content)


def parse_xml_response(raw: bytes) -> MethodResponse | LiveStatus:
    """Parse one XML response (without terminator) into MethodResponse or LiveStatus."""
    root = _parse_xml(raw)
    if root.tag == "methodresponse":
        fields = {child.tag: (child.text or "") for child in root}
        try:
            request_id = int(fields.pop("requestid", "-1"))
        except ValueError as exc:
            raise ProtocolError("methodresponse with non-numeric requestid") from exc
        return MethodResponse(request_id, fields.pop("methodname", ""), fields)
    if root.tag == "livepackage":
        status = root.find("status")
        if status is None:
            return LiveStatus(0, {})
        try:
            stime = int(status.findtext("statustime") or 0)
        except ValueError as exc:
            raise ProtocolError("livepackage with non-numeric statustime") from exc
        items = {el.get("id", ""): el.get("value", "") for el in status.iter("statusitem")}
        return LiveStatus(stime, items)
    raise ProtocolError(f"unexpected XML response <{root.tag}>")


def image_frame_from(headers: dict[str, str], content: bytes) -> ImageFrame:
    """Build an ImageFrame from parsed image-response headers (lower-case names) and content."""

    def num(name: str) -> int:
        try:
            return int(headers.get(name, "0") or 0)
        except ValueError as exc:
            raise ProtocolError(f"non-numeric {name} header") from exc

    ctype = headers.get("content-type", "")
    request_id, current, prev, nxt = num("requestid"), num("current"), num("prev"), num("next")
    if not content:
        return ImageFrame(request_id, current, prev, nxt, ctype, VideoCodec.JPEG, False, current, current, b"")
    if ctype.startswith(CONTENT_TYPE_GBD):
        pkt = unpack_gbd(content)
        return ImageFrame(
            request_id,
            current,
            prev,
            nxt,
            ctype,
            pkt.codec,
            pkt.key_frame,
            pkt.picture_ms,
            pkt.sync_ms,
            pkt.payload,
            pkt.sequence_number,
        )
    if ctype.startswith("image/jpeg"):
        return ImageFrame(request_id, current, prev, nxt, ctype, VideoCodec.JPEG, True, current, current, content)
    raise ProtocolError(f"unsupported image Content-type {ctype!r}")


def _parse_headers(raw: bytes) -> dict[str, str]:
    lines = raw.decode("latin-1").split("\r\n")
    if not lines or lines[0].strip() != "ImageResponse":
        raise ProtocolError("image response without ImageResponse line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"malformed image response header {line[:40]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def _parse_xml(raw: bytes) -> ET.Element:
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ProtocolError(f"malformed XML: {exc}") from exc


class RequestReader:
    """Sans-I/O splitter of the client-to-server byte stream into MethodCall requests (server side)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[MethodCall]:
        """Append bytes; return every complete request. Raises ProtocolError on malformed requests."""
        self._buf += data
        out: list[MethodCall] = []
        while True:
            end = self._buf.find(TERMINATOR)
            if end < 0:
                if len(self._buf) > MAX_XML_BYTES:
                    raise ProtocolError("request without terminator")
                return out
            raw = bytes(self._buf[:end]).strip()
            del self._buf[: end + len(TERMINATOR)]
            if raw:
                out.append(parse_method_call(raw))
