"""The widget layer's single entry point for the application's composition root (``app.cli``)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.viewmodels import MainViewModel

from .main_window import MainWindow
from .theme import apply_theme


def create_main_window(app: QApplication, vm: MainViewModel) -> MainWindow:
    """Apply the dark theme to ``app`` and build the main window bound to ``vm`` (not shown yet)."""
    apply_theme(app)
    return MainWindow(vm)
