"""Segment writer, probe, seal and thumbnails on real H.264 (libx264 through PyAV, stamped frames made here).

Every check decodes what was written and reads the stamps back (media.stamp), so "segment boundaries lose no
frame" means the pictures, not just packet counts.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from media.encoder import H264Encoder, yuv420_shape
from media.recorder import EncodedPacket, SegmentWriter, probe_segment, seal_partial
from media.recorder_files import parse_segment_name
from media.recorder_h264 import NAL_PPS, NAL_SPS, START_CODE, AnnexBConverter, has_parameter_sets, nal_units
from media.recorder_timemap import WallClockMapper
from media.stamp import Stamp, draw_stamp, read_stamp
from media.thumbnail import make_thumbnail
from tests.segment_probe import assert_probe_agrees

REPO = Path(__file__).resolve().parents[1]
W, H, FPS = 640, 360, 15
T0_MS = 1_760_000_000_000  # 2025-10-09 UTC
CAMERA = 7


def frame_ms(n: int) -> int:
    """The time of frame ``n`` on a 15 fps grid (ms UTC)."""
    return T0_MS + n * 1000 // FPS


def encode(numbers: list[int], *, gop: int = FPS, noise: bool = False) -> dict[int, EncodedPacket]:
    """Stamped, encoded frames ``numbers`` (increasing); a key frame on every ``gop``-th frame number."""
    enc = H264Encoder(W, H, FPS)
    rng = np.random.default_rng(1)
    out = {}
    for n in numbers:
        img = np.full(yuv420_shape(W, H), 128, np.uint8)
        img[:H] = (np.arange(W)[None, :] + n * 7) % 256
        if noise:
            img[H // 2 : H] = rng.integers(0, 255, (H // 2, W), dtype=np.uint8)
        draw_stamp(img[:H], Stamp(CAMERA, frame_ms(n)))
        f = enc.encode(img, frame_ms(n), key_frame=n % gop == 0)
        out[n] = EncodedPacket(f.data, frame_ms(n) * 1000, f.key_frame)
    enc.close()
    return out


def decoded_stamps(path: Path) -> list[int]:
    """Decode a whole segment (errors fail the test); the frames' stamp times (ms), all from CAMERA."""
    times = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            stamp = read_stamp(frame.to_ndarray(format="rgb24"))
            assert stamp is not None and stamp.camera_index == CAMERA
            times.append(stamp.timestamp_ms)
    return times


def write_all(writer: SegmentWriter, packets) -> list:
    closed = []
    for p in packets:
        closed += writer.write(p)
    last = writer.close()
    return closed + ([last] if last else [])


def check_segment(seg) -> list[int]:
    """File facts match the record; returns the decoded stamp times."""
    data = seg.path.read_bytes()
    assert seg.size_bytes == len(data) and seg.sha256 == hashlib.sha256(data).hexdigest()
    assert not Path(str(seg.path) + ".partial").exists()
    times = decoded_stamps(seg.path)
    assert len(times) == seg.frames
    assert times[0] * 1000 == seg.start_us
    assert abs(seg.end_us - (times[-1] * 1000 + 1_000_000 // FPS)) <= 1000  # last frame + one frame
    assert_probe_agrees(seg)
    return times


def assert_continuous(times: list[int]) -> None:
    steps = {b - a for a, b in itertools.pairwise(times)}
    assert steps <= {66, 67}, f"frame steps {sorted(steps)}"


def test_segments_cut_at_key_frames_decode_and_continue(tmp_path):
    packets = encode(list(range(100)))
    writer = SegmentWriter(tmp_path, "cam-7", segment_seconds=2.0)
    segs = write_all(writer, packets.values())
    assert [s.start_us // 1000 for s in segs] == [frame_ms(n) for n in (0, 30, 60, 90)]
    all_times = []
    for seg in segs:
        assert seg.container == "mpegts" and seg.codec == "h264" and (seg.width, seg.height) == (W, H)
        assert seg.path.parent == tmp_path / "cam-7" / "20251009"
        assert seg.path.name == f"{seg.start_us}.ts"
        all_times += check_segment(seg)
    assert all_times == [frame_ms(n) for n in range(100)]  # nothing lost or repeated at the boundaries
    assert_continuous(all_times)
    assert [s.key_frames for s in segs] == [2, 2, 2, 1]
    assert writer.stats.frames_written == 100 and writer.stats.segments_closed == 4
    assert not list(tmp_path.rglob("*.partial"))


def test_a_gap_closes_the_segment_and_the_next_starts_at_a_key_frame(tmp_path):
    numbers = list(range(25)) + list(range(70, 100))  # 3 s without frames; resumes mid-GOP at frame 70
    packets = encode(numbers)
    writer = SegmentWriter(tmp_path, "cam", segment_seconds=60.0, gap_seconds=2.0)
    segs = write_all(writer, packets.values())
    assert len(segs) == 2
    assert check_segment(segs[0]) == [frame_ms(n) for n in range(25)]
    assert check_segment(segs[1]) == [frame_ms(n) for n in range(75, 100)]
    assert writer.stats.frames_skipped == 5  # 70..74 have no key frame to start from
    assert segs[0].end_us <= segs[1].start_us


def test_time_going_backwards_starts_a_new_segment(tmp_path):
    first = encode(list(range(30, 60)))
    again = encode(list(range(0, 20)))  # a camera clock set back by two seconds
    writer = SegmentWriter(tmp_path, "cam")
    segs = write_all(writer, [*first.values(), *again.values()])
    assert [check_segment(s) for s in segs] == [[frame_ms(n) for n in range(30, 60)], [frame_ms(n) for n in range(20)]]


def test_frames_resent_after_a_reconnect_continue_the_same_segment(tmp_path):
    packets = encode(list(range(60)))
    plain = list(packets.values())
    reconnect = EncodedPacket(plain[15].data, plain[15].time_us, True, discontinuity=True)
    stream = [*plain[:21], reconnect, *plain[16:]]  # the new connection starts with the current GOP (15..20) again
    writer = SegmentWriter(tmp_path, "cam")
    segs = write_all(writer, stream)
    assert len(segs) == 1
    assert check_segment(segs[0]) == [frame_ms(n) for n in range(60)]
    assert writer.stats.frames_resent == 6


def test_a_reconnect_that_lost_frames_starts_a_new_segment(tmp_path):
    packets = encode(list(range(60)))
    stream = list(packets.values())[:21]
    stream += [EncodedPacket(p.data, p.time_us, p.key_frame, discontinuity=(n == 24)) for n, p in packets.items()][24:]
    writer = SegmentWriter(tmp_path, "cam")
    segs = write_all(writer, stream)
    assert [check_segment(s) for s in segs] == [[frame_ms(n) for n in range(21)], [frame_ms(n) for n in range(30, 60)]]
    assert writer.stats.frames_skipped == 6  # 24..29: P-frames referring to frames never received


def test_key_frames_without_parameter_sets_get_the_remembered_ones(tmp_path):
    packets = encode(list(range(60)))

    def strip(p: EncodedPacket) -> EncodedPacket:
        units = [u for u in nal_units(p.data) if u[0] & 0x1F not in (NAL_SPS, NAL_PPS)]
        return EncodedPacket(b"".join(START_CODE + u for u in units), p.time_us, p.key_frame)

    stream = [p if n == 0 else strip(p) for n, p in packets.items()]
    assert stream[30].data != packets[30].data
    segs = write_all(SegmentWriter(tmp_path, "cam", segment_seconds=1.0), stream)
    assert len(segs) == 4  # each starts at a stripped key frame but decodes on its own
    assert [t for s in segs for t in check_segment(s)] == [frame_ms(n) for n in range(60)]


def test_other_codecs_and_unsafe_camera_keys_are_refused(tmp_path):
    writer = SegmentWriter(tmp_path, "cam")
    with pytest.raises(ValueError, match="h265"):
        writer.write(EncodedPacket(b"\x00\x00\x00\x01\x40\x01", T0_MS * 1000, True, codec="h265"))
    for key in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            SegmentWriter(tmp_path, key)


_KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from tests.test_recorder_writer import encode
    from media.segment_writer import SegmentWriter
    writer = SegmentWriter({spool!r}, "cam", segment_seconds=3600)
    for packet in encode(list(range(45)), noise=True).values():
        writer.write(packet)
    print("WRITTEN", writer.current_path, flush=True)
    time.sleep(60)
    """
)


def test_a_writer_killed_mid_segment_leaves_a_partial_that_seals(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER.format(repo=str(REPO), spool=str(tmp_path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("WRITTEN "), line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    partial = Path(line.split(" ", 1)[1].strip())
    assert partial.name.endswith(".ts.partial") and partial.stat().st_size > 100_000
    size_before = partial.stat().st_size
    sealed = seal_partial(partial)
    assert sealed is not None and not partial.exists()
    assert sealed.path == partial.with_name(partial.name.removesuffix(".partial"))
    assert sealed.size_bytes < size_before and sealed.size_bytes % 188 == 0
    times = check_segment(sealed)  # decodes completely, stamps match, probe agrees
    assert times == [frame_ms(n) for n in range(len(times))] and 20 <= len(times) < 45
    assert sealed.key_frames == len([n for n in range(len(times)) if n % FPS == 0])


def test_garbage_and_truncated_files_are_not_segments(tmp_path):
    segs = write_all(SegmentWriter(tmp_path, "cam", segment_seconds=1.0), encode(list(range(30))).values())
    good = segs[0].path
    day = good.parent
    garbage = day / f"{T0_MS * 1000 + 5}.ts"
    garbage.write_bytes(os.urandom(50_000))
    assert probe_segment(garbage) is None
    stub = day / f"{T0_MS * 1000 + 6}.ts"
    stub.write_bytes(good.read_bytes()[:600])  # PAT/PMT and no whole frame
    assert probe_segment(stub) is None
    empty_partial = day / f"{T0_MS * 1000 + 7}.ts.partial"
    empty_partial.write_bytes(good.read_bytes()[:600])
    assert seal_partial(empty_partial) is None and empty_partial.stat().st_size == 600  # untouched
    assert probe_segment(tmp_path / "notes.txt") is None
    with pytest.raises(ValueError):
        seal_partial(good)
    assert parse_segment_name(good) == ("cam", segs[0].start_us, "mpegts")


def test_thumbnail_is_a_small_jpeg_of_the_key_frame():
    key = encode([0])[0]
    jpeg = make_thumbnail(key.data, width=320)
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and image.size == (320, 180)
    assert read_stamp(np.asarray(image.convert("RGB"))) == Stamp(CAMERA, T0_MS)


def test_wall_clock_mapper_spreads_a_probe_burst_and_reanchors_on_jumps():
    mapper: WallClockMapper[int] = WallClockMapper(settle_s=1.0, max_jump_s=3.0, max_drift_s=30.0)
    wall = 1_000_000_000_000
    out = []
    for n in range(30):  # 2 s of buffered packets handed out at once when the demuxer finished probing
        out += mapper.push(n, 10.0 + n / 15, wall)
    assert out == []  # held while settling
    for n in range(30, 60):  # then live, one packet per frame interval
        out += mapper.push(n, 10.0 + n / 15, wall + (n - 29) * 1_000_000 // 15)
    assert [m.item for m in out][:5] == [0, 1, 2, 3, 4] and out[0].discontinuity
    assert not any(m.discontinuity for m in out[1:])
    by_item = {m.item: m.time_us for m in out}
    assert abs(by_item[29] - wall) <= 1  # the newest buffered packet arrived "now"
    assert abs(by_item[0] - (wall - 29 * 1_000_000 // 15)) <= 1  # the burst keeps its real spacing
    last = out[-1].time_us
    back = mapper.push(60, 2.0, wall + 3_000_000)  # pts went backwards: a restarted stream
    back += mapper.push(61, 3.5, wall + 4_500_000)
    assert back and back[0].discontinuity and back[0].time_us > last
    assert all(b.time_us > a.time_us for a, b in itertools.pairwise(back))


def test_mp4_style_streams_become_annex_b_with_parameter_sets(tmp_path):
    """An MP4 file (avcC extradata, length-prefixed NAL units) made here with libx264, demuxed and converted."""
    source = tmp_path / "camera.mp4"
    with av.open(str(source), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "bf": "0", "g": str(FPS)})
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        for n in range(45):
            img = np.zeros((H, W, 3), np.uint8)
            img[:, :, 1] = (np.arange(W)[None, :] + n * 7) % 256
            draw_stamp(img, Stamp(CAMERA, frame_ms(n)))
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = n
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    packets = []
    with av.open(str(source)) as demuxer:
        video = demuxer.streams.video[0]
        assert video.codec_context.extradata[0] == 1  # avcC
        converter = AnnexBConverter(video)
        assert converter.filtering
        for raw in demuxer.demux(video):
            for data, key, ts in converter.convert(raw):
                assert data.startswith((b"\x00\x00\x00\x01", b"\x00\x00\x01"))
                assert not key or has_parameter_sets(data)
                packets.append(EncodedPacket(data, T0_MS * 1000 + int(ts * video.time_base * 1_000_000), key))
    assert len(packets) == 45 and sum(p.key_frame for p in packets) == 3
    segs = write_all(SegmentWriter(tmp_path / "spool", "cam", segment_seconds=1.0), packets)
    assert len(segs) == 3
    times = [t for s in segs for t in decoded_stamps(s.path)]
    assert times == [frame_ms(n) for n in range(45)]
