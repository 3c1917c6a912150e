"""One video tile: paints the newest frame of its TileViewModel with the camera name and stream state on top.

Frames are pulled from the view-model when it says one is ready, at most once per display refresh (a paced,
coalesced pull), and painted in ``paintEvent`` keeping the picture's aspect ratio. The tile accepts camera drops
(custom MIME type from the camera tree) and maximises/restores on double-click; both go to the wall view-model.
A tile the stream quota refused shows why (the backend's message in the operator's language) with a Retry
button; a tile showing video without a confirmed quota slot carries a small note at its bottom edge.
The operator's ``TileBehaviour`` (Settings > Tiles) can hide the name band over live video, turn off
double-click maximise and stretch the picture instead of keeping its aspect ratio.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QMenu, QPushButton, QSizePolicy, QWidget

from app.viewmodels import CAMERA_MIME_TYPE, TileViewModel, WallViewModel, camera_ids_from_mime
from app.viewmodels.camera_names import CameraNames
from app.viewmodels.settings_tiles import TileBehaviour

from .frame_pacer import FramePacer
from .theme import ACCENT, MUTED, STATE_COLOURS, TILE_BACKGROUND

BAND_HEIGHT = 26  # logical pixels of the top overlay band
QUOTA_NOTE_COLOUR = "#d29922"
QUOTA_REFUSED_COLOUR = "#f85149"


class VideoTile(QWidget):
    """The widget of ``tile`` on ``wall`` (the wall view-model receives drops, maximise and clear requests)."""

    def __init__(
        self,
        tile: TileViewModel,
        wall: WallViewModel,
        parent: QWidget | None = None,
        behaviour: TileBehaviour | None = None,
    ) -> None:
        super().__init__(parent)
        self._tile = tile
        self._wall = wall
        self._behaviour = behaviour or TileBehaviour(parent=self)
        self._behaviour.sigChanged.connect(self.update)
        self._drag_hover = False
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(64, 40)
        self._pacer = FramePacer(self, self._pull)
        self.retry_button = QPushButton(self)
        self.retry_button.setObjectName("quotaRetry")
        self.retry_button.clicked.connect(tile.retry_quota)
        self.retry_button.hide()
        tile.sigFrameReady.connect(self._on_frame_ready)
        tile.sigStateChanged.connect(self._on_state_changed)
        tile.sigQuotaChanged.connect(self._on_state_changed)
        tile.sigCameraChanged.connect(self._on_camera_changed)
        self._names = CameraNames.for_app()
        self._names.sigChanged.connect(self.update)  # the camera name's language (name_ar)
        self.retranslate()
        self._on_camera_changed()

    def retranslate(self) -> None:
        """Texts in the current language (the painted ones are translated at each paint)."""
        self.retry_button.setText(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Ask for a stream slot again"))
        self._place_retry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def tile(self) -> TileViewModel:
        return self._tile

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    # --- frame pacing -----------------------------------------------------------------------------------
    def _on_frame_ready(self) -> None:
        self._pacer.frame_ready()

    def _pull(self) -> None:
        if self._tile.pull_frame():
            self.update()

    def _on_state_changed(self) -> None:
        tile = self._tile
        refused = tile.quota_refused
        if refused:
            parts = [tile.camera_name, tile.quota_text]
        else:
            parts = [tile.camera_name, tile.state_text, tile.reason_text, tile.quota_note_reason]
        self.setToolTip(" — ".join(p for p in parts if p) if tile.camera else self._empty_tip())
        self.retry_button.setVisible(refused)
        self._place_retry()
        self.update()

    def _empty_tip(self) -> str:
        if self._tile.unavailable:
            return self.tr("Camera not available: {0}").format(self._tile.unavailable)
        return ""

    def _place_retry(self) -> None:
        button = self.retry_button
        size = button.sizeHint()
        x = (self.width() - size.width()) / 2
        y = min(self.height() - size.height() - 8, self.height() * 0.72)
        button.setGeometry(round(x), round(max(BAND_HEIGHT, y)), size.width(), size.height())

    def _on_camera_changed(self) -> None:
        self._on_state_changed()
        self._report_size()

    # --- Qt events --------------------------------------------------------------------------------------
    def _report_size(self) -> None:
        ratio = self.devicePixelRatioF()
        self._tile.set_output_size(round(self.width() * ratio), round(self.height() * ratio))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._report_size()
        self._place_retry()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._report_size()
        QTimer.singleShot(0, self._pacer.pull_now)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._behaviour.double_click_maximise:
            self._wall.toggle_maximise(self._tile.index)
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME_TYPE):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._drag_hover = True
            self.update()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._drag_hover = False
        self.update()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drag_hover = False
        ids = camera_ids_from_mime(event.mimeData())
        if ids and self._wall.assign_camera(self._tile.index, ids[0]):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
        self.update()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        maximised = self._wall.maximised == self._tile.index
        toggle = menu.addAction(self.tr("Restore layout") if maximised else self.tr("Maximise"))
        toggle.triggered.connect(lambda: self._wall.toggle_maximise(self._tile.index))
        if self._tile.camera is not None:
            recordings = menu.addAction(self.tr("View recordings"))
            recordings.triggered.connect(lambda: self._wall.request_recordings(self._tile.index))
            clear = menu.addAction(self.tr("Remove camera from this tile"))
            clear.triggered.connect(lambda: self._wall.assign_camera(self._tile.index, None))
        menu.popup(event.globalPos())

    # --- painting ---------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        rect = QRectF(self.rect())
        p.fillRect(rect, QColor(TILE_BACKGROUND))
        tile = self._tile
        image = tile.image
        if tile.camera is None:
            self._paint_empty(p, rect)
        else:
            if image is not None and not image.isNull():
                self._paint_image(p, rect, image)
                tile.note_painted()
            self._paint_overlay(p, rect, has_image=image is not None)
        if self._drag_hover:
            p.setPen(QPen(QColor(ACCENT), 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(1.5, 1.5, -1.5, -1.5))
        p.end()

    def _paint_image(self, p: QPainter, rect: QRectF, image) -> None:
        ratio = self.devicePixelRatioF()
        iw, ih = image.width() / ratio, image.height() / ratio
        if not self._behaviour.keep_aspect:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(rect, image)  # stretched over the whole tile
            return
        scale = min(rect.width() / iw, rect.height() / ih)
        w, h = iw * scale, ih * scale
        target = QRectF(rect.x() + (rect.width() - w) / 2, rect.y() + (rect.height() - h) / 2, w, h)
        if abs(scale - 1.0) > 0.01:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, image)

    def _paint_empty(self, p: QPainter, rect: QRectF) -> None:
        p.setPen(QPen(QColor("#232a33"), 1, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(rect.adjusted(8.5, 8.5, -8.5, -8.5), 6, 6)
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, min(11.0, rect.height() / 18)))
        p.setFont(font)
        p.setPen(QColor(MUTED))
        text = self.tr("Drag a camera here")
        if self._tile.unavailable:  # a saved layout named a camera this server does not list
            p.setPen(QColor(QUOTA_NOTE_COLOUR))
            text = self.tr("Camera not available: {0}").format(self._tile.unavailable)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        p.drawText(rect.adjusted(12, 0, -12, 0), flags, text)
        p.setPen(QColor("#3d4552"))
        p.drawText(
            rect.adjusted(16, 12, -16, -12),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            str(self._tile.index + 1),
        )

    def _paint_refusal(self, p: QPainter, rect: QRectF) -> None:
        """Why the quota refused the stream, above the Retry button."""
        tile = self._tile
        body = rect.adjusted(12, BAND_HEIGHT + 6, -12, 0)
        body.setBottom(self.retry_button.geometry().top() - 8)
        big = QFont(self.font())
        big.setPointSizeF(max(9.0, min(15.0, rect.height() / 15)))
        big.setWeight(QFont.Weight.DemiBold)
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, min(10.5, rect.height() / 24)))
        title_h = QFontMetrics(big).height()
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        text_rect = QFontMetrics(small).boundingRect(body.toRect(), int(flags), tile.quota_text)
        top = body.top() + max(0.0, (body.height() - title_h - 6 - text_rect.height()) / 2)
        p.setFont(big)
        p.setPen(QColor(QUOTA_REFUSED_COLOUR).lighter(120))
        title = self.tr("Stream limit reached")
        p.drawText(QRectF(body.left(), top, body.width(), title_h), Qt.AlignmentFlag.AlignCenter, title)
        p.setFont(small)
        p.setPen(QColor("#c9d1d9"))
        below = QRectF(body.left(), top + title_h + 6, body.width(), max(0.0, body.bottom() - top - title_h - 6))
        p.drawText(below, flags | Qt.AlignmentFlag.AlignTop, tile.quota_text)

    def _paint_quota_note(self, p: QPainter, rect: QRectF, note: str) -> None:
        """A small pill at the bottom edge, opposite the REC mark (``recording_marks``): the stream shows without
        a confirmed quota slot."""
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        metrics = QFontMetrics(font)
        width = min(rect.width() - 12, metrics.horizontalAdvance(note) + 18)
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        x = rect.left() + 6 if rtl else rect.right() - width - 6
        pill = QRectF(x, rect.bottom() - metrics.height() - 12, width, metrics.height() + 6)
        colour = QColor(QUOTA_NOTE_COLOUR)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(colour, 1))
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        p.setFont(font)
        p.setPen(colour.lighter(130))
        text = metrics.elidedText(note, Qt.TextElideMode.ElideRight, int(pill.width() - 14))
        p.drawText(pill.adjusted(7, 0, -7, 0), Qt.AlignmentFlag.AlignCenter, text)

    def _paint_overlay(self, p: QPainter, rect: QRectF, has_image: bool) -> None:
        tile = self._tile
        refused = tile.quota_refused
        state_key = tile.state.value if tile.state is not None else "stopped"
        colour = QColor(QUOTA_REFUSED_COLOUR if refused else STATE_COLOURS.get(state_key, MUTED))
        live = state_key == "live"
        if refused:
            self._paint_refusal(p, rect)
        elif not live:
            if has_image:
                p.fillRect(rect, QColor(0, 0, 0, 140))  # stale picture: dim it under the state message
            big = QFont(self.font())
            big.setPointSizeF(max(9.0, min(16.0, rect.height() / 14)))
            big.setWeight(QFont.Weight.DemiBold)
            p.setFont(big)
            p.setPen(colour.lighter(130))
            body = rect.adjusted(8, BAND_HEIGHT, -8, 0)
            p.drawText(body, Qt.AlignmentFlag.AlignCenter, tile.state_text)
            reason = tile.reason_text
            if reason:
                small = QFont(self.font())
                small.setPointSizeF(max(8.0, min(11.0, rect.height() / 22)))
                p.setFont(small)
                p.setPen(QColor("#c9d1d9"))
                top = body.center().y() + QFontMetrics(big).height() * 0.8
                below = QRectF(body.left(), top, body.width(), max(0.0, body.bottom() - top))
                flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
                p.drawText(below, flags, reason)
        elif not self._behaviour.overlays:  # live video without the name band (Settings > Tiles)
            if tile.quota_note:
                self._paint_quota_note(p, rect, tile.quota_note)  # problems still show
            return
        band = QRectF(rect.x(), rect.y(), rect.width(), BAND_HEIGHT)
        gradient = QLinearGradient(band.topLeft(), band.bottomLeft())
        gradient.setColorAt(0.0, QColor(0, 0, 0, 200))
        gradient.setColorAt(1.0, QColor(0, 0, 0, 120))
        p.fillRect(band, gradient)
        font = QFont(self.font())
        font.setPointSizeF(9.0)
        metrics = QFontMetrics(font)
        badge_text = self.tr("limit reached") if refused else tile.state_text
        badge_w = metrics.horizontalAdvance(badge_text) + 24
        badge = QRectF(band.right() - badge_w - 6, band.y() + 4, badge_w, band.height() - 8)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 70))
        p.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        p.setBrush(colour.lighter(120))
        p.drawEllipse(QPointF(badge.x() + 9, badge.center().y()), 3.5, 3.5)
        p.setFont(font)
        p.setPen(QColor("#f0f3f6"))
        p.drawText(badge.adjusted(16, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, badge_text)
        name_font = QFont(font)
        name_font.setWeight(QFont.Weight.DemiBold)
        p.setFont(name_font)
        name_rect = QRectF(band.x() + 8, band.y(), max(0.0, badge.x() - band.x() - 14), band.height())
        name = QFontMetrics(name_font).elidedText(tile.camera_name, Qt.TextElideMode.ElideRight, int(name_rect.width()))
        p.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        note = tile.quota_note
        if note:
            self._paint_quota_note(p, rect, note)
