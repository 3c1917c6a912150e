"""Recording marks on the video wall: a "REC" badge with the time left on tiles whose camera records, an accent
frame around the tile whose camera is selected for the recording section, and click-to-select on tiles.

``WallRecordingMarks`` puts one transparent overlay (``TileMark``) on every tile widget of a ``VideoWall``
(again after each layout change, which recreates the tile widgets) and binds them to the RecordingViewModel.
The overlays ignore the mouse; a click on a tile with a camera selects that camera (the tile still gets the
click, so double-click to maximise and drops work as before).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from app.viewmodels import WallViewModel
from app.viewmodels.recording import RecordingViewModel
from app.viewmodels.recording_state import format_clock

from .theme import ACCENT
from .video_tile import VideoTile
from .video_wall import VideoWall

REC_RED = "#e5484d"


class TileMark(QWidget):
    """Transparent overlay over one tile: REC badge (bottom-left; bottom-right right-to-left) and selection frame."""

    def __init__(self, tile: VideoTile, recording: RecordingViewModel) -> None:
        super().__init__(tile)
        self._tile = tile
        self._recording = recording
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(tile.rect())
        self._text = ""
        self.hide()

    @property
    def camera_id(self) -> str | None:
        camera = self._tile.tile.camera
        return camera.id if camera is not None else None

    @property
    def recording_now(self) -> bool:
        camera_id = self.camera_id
        return camera_id is not None and self._recording.is_recording(camera_id)

    @property
    def selected(self) -> bool:
        camera_id, selected = self.camera_id, self._recording.camera_id
        return camera_id is not None and selected is not None and camera_id.lower() == selected.lower()

    def badge_text(self) -> str:
        """ "REC 4:12" while the camera records ("" otherwise); REC is the international mark, not translated."""
        camera_id = self.camera_id
        rec = self._recording.recording_of(camera_id) if camera_id else None
        if rec is None:
            return ""
        return f"REC {format_clock(rec.remaining_s(self._recording.now()))}"

    def tick(self) -> None:
        """Take the time left now (every mark takes it at the same moment, like the panel) and repaint."""
        text = self.badge_text()
        if text != self._text:
            self._text = text
            self.update()

    def refresh(self) -> None:
        self._text = self.badge_text()
        visible = self.recording_now or self.selected
        if visible:
            self.setGeometry(self._tile.rect())
            self.raise_()
            self.update()
        self.setVisible(visible)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        if self.selected:
            p.setPen(QPen(QColor(ACCENT), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(1, 1, -1, -1))
        text = self._text
        if text:
            font = QFont(self.font())
            font.setPointSizeF(8.5)
            font.setWeight(QFont.Weight.Bold)
            metrics = QFontMetrics(font)
            width = metrics.horizontalAdvance(text) + 26
            height = 20.0
            rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
            x = rect.right() - width - 8 if rtl else rect.left() + 8
            badge = QRectF(x, rect.bottom() - height - 8, width, height)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(0, 0, 0, 170))
            p.drawRoundedRect(badge, 4, 4)
            p.setBrush(QColor(REC_RED))
            p.drawEllipse(QPointF(badge.left() + 11, badge.center().y()), 4.5, 4.5)
            p.setFont(font)
            p.setPen(QColor("#ffffff"))
            p.drawText(
                badge.adjusted(19, 0, -6, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                text,
            )
        p.end()


class WallRecordingMarks(QObject):
    """Keeps a TileMark on every tile of ``wall_widget`` and routes tile clicks to ``recording.select_camera``."""

    def __init__(self, wall_widget: VideoWall, wall: WallViewModel, recording: RecordingViewModel) -> None:
        super().__init__(wall_widget)
        self._wall_widget = wall_widget
        self._recording = recording
        self._marks: dict[VideoTile, TileMark] = {}
        wall.sigLayoutChanged.connect(self._attach)  # after VideoWall's own slot: the new tiles exist
        wall.sigAssignmentChanged.connect(self.refresh)
        wall.sigMaximisedChanged.connect(self.refresh)
        recording.sigActiveChanged.connect(self.refresh)
        recording.sigSelectionChanged.connect(self.refresh)
        recording.sigTick.connect(self._tick)
        self._attach()

    @property
    def marks(self) -> list[TileMark]:
        """The overlays, in tile order."""
        return [self._marks[t] for t in self._wall_widget.tiles if t in self._marks]

    def _attach(self) -> None:
        self._marks = {}
        for tile in self._wall_widget.tiles:
            mark = TileMark(tile, self._recording)
            self._marks[tile] = mark
            tile.installEventFilter(self)
            tile.tile.sigCameraChanged.connect(mark.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        for mark in self._marks.values():
            mark.refresh()

    def _tick(self) -> None:
        for mark in self._marks.values():
            if mark.isVisible() and mark.recording_now:
                mark.tick()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, VideoTile):
            kind = event.type()
            if kind == QEvent.Type.MouseButtonPress and watched.tile.camera is not None:
                self._recording.select_camera(watched.tile.camera.id)
            elif kind == QEvent.Type.Resize and watched in self._marks:
                self._marks[watched].setGeometry(watched.rect())
        return False
