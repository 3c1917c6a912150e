"""GenericByteData video packets: the 32-byte big-endian header the ImageServer puts before each access unit.

Source: MILESTONE_PROTOCOL.md §3 ([GBD]). Pure functions shared by the client and the simulator; re-exported
by ``milestone.imageserver_codec``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from milestone.errors import ProtocolError
from milestone.models import VideoCodec

GBD_HEADER = struct.Struct(">HIHHHQQI")  # 32 bytes, big-endian
GBD_VIDEO_TYPE = 0x0010
GBD_FLAG_KEY_FRAME = 0x0001
CODECS = {codec.value: codec for codec in VideoCodec}  # GenericByteData codec field -> VideoCodec


def pack_gbd(
    codec: VideoCodec, sequence_number: int, key_frame: bool, sync_ms: int, picture_ms: int, payload: bytes
) -> bytes:
    """Wrap an Annex-B access unit in the 32-byte GenericByteData video header ([GBD], big-endian)."""
    flags = GBD_FLAG_KEY_FRAME if key_frame else 0
    header = GBD_HEADER.pack(
        GBD_VIDEO_TYPE,
        GBD_HEADER.size + len(payload),
        codec.value,
        sequence_number & 0xFFFF,
        flags,
        sync_ms,
        picture_ms,
        0,
    )
    return header + payload


@dataclass(frozen=True, slots=True)
class GbdPacket:
    """Decoded GenericByteData video header plus payload."""

    codec: VideoCodec
    sequence_number: int
    key_frame: bool
    sync_ms: int
    picture_ms: int
    payload: bytes


def unpack_gbd(data: bytes) -> GbdPacket:
    """Parse a GenericByteData video packet. Raises ProtocolError on a short, foreign or inconsistent header."""
    if len(data) < GBD_HEADER.size:
        raise ProtocolError(f"GenericByteData packet of {len(data)} bytes is shorter than its header")
    dtype, total, codec, seq, flags, sync_ms, pic_ms, _ = GBD_HEADER.unpack_from(data)
    if dtype != GBD_VIDEO_TYPE:
        raise ProtocolError(f"GenericByteData data type 0x{dtype:04x} is not video")
    if total != len(data):
        raise ProtocolError(f"GenericByteData length field {total} != packet size {len(data)}")
    try:
        vcodec = VideoCodec(codec)
    except ValueError as exc:
        raise ProtocolError(f"unknown GenericByteData codec 0x{codec:04x}") from exc
    return GbdPacket(vcodec, seq, bool(flags & GBD_FLAG_KEY_FRAME), sync_ms, pic_ms, data[GBD_HEADER.size :])
