"""Helpers of the evidence GUI tests (selection, annotations, tags, incidents, exports): mouse drags delivered
at once (no nested event loop inside the test's coroutine), the backend's own JSON read with a separate
client (not the GUI's code), and the recordings panel opened on a stretch both cameras recorded."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.backend_link.process import read_token_file
from app.viewmodels.playback_time import US
from simulator.inventory import camera_id
from tests.test_gui_detections_timeline import frame_us, shared_recording
from tests.test_gui_support import wait_until
from tests.test_gui_timeline import log_in_with_backend

SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton


def send_mouse(
    widget: QWidget,
    kind: QEvent.Type,
    point: QPoint,
    button: Qt.MouseButton,
    buttons: Qt.MouseButton,
    modifiers: Qt.KeyboardModifier,
) -> None:
    event = QMouseEvent(kind, QPointF(point), QPointF(widget.mapToGlobal(point)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


async def drag(widget: QWidget, start: QPoint, end: QPoint, modifiers=SHIFT, steps: int = 6) -> None:
    """A left-button drag from ``start`` to ``end`` over ``widget`` with ``modifiers`` (pyqtgraph drops mouse
    moves closer together than its rate limit: the moves are spaced in time)."""
    send_mouse(widget, QEvent.Type.MouseButtonPress, start, LEFT, LEFT, modifiers)
    for i in range(1, steps + 1):
        await asyncio.sleep(0.04)
        point = QPoint(start.x() + (end.x() - start.x()) * i // steps, start.y() + (end.y() - start.y()) * i // steps)
        send_mouse(widget, QEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, LEFT, modifiers)
    await asyncio.sleep(0.04)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, end, LEFT, Qt.MouseButton.NoButton, modifiers)


async def backend_get(rt, data_dir, path: str, **params: Any) -> Any:
    """The bundled backend's JSON answer to ``GET path`` (its API token; a client of our own)."""
    token = read_token_file(data_dir / "api-token")
    async with httpx.AsyncClient(base_url=rt.vm.backend.url, timeout=20) as client:
        response = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


async def open_shared_recording(rt, simulator, seconds: int = 40) -> tuple[int, int]:
    """Log in (bundled backend), open cameras 0 and 1 at the start of a stretch both recorded; returns its
    ``(start_us, end_us)`` (frame times) once the lanes are drawn."""
    await log_in_with_backend(rt, simulator)
    vm = rt.vm.playback
    begin_ms, end_ms = shared_recording(int(vm.timeline.now_us() // 1000), seconds)
    start, end = frame_us(begin_ms), frame_us(end_ms)
    assert rt.vm.view_recordings([camera_id(0), camera_id(1)], at_us=start)
    rows = vm.timeline.rows
    await wait_until(lambda: all(r.lanes is not None for r in rows), 30, "the lanes")
    low, high = vm.timeline.visible_us
    factor = (end - start + 20 * US) / (high - low)
    vm.timeline.zoom(factor, round((start - 10 * US - low * factor) / (1 - factor)))
    return start, end
