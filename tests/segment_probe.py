"""Checking a closed segment's record against what reading the file back gives (``probe_segment``)."""

from __future__ import annotations

import dataclasses

from media.recorder import ClosedSegment, probe_segment
from media.segment_writer import DEFAULT_FRAME_US


def assert_probe_agrees(seg: ClosedSegment) -> None:
    """The writer's record of ``seg`` equals the probe of its file.

    A one-frame file (recording stopped just after a cut) carries no frame spacing: the writer uses the spacing
    of the camera's previous segment, the probe can only assume its default, so only the duration (and the end
    it gives) may differ there; every other field must agree.
    """
    probed = probe_segment(seg.path)
    assert probed is not None, f"{seg.path} does not probe"
    if seg.frames == 1:
        assert probed.media_duration_us == DEFAULT_FRAME_US
        probed = dataclasses.replace(probed, end_us=seg.end_us, media_duration_us=seg.media_duration_us)
    assert probed == seg
