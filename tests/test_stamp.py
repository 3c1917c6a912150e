"""The frame stamp survives H.264 encoding and down-scaling, and rejects frames that carry none."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from media.stamp import Stamp, draw_stamp, read_stamp, stamp_bits


def test_round_trip_on_raw_pixels():
    img = np.full((360, 640, 3), 128, dtype=np.uint8)
    draw_stamp(img, Stamp(7, 1_790_000_123_456))
    assert read_stamp(img) == Stamp(7, 1_790_000_123_456)


def test_luma_plane_and_bgra_are_readable():
    luma = np.zeros((360, 640), dtype=np.uint8)
    draw_stamp(luma, Stamp(3, 42))
    assert read_stamp(luma) == Stamp(3, 42)
    bgra = np.dstack([luma, luma, luma, np.full_like(luma, 255)])
    assert read_stamp(bgra) == Stamp(3, 42)


def test_unstamped_or_damaged_frame_reads_none():
    rng = np.random.default_rng(1)
    assert read_stamp(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)) is None
    img = np.zeros((360, 640, 3), dtype=np.uint8)
    draw_stamp(img, Stamp(1, 1000))
    img[:16, 300:330] = 255 - img[:16, 300:330]  # flip data bits: the CRC must catch it
    assert read_stamp(img) is None


def test_out_of_range_values_are_refused():
    with pytest.raises(ValueError):
        stamp_bits(Stamp(1 << 16, 0))
    with pytest.raises(ValueError):
        stamp_bits(Stamp(0, -1))


@pytest.mark.parametrize("size", [(640, 360), (320, 180), (160, 90)])
def test_survives_h264_and_scaling(size):
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt = 640, 360, "yuv420p"
    enc.time_base = Fraction(1, 15)
    enc.options = {"preset": "ultrafast", "tune": "zerolatency", "crf": "30"}
    dec = av.CodecContext.create("h264", "r")
    rng = np.random.default_rng(0)
    expected, seen = [], []
    for i in range(20):
        img = rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)  # worst case: noise around the stamp
        stamp = Stamp(i % 5, 1_790_000_000_000 + i * 67)
        draw_stamp(img, stamp)
        expected.append(stamp)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = i
        for packet in enc.encode(frame):
            for decoded in dec.decode(packet):
                seen.append(read_stamp(decoded.reformat(size[0], size[1], "rgb24").to_ndarray()))
    for packet in enc.encode(None):
        for decoded in dec.decode(packet):
            seen.append(read_stamp(decoded.reformat(size[0], size[1], "rgb24").to_ndarray()))
    assert seen == expected
