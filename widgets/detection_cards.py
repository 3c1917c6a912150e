"""The cards of the detections search panel: a grid ``QListView`` and the delegate that paints one result.

A card is the detection's thumbnail (letterboxed in a 16:9 area; a placeholder while it loads, a crossed-out
picture when it could not be loaded) with its class and score as chips over the picture's lower edge, then the
camera's name and the local date and time. Cards follow the application's direction (right to left in Arabic:
the grid fills from the right, the chips swap sides); times and scores keep their own (the model isolates
them). ``ResultGrid`` opens a result on double-click or Enter (``sigOpenRequested(row)``) and reports the rows
on screen (``sigVisibleRowsChanged(list)``) after scrolling, resizing or new rows, so that only their
thumbnails are loaded.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPainterPath, QPen, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.viewmodels.detection_results import (
    CameraNameRole,
    DetectionRole,
    LabelRole,
    ScoreTextRole,
    ThumbnailRole,
    ThumbnailStateRole,
    TimeTextRole,
    score_percent,
)
from app.viewmodels.detection_thumbnails import FAILED

from .theme import ACCENT, BORDER, MUTED, TEXT, TILE_BACKGROUND

MIN_CARD_WIDTH = 172  # cards share the width: as many columns as fit cards this wide, at most MAX_CARD_WIDTH
MAX_CARD_WIDTH = 240
TEXT_HEIGHT = 44
SPACING = 8
CARD_BACKGROUND = "#1b2027"
CARD_HOVER = "#222933"
SCORE_COLOURS = ((80, "#2ea043"), (50, "#d29922"), (0, "#6e7681"))  # (from percent, chip colour)


def card_size(viewport_width: int) -> QSize:
    """The card size for a grid ``viewport_width`` pixels wide: the columns that fit cards of at least
    ``MIN_CARD_WIDTH`` share the width (at most ``MAX_CARD_WIDTH`` each); the picture area is 16:9."""
    columns = max(1, (viewport_width - SPACING) // (MIN_CARD_WIDTH + SPACING))
    width = max(MIN_CARD_WIDTH, min(MAX_CARD_WIDTH, (viewport_width - SPACING) // columns - SPACING))
    return QSize(width, thumb_height(width) + TEXT_HEIGHT)


def thumb_height(card_width: int) -> int:
    return round(card_width * 9 / 16)


def score_colour(percent: int) -> QColor:
    """The score chip's colour: green from 80 %, amber from 50 %, grey below."""
    return QColor(next(colour for low, colour in SCORE_COLOURS if percent >= low))


class CardDelegate(QStyledItemDelegate):
    """Paints one result card (see the module docstring); ``card`` is the size of every card (the grid's)."""

    card = card_size(0)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(self.card)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rtl = option.direction == Qt.LayoutDirection.RightToLeft
        rect = QRect(option.rect.topLeft(), self.card)
        rect.moveCenter(option.rect.center())
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        card = QPainterPath()
        card.addRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.fillPath(card, QColor(CARD_HOVER if hovered else CARD_BACKGROUND))
        painter.setClipPath(card)
        thumb = QRect(rect.left(), rect.top(), rect.width(), thumb_height(rect.width()))
        painter.fillRect(thumb, QColor(TILE_BACKGROUND))
        self._paint_picture(painter, thumb, index)
        self._paint_chips(painter, thumb, index, rtl)
        self._paint_texts(painter, rect.adjusted(0, thumb.height(), 0, 0), index, rtl)
        painter.setClipping(False)
        painter.setPen(QPen(QColor(ACCENT if selected else BORDER), 2 if selected else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(card)
        painter.restore()

    def _paint_picture(self, painter: QPainter, area: QRect, index: QModelIndex | QPersistentModelIndex) -> None:
        image = index.data(ThumbnailRole)
        if image is not None and not image.isNull():
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(QPoint(0, 0), size)
            target.moveCenter(area.center())
            painter.drawImage(target, image)
            return
        failed = index.data(ThumbnailStateRole) == FAILED
        glyph = QRect(0, 0, 34, 26)
        glyph.moveCenter(area.center() - QPoint(0, 9))
        colour = QColor("#a1525a" if failed else "#3a424d")
        painter.setPen(QPen(colour, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(glyph, 3, 3)
        # A picture glyph: a sun and a mountain; crossed out when the picture could not be loaded.
        painter.drawEllipse(QRectF(glyph.left() + 6, glyph.top() + 5, 6, 6))
        painter.drawPolyline(
            [QPoint(glyph.left() + 4, glyph.bottom() - 4), QPoint(glyph.left() + 15, glyph.top() + 12),
             QPoint(glyph.left() + 22, glyph.top() + 18), QPoint(glyph.right() - 4, glyph.top() + 9)]
        )  # fmt: skip
        if failed:
            painter.drawLine(glyph.topLeft() + QPoint(-3, -3), glyph.bottomRight() + QPoint(3, 3))
        painter.setPen(QColor("#ff9592" if failed else MUTED))
        font = QFont(painter.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(font)
        caption = QRect(area.left(), glyph.bottom() + 4, area.width(), 16)
        painter.drawText(
            caption,
            Qt.AlignmentFlag.AlignCenter,
            (
                QCoreApplication.translate("DetectionCards", "No picture")
                if failed
                else QCoreApplication.translate("DetectionCards", "Loading…")
            ),
        )

    def _paint_chips(
        self, painter: QPainter, thumb: QRect, index: QModelIndex | QPersistentModelIndex, rtl: bool
    ) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        height = metrics.height() + 4
        y = thumb.bottom() - height - 5
        label = metrics.elidedText(str(index.data(LabelRole) or ""), Qt.TextElideMode.ElideRight, thumb.width() // 2)
        score = str(index.data(ScoreTextRole) or "")
        detection = index.data(DetectionRole)
        percent = score_percent(detection.score) if detection is not None else 0
        label_width = metrics.horizontalAdvance(label) + 14
        score_width = metrics.horizontalAdvance(score) + 12
        # The class on the reading side's start, the score on its end.
        label_x = thumb.right() - 6 - label_width if rtl else thumb.left() + 6
        score_x = thumb.left() + 6 if rtl else thumb.right() - 6 - score_width
        for x, width, text, background in (
            (label_x, label_width, label, QColor(10, 12, 15, 205)),
            (score_x, score_width, score, score_colour(percent)),
        ):
            chip = QRectF(x, y, width, height)
            path = QPainterPath()
            path.addRoundedRect(chip, height / 2, height / 2)
            painter.fillPath(path, background)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_texts(
        self, painter: QPainter, rect: QRect, index: QModelIndex | QPersistentModelIndex, rtl: bool
    ) -> None:
        align = (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
        inner = rect.adjusted(9, 4, -9, -4)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, QFont().pointSizeF() * 0.95))
        painter.setFont(font)
        painter.setPen(QColor(TEXT))
        name = painter.fontMetrics().elidedText(
            str(index.data(CameraNameRole) or ""), Qt.TextElideMode.ElideRight, inner.width()
        )
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), inner.height() // 2), align, name)
        font.setBold(False)
        font.setPointSizeF(max(6.5, QFont().pointSizeF() * 0.85))
        painter.setFont(font)
        painter.setPen(QColor(MUTED))
        half = inner.height() // 2
        painter.drawText(QRect(inner.left(), inner.top() + half, inner.width(), half), align, index.data(TimeTextRole))


class ResultGrid(QListView):
    """The results as a grid of cards (see the module docstring)."""

    sigOpenRequested = Signal(int)
    sigVisibleRowsChanged = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detectionGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self._delegate = CardDelegate(self)
        self._fit_cards(0)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setItemDelegate(self._delegate)
        self.doubleClicked.connect(lambda index: self.sigOpenRequested.emit(index.row()))
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(40)
        self._visible_timer.timeout.connect(self._report_visible)
        self.verticalScrollBar().valueChanged.connect(self.schedule_visible)

    def setModel(self, model) -> None:
        super().setModel(model)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.schedule_visible)

    def schedule_visible(self, *_args: object) -> None:
        """Report the rows on screen soon (coalesced)."""
        self._visible_timer.start()

    def visible_rows(self) -> list[int]:
        """The rows whose cards are at least partly on screen, in reading order."""
        model = self.model()
        if model is None or model.rowCount() == 0 or self.viewport().visibleRegion().isEmpty():
            return []  # hidden, or behind another tab of the dock area (still "visible" to Qt then)
        viewport = self.viewport().rect()
        grid = self.gridSize()
        step_x, step_y = max(8, grid.width() // 2), max(8, grid.height() // 3)
        rows: set[int] = set()
        for y in range(viewport.top() + 2, viewport.bottom() + step_y, step_y):
            for x in range(viewport.left() + 2, viewport.right() + step_x, step_x):
                index = self.indexAt(QPoint(min(x, viewport.right() - 2), min(y, viewport.bottom() - 2)))
                if index.isValid():
                    rows.add(index.row())
        if not rows:
            return []
        return list(range(min(rows), max(rows) + 1))

    def _report_visible(self) -> None:
        self.sigVisibleRowsChanged.emit(self.visible_rows())

    def _fit_cards(self, viewport_width: int) -> None:
        card = card_size(viewport_width)
        if card != self._delegate.card or self.gridSize() != card + QSize(SPACING, SPACING):
            self._delegate.card = card
            self.setGridSize(card + QSize(SPACING, SPACING))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_cards(self.viewport().width())
        self.schedule_visible()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutDirectionChange:
            QTimer.singleShot(0, self.doItemsLayout)  # the grid fills from the other side now
        if event.type() in (QEvent.Type.Show, QEvent.Type.LayoutDirectionChange):
            self.schedule_visible()
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sigOpenRequested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)
