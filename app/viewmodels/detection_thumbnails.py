"""Detection thumbnails for the search panel: loaded lazily for the cards on screen, a few at a time, cached.

``ThumbnailLoader.want(ids)`` is told which detections the operator can see (in the order they should load); it
starts at most ``concurrency`` fetches (``fetch(detection_id) -> JPEG bytes``, the backend's
``GET /api/v1/detections/{id}/thumbnail`` through ``DetectionsService.thumbnail``), queues the rest and forgets
queued ids that scrolled out of view. Decoded pictures are kept in a least-recently-used cache of
``cache_size`` entries keyed by detection id (a thumbnail never changes for an id); a fetch that failed is
remembered with its reason (``failed``) until ``retry_failed``. JPEG decoding runs in a worker thread (QImage
may be built off the GUI thread). ``sigChanged(int id)`` tells the list model a card's picture or state changed.

States: ``idle`` (not asked for, or evicted), ``loading`` (queued or in flight), ``ready``, ``failed``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtGui import QImage

from ..tasks import TaskRunner
from .playback_sources import PlaybackError
from .playback_texts import translate

log = logging.getLogger(__name__)

IDLE, LOADING, READY, FAILED = "idle", "loading", "ready", "failed"
CACHE_SIZE = 240  # decoded thumbnails kept (at most 320x240 RGB32 each: under 75 MB)
FAILED_SIZE = 2000  # failures remembered
CONCURRENCY = 3  # thumbnail requests in flight at once

Fetch = Callable[[int], Awaitable[bytes]]


def decode_jpeg(data: bytes) -> QImage:
    """``data`` decoded as an RGB32 QImage. Raises ValueError when it is not a picture Qt can read."""
    image = QImage.fromData(QByteArray(data))  # the format is read from the data (JPEG)
    if image.isNull():
        raise ValueError("not a JPEG picture")
    return image.convertToFormat(QImage.Format.Format_RGB32)


class ThumbnailLoader(QObject):
    """See the module docstring. GUI-thread object; the fetches run as tasks of ``runner``."""

    sigChanged = Signal(int)

    def __init__(
        self,
        fetch: Fetch,
        runner: TaskRunner,
        *,
        cache_size: int = CACHE_SIZE,
        concurrency: int = CONCURRENCY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._runner = runner
        self.cache_size = max(1, int(cache_size))
        self.concurrency = max(1, int(concurrency))
        self._images: OrderedDict[int, QImage] = OrderedDict()
        self._failed: OrderedDict[int, str] = OrderedDict()
        self._queue: list[int] = []
        self._in_flight: set[int] = set()
        self.requested: list[int] = []  # every id fetched, in order (what the backend was asked for)

    # --- state ------------------------------------------------------------------------------------------
    def state(self, detection_id: int) -> str:
        if detection_id in self._images:
            return READY
        if detection_id in self._failed:
            return FAILED
        if detection_id in self._in_flight or detection_id in self._queue:
            return LOADING
        return IDLE

    def image(self, detection_id: int) -> QImage | None:
        """The decoded thumbnail, or None when it is not loaded."""
        return self._images.get(detection_id)

    def failure(self, detection_id: int) -> str:
        """Why the thumbnail could not be loaded ("" when it did not fail)."""
        return self._failed.get(detection_id, "")

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    @property
    def cached(self) -> int:
        return len(self._images)

    # --- commands ---------------------------------------------------------------------------------------
    def want(self, detection_ids: Iterable[int]) -> None:
        """Load the thumbnails of ``detection_ids`` (the cards on screen, first ones first). Replaces the queue:
        ids no longer wanted are not requested (fetches already running complete and are cached)."""
        wanted = list(dict.fromkeys(int(i) for i in detection_ids))
        for detection_id in wanted:
            if detection_id in self._images:
                self._images.move_to_end(detection_id)  # on screen: the last to be evicted
        previous = set(self._queue)
        self._queue = [i for i in wanted if self.state(i) == IDLE or (i in previous and i not in self._in_flight)]
        dropped = previous - set(self._queue)
        self._pump()
        for detection_id in dropped:
            self.sigChanged.emit(detection_id)  # back to idle
        for detection_id in self._queue:
            if detection_id not in previous:
                self.sigChanged.emit(detection_id)  # now loading

    def retry_failed(self) -> None:
        """Forget the failures (a new search tries those thumbnails again)."""
        failed = list(self._failed)
        self._failed.clear()
        for detection_id in failed:
            self.sigChanged.emit(detection_id)

    def cancel_queue(self) -> None:
        """Drop every queued request (fetches in flight complete)."""
        queued, self._queue = self._queue, []
        for detection_id in queued:
            self.sigChanged.emit(detection_id)

    def _pump(self) -> None:
        while self._queue and len(self._in_flight) < self.concurrency:
            detection_id = self._queue.pop(0)
            self._in_flight.add(detection_id)
            self.requested.append(detection_id)
            self._runner.spawn(self._load(detection_id), name="detection-thumbnail")

    async def _load(self, detection_id: int) -> None:
        try:
            data = await self._fetch(detection_id)
            image = await asyncio.get_running_loop().run_in_executor(None, decode_jpeg, data)
        except asyncio.CancelledError:
            self._in_flight.discard(detection_id)  # shutting down: start nothing new
            raise
        except PlaybackError as exc:
            self._fail(detection_id, exc.text)
        except ValueError:
            self._fail(detection_id, translate("DetectionSearch", "The backend sent a picture that cannot be read."))
        except Exception:  # a bug must not leave the card loading for ever
            log.exception("loading the thumbnail of detection %d failed", detection_id)
            self._fail(detection_id, translate("DetectionSearch", "The thumbnail could not be loaded."))
        else:
            self._in_flight.discard(detection_id)
            self._images[detection_id] = image
            self._images.move_to_end(detection_id)
            while len(self._images) > self.cache_size:
                evicted, _ = self._images.popitem(last=False)
                self.sigChanged.emit(evicted)
            self.sigChanged.emit(detection_id)
        self._pump()

    def _fail(self, detection_id: int, text: str) -> None:
        self._in_flight.discard(detection_id)
        self._failed[detection_id] = text
        while len(self._failed) > FAILED_SIZE:
            self._failed.popitem(last=False)
        self.sigChanged.emit(detection_id)
