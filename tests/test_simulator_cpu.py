"""CPU cost of the simulator with 16 cameras live at 15 fps (measured and printed, not asserted).

The test asserts that every stream is delivered at (nearly) full rate during the measurement, so the CPU
figure describes a simulator that keeps up. Run with ``-s`` to see the figure.
"""

from __future__ import annotations

import asyncio
import time

import psutil

from milestone.imageserver_codec import ResponseReader
from milestone.models import ImageFrame
from simulator.inventory import camera_id
from simulator.probe import RawImageServer, vms_token

CAMERAS = 16
FPS = 15
MEASURE_S = 10.0


async def _count_frames(conn: RawImageServer, counts: list[int], slot: int, stop: asyncio.Event) -> None:
    # Read raw bytes and split them with the codec: the cheapest honest reader (no decoding).
    splitter = ResponseReader()
    while not stop.is_set():
        data = await conn.read_raw()
        if not data:
            return
        counts[slot] += sum(isinstance(m, ImageFrame) for m in splitter.feed(data))


async def test_cpu_for_16_live_cameras(make_simulator):
    sim = make_simulator(cameras=CAMERAS, fps=FPS)
    token = vms_token(sim.management_url, sim.password)
    conns = []
    for index in range(CAMERAS):
        port = sim.recorder_ports[0 if index < CAMERAS // 2 else 1]
        conn = await RawImageServer.open("127.0.0.1", port)
        assert (await conn.connect(camera_id(index), token)).fields["connected"] == "yes"
        await conn.send("live", {"compressionrate": "90"})
        conns.append(conn)
    counts = [0] * CAMERAS
    stop = asyncio.Event()
    readers = [asyncio.create_task(_count_frames(c, counts, i, stop)) for i, c in enumerate(conns)]
    proc = psutil.Process(sim.pid)
    try:
        await asyncio.sleep(2.0)  # warm-up: encoders started, first key frames sent
        before = list(counts)
        cpu0, t0 = proc.cpu_times(), time.monotonic()
        await asyncio.sleep(MEASURE_S)
        cpu1, t1 = proc.cpu_times(), time.monotonic()
        after = list(counts)
    finally:
        stop.set()
        for conn in conns:
            await conn.close()
        await asyncio.gather(*readers, return_exceptions=True)
    elapsed = t1 - t0
    cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    rates = [(a - b) / elapsed for a, b in zip(after, before, strict=True)]
    print(
        f"\nsimulator CPU, {CAMERAS} cameras live at {FPS} fps: {cpu_s / elapsed:.2f} cores "
        f"({100 * cpu_s / elapsed:.0f}% of one core) over {elapsed:.1f} s; "
        f"delivered {min(rates):.1f}..{max(rates):.1f} fps per camera"
    )
    assert min(rates) >= 0.8 * FPS, rates
