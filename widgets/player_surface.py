"""The video surface of one played-back camera: the newest frame of a ``PlaybackChannel`` with its overlays.

Frames are pulled at most once per display refresh when the channel says one is ready, and painted keeping the
picture's aspect ratio (as the live tiles do, ``widgets.video_tile``). Overlays: the camera's name at the top,
the picture's own time (local, with milliseconds) at its bottom right, and in the middle what keeps a picture
from showing (loading, no recording at this time, an error).

With a ``PlaybackDetections``, the boxes of what the backend detected in the sampled frame nearest the picture's
own time (``PlaybackDetections.boxes_for``), mapped from the frame's normalised coordinates into the painted
picture (letterboxing included), in their class colour with a "person 87 %" label (left to right in every
language: picture coordinates). Box rectangles are computed once per picture, revision and size
(``box_rects``); ``boxes_painted`` holds what the last paint drew.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.viewmodels.detections import Detection
from app.viewmodels.playback_channel import PlaybackChannel
from app.viewmodels.playback_detections import PlaybackDetections
from app.viewmodels.playback_time import format_instant
from app.viewmodels.timeline_detections import box_rect, score_text

from .detection_style import detection_colour, text_colour_on
from .frame_pacer import FramePacer
from .theme import TILE_BACKGROUND

BAND_HEIGHT = 26
BOX_PEN_PX = 2.0


class PlayerSurface(QWidget):
    """Paints ``channel``. ``status`` returns the text to show over the picture ("" for none); the panel binds
    it to the view-model (no recording at the position, loading, errors). ``detections`` (optional) gives the
    boxes to draw. ``sigClicked`` on a left click."""

    sigClicked = Signal()

    def __init__(
        self,
        channel: PlaybackChannel,
        status: Callable[[PlaybackChannel], str],
        parent=None,
        detections: PlaybackDetections | None = None,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._status = status
        self._detections = detections
        self._box_key: tuple[object, ...] | None = None
        self._boxes: list[tuple[Detection, QRectF]] = []
        self.boxes_painted: list[tuple[Detection, QRectF]] = []
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(8.5)
        self._label_font.setWeight(QFont.Weight.DemiBold)
        self._label_metrics = QFontMetrics(self._label_font)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frames_painted = 0
        self._pacer = FramePacer(self, self._pull)
        channel.sigFrameReady.connect(self._on_frame_ready)
        channel.sigStateChanged.connect(self.update)
        if detections is not None:
            detections.sigChanged.connect(self.update)
        self.on_pulled: Callable[[PlaybackChannel], None] | None = None

    @property
    def channel(self) -> PlaybackChannel:
        return self._channel

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def status_text(self) -> str:
        return self._status(self._channel)

    def release(self) -> None:
        """The surface is going away (its channel too): no more pulls."""
        self._pacer.stop()
        self._channel.sigFrameReady.disconnect(self._on_frame_ready)
        self._channel.sigStateChanged.disconnect(self.update)
        if self._detections is not None:
            self._detections.sigChanged.disconnect(self.update)
            self._detections = None
        self.on_pulled = None

    # --- frame pacing -----------------------------------------------------------------------------------
    def _on_frame_ready(self) -> None:
        self._pacer.frame_ready()

    def _pull(self) -> None:
        if self._channel.pull_frame():
            if self.on_pulled is not None:
                self.on_pulled(self._channel)
            self.update()

    def _report_size(self) -> None:
        ratio = self.devicePixelRatioF()
        self._channel.set_output_size(round(self.width() * ratio), round(self.height() * ratio))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._report_size()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._report_size()
        QTimer.singleShot(0, self._pacer.pull_now)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.sigClicked.emit()
        super().mousePressEvent(event)

    # --- geometry ---------------------------------------------------------------------------------------
    def picture_rect(self) -> QRectF | None:
        """Where the picture is painted (widget pixels, aspect ratio kept, centred), None without a picture."""
        image = self._channel.image
        if image is None or image.isNull():
            return None
        rect = QRectF(self.rect())
        ratio = self.devicePixelRatioF()
        iw, ih = image.width() / ratio, image.height() / ratio
        scale = min(rect.width() / iw, rect.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF(rect.x() + (rect.width() - w) / 2, rect.y() + (rect.height() - h) / 2, w, h)

    def box_rects(self, picture: QRectF | None = None) -> list[tuple[Detection, QRectF]]:
        """The detections to box over the picture shown and their rectangles in widget pixels (cached per
        picture time, detections revision and picture rectangle)."""
        detections = self._detections
        picture = picture if picture is not None else self.picture_rect()
        if detections is None or picture is None:
            return []
        picture_us = self._channel.picture_us
        key = (picture_us, detections.revision, picture.x(), picture.y(), picture.width(), picture.height())
        if key != self._box_key:
            self._box_key = key
            found = detections.boxes_for(self._channel.camera_id, picture_us)
            left, top, width, height = picture.x(), picture.y(), picture.width(), picture.height()
            self._boxes = [(d, QRectF(*box_rect(d.box, left, top, width, height))) for d in found]
        return self._boxes

    # --- painting ---------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        rect = QRectF(self.rect())
        p.fillRect(rect, QColor(TILE_BACKGROUND))
        image = self._channel.image
        status = self.status_text()
        picture = self.picture_rect()
        boxes: list[tuple[Detection, QRectF]] = []
        if image is not None and picture is not None:
            if abs(picture.width() * self.devicePixelRatioF() - image.width()) > 0.01 * image.width():
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(picture, image)
            self.frames_painted += 1
            if status:
                p.fillRect(rect, QColor(0, 0, 0, 150))
            else:
                boxes = self.box_rects(picture)
                self._paint_boxes(p, picture, boxes)
        self.boxes_painted = boxes
        picture = picture if picture is not None else rect
        self._paint_band(p, rect)
        if status:
            font = QFont(self.font())
            font.setPointSizeF(max(9.0, min(14.0, rect.height() / 18)))
            font.setWeight(QFont.Weight.DemiBold)
            p.setFont(font)
            p.setPen(QColor("#e6edf3"))
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            p.drawText(rect.adjusted(16, BAND_HEIGHT, -16, -8), flags, status)
        self._paint_time(p, picture)
        p.end()

    def _paint_boxes(self, p: QPainter, picture: QRectF, boxes: list[tuple[Detection, QRectF]]) -> None:
        """Each box in its class colour, then the labels: above the box, or inside its top when there is no
        room above (the picture's edge, or another label there), stacked downwards when they would overlap."""
        if not boxes:
            return
        p.save()
        p.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # picture coordinates: left to right in any language
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for detection, box in boxes:
            pen = QPen(QColor(detection_colour(detection.label)), BOX_PEN_PX)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            p.setPen(pen)
            p.drawRect(box)
        p.setFont(self._label_font)
        metrics = self._label_metrics
        placed: list[QRectF] = []
        for detection, box in boxes:
            colour = QColor(detection_colour(detection.label))
            text = f"\u2066{detection.label} {score_text(detection.score)}\u2069"
            width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 2
            x = min(max(box.left() - BOX_PEN_PX / 2, picture.left()), picture.right() - width)
            tag = QRectF(x, box.top() - BOX_PEN_PX / 2 - height, width, height)
            if tag.top() < picture.top() or any(tag.intersects(other) for other in placed):
                tag.moveTop(box.top() + BOX_PEN_PX / 2)
                while any(tag.intersects(other) for other in placed) and tag.bottom() + height <= picture.bottom():
                    tag.moveTop(tag.top() + height)
            placed.append(tag)
            p.fillRect(tag, colour)
            p.setPen(text_colour_on(colour.name()))
            p.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
        p.restore()

    def _paint_band(self, p: QPainter, rect: QRectF) -> None:
        band = QRectF(rect.x(), rect.y(), rect.width(), BAND_HEIGHT)
        gradient = QLinearGradient(band.topLeft(), band.bottomLeft())
        gradient.setColorAt(0.0, QColor(0, 0, 0, 200))
        gradient.setColorAt(1.0, QColor(0, 0, 0, 110))
        p.fillRect(band, gradient)
        font = QFont(self.font())
        font.setPointSizeF(9.0)
        font.setWeight(QFont.Weight.DemiBold)
        p.setFont(font)
        p.setPen(QColor("#f0f3f6"))
        text = QFontMetrics(font).elidedText(self._channel.name, Qt.TextElideMode.ElideRight, int(band.width() - 16))
        p.drawText(band.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_time(self, p: QPainter, rect: QRectF) -> None:
        """The picture's own time (the evidence timestamp) in the picture's bottom right corner, where cameras
        rarely burn in their own; always left to right."""
        picture = self._channel.picture_us
        if picture is None:
            return
        text = format_instant(picture, millis=True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(max(8.5, min(12.0, rect.height() / 30)))
        font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(text) + 16, metrics.height() + 6
        box = QRectF(rect.right() - width - 8, rect.bottom() - height - 8, width, height)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(box, 4, 4)
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
