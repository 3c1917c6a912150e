"""Shared helpers and fixtures of the GUI tests (imported by the tests/test_gui_*.py modules).

GUI scenarios are coroutines run on the application's real qasync loop (``Runtime.run``), so that Qt events,
queued signals from the media engine and asyncio I/O all progress together, exactly as in the product. Waiting
is done with ``wait_until`` (an asyncio poll), never with a nested Qt event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import keyring.backend
import keyring.errors
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import Runtime
from app.credentials import CredentialStore
from app.settings import Settings
from app.viewmodels import TileViewModel
from media.stamp import Stamp, read_stamp


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring backend: lets tests see what the application stored, without the OS keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


async def wait_until(
    predicate: Callable[[], object],
    timeout: float,
    what: str,
    interval: float = 0.05,
    describe: Callable[[], object] | None = None,
) -> float:
    """Poll ``predicate`` on the running loop until true; returns the seconds waited.

    Fails the test on time-out, with ``describe()`` (the state that matters) in the message.
    """
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            extra = f": {describe()}" if describe is not None else ""
            pytest.fail(f"timed out after {timeout} s waiting for {what}{extra}")
        await asyncio.sleep(interval)
    return time.monotonic() - start


def image_to_array(image: QImage) -> np.ndarray:
    """A copy of a Format_RGB32 QImage as an (H, W, 4) uint8 BGRA array."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride // 4, 4)[:, :width].copy()


def tile_stamp(tile: TileViewModel) -> Stamp | None:
    """The stamp read back from the picture the tile paints (its current QImage), or None."""
    image = tile.image
    return read_stamp(image_to_array(image)) if image is not None else None


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def make_runtime(qapp, tmp_path, memory_keyring):
    """Factory for a Runtime with settings in ``tmp_path`` and the in-memory keyring; closed after the test."""
    made: list[Runtime] = []

    def factory(**kwargs) -> Runtime:
        settings = kwargs.pop("settings", None) or Settings(tmp_path / "settings.json", environ={})
        kwargs.setdefault("restore_wall", False)
        runtime = Runtime(settings, CredentialStore(memory_keyring), **kwargs)
        made.append(runtime)
        return runtime

    yield factory
    for runtime in made:
        runtime.close()


def move_mouse(widget: QWidget, point: QPoint) -> None:
    """A mouse move over ``widget`` delivered at once. Not QTest.mouseMove: it processes the event queue, and
    doing so inside the test's coroutine step lets qasync run another task's wakeup, which asyncio refuses
    ("Cannot enter into task") and drops, leaving that task waiting forever."""
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(point),
        QPointF(widget.mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
