"""The status bar's stream quota meters: per agency its name, a small bar and ``used/limit`` (issue 5 §3).

Binds to ``app.viewmodels.quota_meter.QuotaMeterViewModel``. The bar turns amber near the limit and red at it;
the tooltip gives the figures in words. Hidden when there is no backend; greyed while the figures are stale.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from app.viewmodels.quota_meter import FULL, NEAR, AgencyMeter, QuotaMeterViewModel

LEVEL_COLOURS = {"ok": "#2ea043", NEAR: "#d29922", FULL: "#f85149"}
STALE_COLOUR = "#6e7681"
BAR_WIDTH, BAR_HEIGHT = 46, 8  # logical pixels


class AgencyMeterWidget(QWidget):
    """One agency: ``name [bar] used/limit``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.name_label = QLabel(self)
        self.name_label.setObjectName("quotaName")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("quotaBar")
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(BAR_WIDTH, BAR_HEIGHT)
        self.figures_label = QLabel(self)
        self.figures_label.setObjectName("quotaFigures")
        row.addWidget(self.name_label)
        row.addWidget(self.bar)
        row.addWidget(self.figures_label)
        self.level = ""

    def show_meter(self, meter: AgencyMeter, stale: bool) -> None:
        self.name_label.setText(meter.name)
        self.figures_label.setText(meter.text)
        self.bar.setRange(0, max(1, meter.limit))
        self.bar.setValue(min(meter.used, max(1, meter.limit)) if meter.limit > 0 else 1)
        self.level = meter.level
        colour = STALE_COLOUR if stale else LEVEL_COLOURS[meter.level]
        self.bar.setStyleSheet(
            "QProgressBar { background: #101317; border: 1px solid #2a3039; border-radius: 3px; max-height: 8px; }"
            f"QProgressBar::chunk {{ background: {colour}; border-radius: 2px; }}"
        )
        figures_colour = STALE_COLOUR if stale else (colour if meter.level != "ok" else "#d6dbe1")
        self.figures_label.setStyleSheet(f"color: {figures_colour}; padding: 0;")
        self.name_label.setStyleSheet("color: #8a94a3; padding: 0;")
        tooltip = meter.tooltip
        if stale:
            tooltip += "\n" + self.tr("Last known figures: the stream quota service does not answer.")
        self.setToolTip(tooltip)


class QuotaMeters(QWidget):
    """Every agency's meter in a row, in the view-model's order."""

    def __init__(self, vm: QuotaMeterViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(6, 0, 6, 0)
        self._row.setSpacing(12)
        self._meters: dict[str, AgencyMeterWidget] = {}
        vm.sigChanged.connect(self._refresh)
        self._refresh()

    def meter_widget(self, agency: str) -> AgencyMeterWidget | None:
        """The widget showing ``agency`` (upper case), or None."""
        return self._meters.get(agency)

    def _refresh(self) -> None:
        vm = self._vm
        meters = vm.meters
        wanted = [m.agency for m in meters]
        if wanted != list(self._meters):  # agencies added or gone: keep the widgets of the others, in order
            for agency in set(self._meters) - set(wanted):
                gone = self._meters.pop(agency)
                self._row.removeWidget(gone)
                gone.deleteLater()
            for agency in wanted:
                widget = self._meters.pop(agency, None) or AgencyMeterWidget(self)
                self._row.removeWidget(widget)
                self._row.addWidget(widget)
                self._meters[agency] = widget
        for meter in meters:
            self._meters[meter.agency].show_meter(meter, vm.stale)
        self.setVisible(vm.visible)
