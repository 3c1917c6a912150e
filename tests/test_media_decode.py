"""Decode worker: H.264/JPEG packets encoded at test time -> PyAV decode -> FFmpeg scaling -> newest-frame slot.

Every source picture carries a ``media.stamp`` stamp (camera index + timestamp), so the tests check *which*
picture came out, after scaling, not just that something did.
"""

from __future__ import annotations

import io
import threading
import time
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from media.decode_pool import DecodePool
from media.frames import DecodedFrame
from media.packet_queue import EncodedPacket, PacketQueue
from media.stamp import Stamp, draw_stamp, read_stamp
from media.stream_decoder import StreamDecoder
from media.stream_stats import StatsCounter
from milestone.clock import ManualClock
from milestone.models import VideoCodec

T0_MS = 1_790_000_000_000
FRAME_MS = 66
CAMERA = 5


def stamped_picture(width: int, height: int, index: int, camera: int = CAMERA) -> np.ndarray:
    """An RGB picture with a moving gradient (so the encoder has real work) and the stamp for ``index``."""
    x = np.linspace(0, 255, width, dtype=np.float32)
    image = np.empty((height, width, 3), np.uint8)
    image[..., 0] = (x[None, :] + index * 7) % 256
    image[..., 1] = 128
    image[..., 2] = np.linspace(40, 200, height, dtype=np.float32)[:, None]
    draw_stamp(image, Stamp(camera, T0_MS + index * FRAME_MS))
    return image


def encode_h264(count: int, *, width: int = 640, height: int = 360, gop: int = 10, camera: int = CAMERA):
    """Encode ``count`` stamped pictures with libx264 (no B-frames); return EncodedPackets, one per picture."""
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt = width, height, "yuv420p"
    enc.time_base = Fraction(1, 1000)
    enc.framerate = Fraction(15, 1)
    enc.gop_size = gop
    enc.options = {"preset": "ultrafast", "tune": "zerolatency", "keyint_min": str(gop), "sc_threshold": "0"}
    out: list[EncodedPacket] = []

    def collect(packets) -> None:
        for p in packets:
            out.append(EncodedPacket(bytes(p), VideoCodec.H264, bool(p.is_keyframe), T0_MS + int(p.pts), 0.0))

    for i in range(count):
        frame = av.VideoFrame.from_ndarray(stamped_picture(width, height, i, camera), format="rgb24")
        frame.pts = i * FRAME_MS
        collect(enc.encode(frame))
    collect(enc.encode(None))
    assert len(out) == count
    return out


def encode_jpeg(count: int, *, width: int = 640, height: int = 360) -> list[EncodedPacket]:
    """Stamped JPEG files (as the ImageServer sends with ``alwaysstdjpeg=yes``)."""
    out = []
    for i in range(count):
        buf = io.BytesIO()
        Image.fromarray(stamped_picture(width, height, i)).save(buf, format="JPEG", quality=85)
        out.append(EncodedPacket(buf.getvalue(), VideoCodec.JPEG, True, T0_MS + i * FRAME_MS, 0.0))
    return out


@pytest.fixture(scope="module")
def h264_packets() -> list[EncodedPacket]:
    return encode_h264(40)


@pytest.fixture
def pool():
    p = DecodePool(2)
    yield p
    p.close()


class Harness:
    """A StreamDecoder on a real pool, with helpers to wait for the worker."""

    def __init__(self, pool: DecodePool, queue: PacketQueue | None = None) -> None:
        self.clock = ManualClock()
        self.stats = StatsCounter()
        self.notified = threading.Semaphore(0)
        self.notifications = 0
        self.decoder = StreamDecoder(pool, self.clock, self.stats, on_frame=self._notify, packet_queue=queue)

    def _notify(self) -> None:
        self.notifications += 1
        self.notified.release()

    def feed(self, packets, *, received: float | None = None) -> None:
        for p in packets:
            if received is not None:
                p = EncodedPacket(p.payload, p.codec, p.key_frame, p.picture_ms, received)
            self.decoder.submit(p)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every submitted packet was decoded or dropped."""
        deadline = time.monotonic() + timeout
        while self.decoder.queued() or self.decoder._scheduled:
            assert time.monotonic() < deadline, "decode worker did not drain its queue"
            time.sleep(0.005)

    def next_frame(self, timeout: float = 10.0) -> DecodedFrame:
        assert self.notified.acquire(timeout=timeout), "no frame notification"
        frame = self.decoder.slot.take()
        assert frame is not None
        return frame


def stamp_of(frame: DecodedFrame) -> Stamp:
    stamp = read_stamp(frame.data)
    assert stamp is not None, f"no readable stamp in a {frame.width}x{frame.height} frame"
    return stamp


def test_every_frame_decodes_scaled_with_its_stamp(pool, h264_packets):
    h = Harness(pool)
    h.decoder.set_output_size(160, 160)  # a square tile: 16:9 video fits as 160x90
    h.clock.advance(1.5)
    for i, packet in enumerate(h264_packets[:20]):
        h.feed([packet], received=h.clock.monotonic())
        frame = h.next_frame()
        assert (frame.width, frame.height) == (160, 90)
        assert frame.data.shape == (90, 160, 4) and frame.data.dtype == np.uint8
        assert frame.data.flags["C_CONTIGUOUS"]
        assert (frame.data[..., 3] == 255).all()  # BGRA with opaque alpha: QImage.Format_RGB32
        assert stamp_of(frame) == Stamp(CAMERA, T0_MS + i * FRAME_MS)
        assert frame.picture_ms == T0_MS + i * FRAME_MS
        assert frame.received_monotonic == h.clock.monotonic()
        h.clock.advance(0.066)
    stats = h.stats.snapshot()
    assert stats.frames_decoded == 20
    assert stats.dropped_unshown == 0 and stats.dropped_before_decode == 0 and stats.decode_errors == 0


def test_colours_survive_in_bgra_order(pool):
    # A pure red picture must come out as B=low, G=low, R=high in BGRA memory order.
    packets = []
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt = 320, 180, "yuv420p"
    enc.time_base = Fraction(1, 1000)
    enc.options = {"preset": "ultrafast", "tune": "zerolatency"}
    red = np.zeros((180, 320, 3), np.uint8)
    red[..., 0] = 220
    frame = av.VideoFrame.from_ndarray(red, format="rgb24")
    frame.pts = 0
    for p in [*enc.encode(frame), *enc.encode(None)]:
        packets.append(EncodedPacket(bytes(p), VideoCodec.H264, bool(p.is_keyframe), T0_MS, 0.0))
    h = Harness(pool)
    h.feed(packets)
    b, g, r, a = h.next_frame().data[90, 160]
    assert r > 180 and g < 60 and b < 60 and a == 255


def test_native_size_and_resizing_mid_stream(pool, h264_packets):
    h = Harness(pool)
    h.feed(h264_packets[:1])
    first = h.next_frame()
    assert (first.width, first.height) == (640, 360)  # 0,0 = native
    h.decoder.set_output_size(1280, 1000)  # larger tile: scaled up to fit, aspect kept
    h.feed(h264_packets[1:2])
    second = h.next_frame()
    assert (second.width, second.height) == (1280, 720)
    assert stamp_of(second).timestamp_ms == T0_MS + FRAME_MS
    h.decoder.set_output_size(300, 100)  # wide, short tile: height limits
    h.feed(h264_packets[2:3])
    third = h.next_frame()
    assert (third.width, third.height) == (176, 100)
    assert stamp_of(third).timestamp_ms == T0_MS + 2 * FRAME_MS


def test_slow_consumer_gets_the_newest_frame_and_drops_are_counted(pool, h264_packets):
    h = Harness(pool, PacketQueue(max_gops=100))  # isolate the slot: the queue never trims here
    h.decoder.set_output_size(320, 180)
    h.feed(h264_packets)  # 40 pictures, nobody takes any
    h.settle()
    frame = h.decoder.slot.take()
    assert frame is not None
    assert stamp_of(frame).timestamp_ms == T0_MS + 39 * FRAME_MS  # the newest
    assert h.decoder.slot.take() is None  # each frame is handed out once
    stats = h.stats.snapshot()
    assert stats.frames_decoded == 40
    assert stats.dropped_unshown == 39  # every other decoded frame was never shown
    assert stats.dropped_before_decode == 0
    # Notifications are coalesced: the slot was never emptied, so only the first frame announced itself.
    assert h.notifications == 1


class _Blocker:
    """A decode job that holds a pool thread until released (a stalled decoder)."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.release = threading.Event()

    def run_batch(self) -> bool:
        self.running.set()
        assert self.release.wait(10)
        return False

    def fail(self, error: BaseException) -> None:  # pragma: no cover - run_batch does not raise
        raise AssertionError(error)


def test_stalled_decoder_drops_whole_gops_and_resumes_at_a_key_frame(h264_packets):
    pool = DecodePool(1)
    try:
        blocker = _Blocker()
        pool.submit(blocker)
        assert blocker.running.wait(5)
        queue = PacketQueue(max_packets=1000, max_gops=2)
        h = Harness(pool, queue)
        h.feed(h264_packets)  # 40 packets, GOP 10, while the only decode thread is stuck
        assert queue.key_frames <= 2
        assert len(queue) <= 20  # bounded to two GOPs
        assert h.decoder._queue._items[0].key_frame  # decoding will resume at a key frame
        dropped = h.stats.snapshot().dropped_before_decode
        assert dropped == 40 - len(queue) == 20
        blocker.release.set()
        h.settle()
    finally:
        pool.close()
    stats = h.stats.snapshot()
    assert stats.decode_errors == 0  # nothing was decoded without its references
    assert stats.frames_decoded == 20
    frame = h.decoder.slot.take()
    assert frame is not None and stamp_of(frame).timestamp_ms == T0_MS + 39 * FRAME_MS


def test_waits_for_a_key_frame_and_recovers_from_damage(pool, h264_packets):
    h = Harness(pool)
    h.feed(h264_packets[3:10])  # a connection joining mid-GOP: nothing decodable until the key frame
    h.settle()
    assert h.stats.snapshot().dropped_before_decode == 7
    assert h.decoder.slot.take() is None
    bad = EncodedPacket(b"\x00\x00\x00\x01\x65" + bytes(range(256)) * 4, VideoCodec.H264, True, T0_MS, 0.0)
    h.feed([h264_packets[10], bad, *h264_packets[11:15]])
    h.settle()
    stats = h.stats.snapshot()
    assert stats.decode_errors == 1
    assert "InvalidDataError" in stats.last_error
    assert stats.dropped_before_decode == 7 + 4  # the rest of the damaged GOP waited for a key frame
    h.feed(h264_packets[20:22])  # next key frame: decoding is back
    h.settle()
    frame = h.decoder.slot.take()
    assert frame is not None and stamp_of(frame).timestamp_ms == T0_MS + 21 * FRAME_MS


def test_new_connection_gets_a_fresh_decoder(pool, h264_packets):
    h = Harness(pool)
    h.feed(h264_packets[:5])
    h.settle()
    h.decoder.new_connection()
    # The next connection delivers a different stream (another camera, another size).
    other = encode_h264(3, width=320, height=240, camera=9)
    h.feed(other)
    h.settle()
    frame = h.decoder.slot.take()
    assert frame is not None
    assert (frame.width, frame.height) == (320, 240)
    assert stamp_of(frame) == Stamp(9, T0_MS + 2 * FRAME_MS)
    assert h.stats.snapshot().decode_errors == 0


def test_jpeg_packets_decode_with_the_mjpeg_decoder(pool):
    h = Harness(pool)
    h.decoder.set_output_size(320, 320)
    packets = encode_jpeg(3)
    for i, packet in enumerate(packets):
        h.feed([packet])
        frame = h.next_frame()
        assert (frame.width, frame.height) == (320, 180)
        assert stamp_of(frame) == Stamp(CAMERA, T0_MS + i * FRAME_MS)


def test_closed_decoder_publishes_nothing(pool, h264_packets):
    h = Harness(pool)
    h.decoder.close()
    h.feed(h264_packets[:3])
    time.sleep(0.05)
    assert h.decoder.slot.take() is None
    assert h.stats.snapshot().frames_decoded == 0 and h.notifications == 0
