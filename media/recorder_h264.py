"""H.264 Annex-B helpers for the recorder: NAL unit scanning, in-band parameter sets, picture size of a key frame.

Annex-B (ITU-T H.264 Annex B): NAL units separated by start codes ``00 00 01`` / ``00 00 00 01``; the NAL unit
type is the low 5 bits of the byte after the start code (5 = IDR slice, 7 = SPS, 8 = PPS, 9 = access unit
delimiter). Only key frames are scanned (a few NAL units each), so the per-packet cost stays negligible.
"""

from __future__ import annotations

import av
from av.bitstream import BitStreamFilterContext

NAL_IDR = 5
NAL_SPS = 7
NAL_PPS = 8
START_CODE = b"\x00\x00\x00\x01"


def nal_units(data: bytes) -> list[bytes]:
    """The NAL units of an Annex-B buffer, without start codes (trailing zero bytes of a unit trimmed)."""
    units: list[bytes] = []
    pos = data.find(b"\x00\x00\x01")
    while pos >= 0:
        start = pos + 3
        nxt = data.find(b"\x00\x00\x01", start)
        end = len(data) if nxt < 0 else nxt
        unit = data[start:end].rstrip(b"\x00") if nxt >= 0 else data[start:end]
        if unit:
            units.append(unit)
        pos = nxt
    return units


def nal_types(data: bytes) -> list[int]:
    """NAL unit types (0..31) of an Annex-B buffer, in order."""
    return [unit[0] & 0x1F for unit in nal_units(data)]


def parameter_sets(data: bytes) -> bytes | None:
    """The SPS and PPS NAL units of ``data`` as Annex-B (4-byte start codes), or None unless both are present.

    Only the NAL units before the first slice (types 1..5) are looked at, where H.264 puts an access unit's
    parameter sets (ITU-T H.264 7.4.1.2.3): the slice data, nearly all of a key frame, is not scanned."""
    sps: list[bytes] = []
    pps: list[bytes] = []
    pos = data.find(b"\x00\x00\x01")
    while pos >= 0:
        start = pos + 3
        if start >= len(data):
            break
        kind = data[start] & 0x1F
        if 1 <= kind <= NAL_IDR:
            break
        nxt = data.find(b"\x00\x00\x01", start)
        if kind in (NAL_SPS, NAL_PPS):
            unit = data[start:nxt].rstrip(b"\x00") if nxt >= 0 else data[start:]
            (sps if kind == NAL_SPS else pps).append(unit)
        pos = nxt
    if not sps or not pps:
        return None
    return b"".join(START_CODE + u for u in sps + pps)


def has_parameter_sets(data: bytes) -> bool:
    """True when ``data`` carries both an SPS and a PPS in-band."""
    types = set(nal_types(data))
    return NAL_SPS in types and NAL_PPS in types


def is_avcc(extradata: bytes | None) -> bool:
    """True when codec extradata is an ``avcC`` record (MP4 style, length-prefixed NAL units), not Annex-B."""
    return extradata is not None and len(extradata) > 0 and extradata[0] == 1


class AnnexBConverter:
    """A demuxed H.264 stream's packets as Annex-B access units, each key frame preceded by SPS/PPS.

    Streams with MP4-style ``avcC`` extradata (length-prefixed NAL units: MP4/MKV files, some HTTP sources) go
    through FFmpeg's ``h264_mp4toannexb`` bitstream filter, which also inserts the parameter sets before IDRs;
    Annex-B streams whose parameter sets come only out of band (RTSP: SDP ``sprop-parameter-sets``, in the
    extradata) get them prepended to key frames that lack them. Not thread-safe: one per demuxer.
    """

    def __init__(self, stream: av.video.stream.VideoStream) -> None:
        extradata = stream.codec_context.extradata
        self._bsf = BitStreamFilterContext("h264_mp4toannexb", stream) if is_avcc(extradata) else None
        self._params = None if self._bsf is not None or not extradata else parameter_sets(bytes(extradata))

    @property
    def filtering(self) -> bool:
        """True when the stream is MP4-style and packets go through ``h264_mp4toannexb``."""
        return self._bsf is not None

    def convert(self, packet: av.Packet) -> list[tuple[bytes, bool, int | None]]:
        """``(annex_b_bytes, key_frame, dts or pts or None)`` for each access unit out of ``packet`` (times in
        the stream's time base; usually exactly one; none for an empty packet)."""
        out = []
        for p in self._bsf.filter(packet) if self._bsf is not None else (packet,):
            if p.size == 0:
                continue
            data = bytes(p)
            key = bool(p.is_keyframe)
            if key and self._params is not None and not has_parameter_sets(data):
                data = self._params + data
            out.append((data, key, p.dts if p.dts is not None else p.pts))
        return out


class PictureSizeProbe:
    """Width and height in pixels of H.264 key frames, by decoding one frame per distinct SPS (cached).

    A key frame must carry its SPS/PPS in-band (add them first if the stream sends them out of band). Not
    thread-safe: one probe per writer thread.
    """

    def __init__(self) -> None:
        self._cache: dict[bytes, tuple[int, int]] = {}

    def size(self, key_frame: bytes) -> tuple[int, int]:
        """``(width, height)`` of the pictures that follow this key frame; (0, 0) when it cannot be decoded."""
        sps = b"".join(u for u in nal_units(key_frame) if u[0] & 0x1F == NAL_SPS)
        cached = self._cache.get(sps)
        if cached is not None:
            return cached
        size = decode_size(key_frame)
        if sps and size != (0, 0):
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[sps] = size
        return size


def decode_size(key_frame: bytes) -> tuple[int, int]:
    """Decode one Annex-B key frame and return its ``(width, height)``; (0, 0) when nothing decodes."""
    ctx = av.CodecContext.create("h264", "r")
    try:
        frames = ctx.decode(av.Packet(key_frame))
        frames += ctx.decode(None)
    except av.error.FFmpegError:
        return (0, 0)
    for frame in frames:
        return (frame.width, frame.height)
    return (0, 0)
