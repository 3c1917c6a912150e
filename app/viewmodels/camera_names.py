"""Camera names in the operator's language: the Arabic name (``name_ar``) when the language is Arabic.

XProtect knows one name per camera; the backend keeps an Arabic display name per camera, set by an
administrator (``CameraOut.name_ar``, learnt when the GUI imports or maps its cameras). ``CameraNames`` holds
those Arabic names by XProtect camera id and answers ``display(camera)``: the Arabic name while the
application's language (``QLocale`` default, set by ``app.i18n``) is Arabic and the camera has one, else the
XProtect name. One per application (a child of the QApplication, like the language switcher; ``for_app``),
because the language it follows is application-wide too. ``sigChanged()``: names learnt, or the language
changed (every shown camera name should be set again).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Signal

from milestone.models import Camera

from ..i18n import LanguageChangeWatcher

OBJECT_NAME = "cameraNames"


class CameraNames(QObject):
    """See the module docstring."""

    sigChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self._arabic: dict[str, str] = {}
        LanguageChangeWatcher(self, self.sigChanged.emit)

    @classmethod
    def for_app(cls) -> CameraNames:
        """The application's instance (created on first use; without an application: a private one)."""
        app = QCoreApplication.instance()
        if app is None:
            return cls()
        found = app.findChild(CameraNames, OBJECT_NAME)
        return found if isinstance(found, CameraNames) else cls(app)

    def set_arabic(self, names: Mapping[str, str | None]) -> None:
        """Learn Arabic names by XProtect camera id (None or "" forgets a camera's Arabic name)."""
        changed = False
        for camera_id, name in names.items():
            key = camera_id.lower()
            if name and name.strip():
                changed |= self._arabic.get(key) != name.strip()
                self._arabic[key] = name.strip()
            elif key in self._arabic:
                del self._arabic[key]
                changed = True
        if changed:
            self.sigChanged.emit()

    def arabic(self, camera_id: str) -> str | None:
        """The camera's Arabic name, or None when the backend has none."""
        return self._arabic.get(camera_id.lower())

    def name(self, camera_id: str, fallback: str) -> str:
        """The name to show for ``camera_id`` now: Arabic when the language is Arabic and one is known."""
        if QLocale().language() == QLocale.Language.Arabic:
            return self._arabic.get(camera_id.lower()) or fallback
        return fallback

    def display(self, camera: Camera | None) -> str:
        """``name(camera.id, camera.name)``; "" for None."""
        return self.name(camera.id, camera.name) if camera is not None else ""
