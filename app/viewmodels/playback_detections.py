"""The player's detection commands: which classes the operator follows, next / previous detection, boxes.

The detections themselves are the timeline's (``TimelineViewModel.detections``, read from the backend with the
lanes). The operator chooses classes among those present (default: all; a class that appears later is chosen
too); N / Shift+N jump to the next / previous detection of a chosen class over every camera shown (the nearest
in time), seeking the player to the detection's frame time and panning the timeline to it; B shows or hides the
boxes of the chosen classes over the video (default shown): the detections of the sampled frame nearest the
picture's own time, at most ``BOX_TOLERANCE_US`` away. What cannot be done is a ``sigNotice`` of the player.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from .detections import Detection
from .recording_state import isolate
from .timeline_detections import (
    BOX_TOLERANCE_US,
    RowDetections,
    landing_anchor,
    nearest_next,
    nearest_previous,
    present_labels,
)

if TYPE_CHECKING:
    from .playback import PlaybackViewModel


class PlaybackDetections(QObject):
    """See the module docstring. GUI-thread object owned by a ``PlaybackViewModel`` (``host``).

    ``sigChanged()``: the detections, the classes chosen or the boxes toggle changed (``revision`` counts them:
    surfaces cache their boxes per revision).
    """

    sigChanged = Signal()

    def __init__(self, host: PlaybackViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._timeline = host.timeline
        self._excluded: set[str] = set()
        self._show_boxes = True
        self._landed: int | None = None
        self._revision = 0
        self._timeline.sigDetectionsChanged.connect(self._changed)
        self._timeline.sigRowsChanged.connect(self._changed)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def revision(self) -> int:
        return self._revision

    def _rows(self) -> list[RowDetections]:
        found = (self._timeline.detections(camera_id) for camera_id in self._host.camera_ids)
        return [row for row in found if row is not None]

    @property
    def available(self) -> bool:
        """True when the backend answered (or failed) for a camera shown: the detection controls make sense."""
        rows = self._timeline.rows
        return any(r.detections is not None or r.detections_error for r in rows)

    @property
    def labels(self) -> list[str]:
        """The classes present over the cameras shown, most detections first."""
        return present_labels(self._rows())

    def count(self, label: str) -> int:
        """How many detections of ``label`` the cameras shown have in the range."""
        return sum(row.counts.get(label, 0) for row in self._rows())

    @property
    def chosen(self) -> list[str]:
        """The classes present that the operator follows (all by default)."""
        return [label for label in self.labels if label not in self._excluded]

    def is_chosen(self, label: str) -> bool:
        return label not in self._excluded

    @property
    def show_boxes(self) -> bool:
        return self._show_boxes

    # --- commands ---------------------------------------------------------------------------------------
    def set_chosen(self, label: str, chosen: bool) -> None:
        """Follow (``chosen``) or ignore class ``label`` for the jumps and the boxes."""
        if chosen:
            self._excluded.discard(label)
        else:
            self._excluded.add(label)
        self._changed()

    def choose_only(self, labels: Iterable[str]) -> None:
        """Follow exactly ``labels`` among the classes present."""
        wanted = set(labels)
        self._excluded = {label for label in self.labels if label not in wanted}
        self._changed()

    def choose_all(self) -> None:
        self._excluded = set()
        self._changed()

    def set_show_boxes(self, show: bool) -> None:
        if bool(show) != self._show_boxes:
            self._show_boxes = bool(show)
            self._changed()

    def toggle_boxes(self) -> None:
        """B: show or hide the boxes over the video."""
        self.set_show_boxes(not self._show_boxes)

    def reset(self) -> None:
        """A new playback: every class followed again, nothing landed on."""
        self._excluded = set()
        self._landed = None
        self._changed()

    def _changed(self, *_args: Any) -> None:
        self._revision += 1
        self.sigChanged.emit()

    # --- boxes ------------------------------------------------------------------------------------------
    def boxes_for(self, camera_id: str, picture_us: int | None) -> list[Detection]:
        """The detections to box over ``camera_id``'s picture of time ``picture_us``: those of the sampled
        frame nearest it (at most ``BOX_TOLERANCE_US`` away) of the chosen classes; [] when boxes are hidden."""
        if not self._show_boxes or picture_us is None:
            return []
        row = self._timeline.detections(camera_id)
        if row is None:
            return []
        found = row.detections.at(picture_us, BOX_TOLERANCE_US)
        if self._excluded:
            found = [d for d in found if d.label not in self._excluded]
        return found

    # --- next / previous --------------------------------------------------------------------------------
    def next_detection(self) -> Detection | None:
        """N: show the next detection of a chosen class (any camera shown); returns it, None with a notice."""
        return self._go(forward=True)

    def previous_detection(self) -> Detection | None:
        """Shift+N: show the previous detection of a chosen class (any camera shown)."""
        return self._go(forward=False)

    def _go(self, forward: bool) -> Detection | None:
        host, timeline = self._host, self._timeline
        if not host.is_open:
            return None
        rows = self._rows()
        if not rows:
            self._notice(self._why_none())
            return None
        chosen = self.chosen
        if not chosen:
            if self.labels:
                self._notice(self.tr("Choose at least one class of detections."))
            else:
                self._notice(self.tr("Nothing was detected on these cameras in this range."))
            return None
        position = host.position_us
        if position is None:
            position = timeline.playhead_us if timeline.playhead_us is not None else timeline.range_us[0]
        anchor = landing_anchor(position, self._landed)
        cameras = [row.detections for row in rows]
        target = nearest_next(cameras, anchor, chosen) if forward else nearest_previous(cameras, anchor, chosen)
        if target is None:
            names = isolate(", ".join(chosen))
            if forward:
                self._notice(self.tr("No later detection of {0} in this range.").format(names))
            else:
                self._notice(self.tr("No earlier detection of {0} in this range.").format(names))
            return None
        self._landed = target.at_us
        timeline.request_seek(target.at_us)  # paused: the frame at (or just before) the detection's time
        timeline.ensure_visible(target.at_us)
        return target

    def _why_none(self) -> str:
        rows = self._timeline.rows
        if any(r.detections_loading for r in rows):
            return self.tr("The detections are still loading.")
        errors = [r.detections_error for r in rows if r.detections_error]
        if errors:
            return errors[0]
        return self.tr("No detections for these cameras: they need the backend.")

    def _notice(self, text: str) -> None:
        self._host.sigNotice.emit(text)
