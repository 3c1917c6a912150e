"""The dark control-room theme: palette, style sheet and the colours tiles paint their overlays with."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

WINDOW = "#14171c"
PANEL = "#1a1e24"
BASE = "#101317"
BORDER = "#2a3039"
TEXT = "#d6dbe1"
MUTED = "#8a94a3"
ACCENT = "#2f81f7"
TILE_BACKGROUND = "#07090b"

# Stream-state colours of the tile badge (keys: media.engine.StreamState values).
STATE_COLOURS = {
    "connecting": "#3b82f6",
    "live": "#2ea043",
    "reconnecting": "#d29922",
    "no_permission": "#da3633",
    "auth_failed": "#da3633",
    "stopped": "#6e7681",
}

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QWidget {{ color: {TEXT}; font-size: 10pt; }}
QToolBar {{ background: {PANEL}; border: none; border-bottom: 1px solid {BORDER}; spacing: 4px; padding: 3px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; color: {TEXT}; }}
QToolBar QToolButton:hover {{ background: #252b33; }}
QToolBar QToolButton:checked {{ background: #1f3b63; color: #ffffff; }}
QToolBar QLabel {{ color: {MUTED}; padding: 0 6px; }}
QDockWidget {{ color: {TEXT}; font-weight: 600; }}
QDockWidget::title {{ background: {PANEL}; padding: 6px 8px; border-bottom: 1px solid {BORDER}; }}
QTreeView {{ background: {BASE}; border: none; alternate-background-color: #13171c; outline: 0; }}
QTreeView::item {{ padding: 3px 2px; }}
QTreeView::item:selected {{ background: #1f3b63; color: #ffffff; }}
QTreeView::item:hover {{ background: #1b222b; }}
QLineEdit {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 8px;
            selection-background-color: {ACCENT}; }}
QLineEdit:focus {{ border-color: {ACCENT}; }}
QComboBox {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 8px; }}
QPushButton {{ background: #262c35; border: 1px solid {BORDER}; border-radius: 4px; padding: 6px 16px; }}
QPushButton:hover {{ background: #2e3540; }}
QPushButton:default {{ background: {ACCENT}; border-color: {ACCENT}; color: #ffffff; }}
QPushButton:disabled {{ color: {MUTED}; }}
QStatusBar {{ background: {PANEL}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {TEXT}; padding: 0 8px; }}
QLabel#loginError {{ color: #ff7b72; }}
QLabel#loginTitle {{ font-size: 15pt; font-weight: 600; }}
QLabel#muted {{ color: {MUTED}; }}
QProgressBar {{ background: {BASE}; border: none; max-height: 3px; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QMenuBar {{ background: {PANEL}; border-bottom: 1px solid {BORDER}; }}
QMenuBar::item:selected {{ background: #252b33; }}
QMenu {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QMenu::item:selected {{ background: #1f3b63; }}
QSplitter::handle {{ background: {BORDER}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Give the whole application the dark palette and style sheet (Fusion style for consistency)."""
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#262c35",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: PANEL,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: MUTED,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(MUTED))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(MUTED))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
