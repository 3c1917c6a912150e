"""Simulator ImageServer playback (goto / next / previous) over real sockets (MILESTONE_PROTOCOL.md §3).

Expected frames are computed from the pure ``simulator.history`` and the 15 fps grid; every picture is
identified by its decoded stamp.
"""

from __future__ import annotations

import io
import time

import av
import pytest

from media.stamp import Stamp, read_stamp
from milestone.models import ImageFrame
from simulator import history
from simulator.inventory import camera_id
from simulator.probe import RawImageServer, vms_token
from simulator.timeline import FrameGrid

CAM = 1  # on Recording Server 1
GRID = FrameGrid(15)


@pytest.fixture(scope="module")
def token(simulator):
    return vms_token(simulator.management_url, simulator.password)


@pytest.fixture(scope="module")
def two_sequences():
    """Two consecutive recording sequences of CAM, well in the past."""
    now = int(time.time() * 1000)
    seqs = [s for s in history.recording_sequences(CAM, now - 8 * 3_600_000, now) if s[1] < now - 600_000]
    assert len(seqs) >= 2
    return seqs[-2], seqs[-1]


def _first(seq):
    return GRID.time_of(GRID.index_at_or_after(seq[0]))


def _last(seq):
    return GRID.time_of(GRID.index_at_or_before(seq[1] - 1))


def _jpeg_stamp(frame: ImageFrame) -> Stamp | None:
    return read_stamp(next(av.open(io.BytesIO(frame.payload)).decode(video=0)).to_ndarray(format="rgb24"))


async def _open(sim, token: str, jpeg: bool) -> RawImageServer:
    conn = await RawImageServer.open("127.0.0.1", sim.recorder_ports[0])
    assert (await conn.connect(camera_id(CAM), token, jpeg=jpeg)).fields["connected"] == "yes"
    return conn


async def _goto(conn: RawImageServer, t_ms: int) -> ImageFrame:
    frame = await conn.call("goto", {"time": str(t_ms), "compressionrate": "75", "keyframesonly": "no"})
    assert isinstance(frame, ImageFrame)
    return frame


async def _step(conn: RawImageServer, method: str) -> ImageFrame:
    frame = await conn.call(method)
    assert isinstance(frame, ImageFrame)
    return frame


async def test_goto_next_previous_in_jpeg(simulator, token, two_sequences):
    (b1, e1), _ = two_sequences
    conn = await _open(simulator, token, jpeg=True)
    try:
        target = _first((b1, e1)) + 5_000 + 10
        frame = await _goto(conn, target)
        expected = GRID.time_of(GRID.index_at_or_before(target))
        assert frame.current_ms == expected and frame.content_type == "image/jpeg"
        assert frame.prev_ms == GRID.time_of(GRID.index_at_or_before(expected - 1))
        assert frame.next_ms == GRID.time_of(GRID.index_at_or_after(expected + 1))
        assert _jpeg_stamp(frame) == Stamp(CAM, expected)
        nxt = await _step(conn, "next")
        assert nxt.current_ms == frame.next_ms and _jpeg_stamp(nxt) == Stamp(CAM, nxt.current_ms)
        back = await _step(conn, "previous")
        assert back.current_ms == expected and _jpeg_stamp(back) == Stamp(CAM, expected)
    finally:
        await conn.close()


async def test_gap_gives_zeros_and_stepping_crosses_it(simulator, token, two_sequences):
    first_seq, second_seq = two_sequences
    conn = await _open(simulator, token, jpeg=True)
    try:
        empty = await _goto(conn, (first_seq[1] + second_seq[0]) // 2)
        assert (empty.current_ms, empty.prev_ms, empty.next_ms, empty.payload) == (0, 0, 0, b"")
        after = await _step(conn, "next")
        assert after.current_ms == _first(second_seq)
        assert after.prev_ms == _last(first_seq), "Prev of a sequence's first frame: last frame of the one before"
        assert _jpeg_stamp(after) == Stamp(CAM, after.current_ms)
        before = await _step(conn, "previous")
        assert before.current_ms == _last(first_seq) and before.next_ms == _first(second_seq)
        assert history.is_recorded(CAM, before.current_ms) and _jpeg_stamp(before) == Stamp(CAM, before.current_ms)
    finally:
        await conn.close()


async def test_h264_gop_decodes_from_its_key_frame(simulator, token, two_sequences):
    (b1, e1), _ = two_sequences
    key = (_first((b1, e1)) // 1000 + 3) * 1000  # a whole second inside the sequence: a key frame
    conn = await _open(simulator, token, jpeg=False)
    try:
        mid = await _goto(conn, key + 500)
        assert not mid.key_frame and mid.sync_ms == key, "mid-GOP frames name their key frame"
        frames = [await _goto(conn, key)]
        for _ in range(16):
            frames.append(await _step(conn, "next"))
    finally:
        await conn.close()
    assert frames[0].key_frame and frames[0].current_ms == key
    assert [f.key_frame for f in frames] == [True] + [False] * 14 + [True, False]
    assert all(f.sync_ms == key for f in frames[:15]) and frames[15].sync_ms == key + 1000
    decoder = av.CodecContext.create("h264", "r")
    stamps = []
    for f in frames:
        for picture in decoder.decode(av.Packet(f.payload)):
            stamps.append(read_stamp(picture.to_ndarray(format="rgb24")))
    assert stamps == [Stamp(CAM, f.current_ms) for f in frames]


async def test_end_of_recordings_repeats_the_newest_frame(simulator, token):
    """At the live edge ``Next == Current``: the vendor sample's end-of-video condition."""
    now = int(time.time() * 1000)
    index = next(i for i in range(8) if history.is_recorded(i, now) and history.is_recorded(i, now + 20_000))
    conn = await RawImageServer.open("127.0.0.1", simulator.recorder_ports[0 if index < 4 else 1])
    try:
        assert (await conn.connect(camera_id(index), token, jpeg=True)).fields["connected"] == "yes"
        far = await _goto(conn, now + 3_600_000)
        assert far.current_ms == 0, "the future is not recorded"
        frame = await _goto(conn, int(time.time() * 1000) - 1)
        for _ in range(30):  # catch up with the live edge (time moves on while we step)
            if frame.next_ms == frame.current_ms:
                break
            frame = await _step(conn, "next")
        assert frame.current_ms > 0 and frame.next_ms == frame.current_ms
        again = await _step(conn, "next")
        assert again.current_ms >= frame.current_ms and _jpeg_stamp(again) == Stamp(index, again.current_ms)
    finally:
        await conn.close()
