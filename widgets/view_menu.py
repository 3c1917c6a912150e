"""The main window's "View" menu: Language (English / العربية) and Calendar (Gregorian / Hijri), switched at run
time through ``app.i18n.LanguageSwitcher`` (no restart: every open window retranslates and the layout flips).

Each language is named in its own language and script ("English", "العربية") so that an operator who cannot
read the current one still finds theirs. The choice switches the running application and is
remembered in the ``language`` / ``calendar`` settings through ``remember(key, value)`` (the settings view model).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QLocale
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from app.calendars import CalendarSystem, current_calendar
from app.i18n import LanguageSwitcher

LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}  # endonyms: never translated


class ViewMenu(QMenu):
    """See the module docstring. Added to ``window``'s menu bar, before the other menus."""

    def __init__(self, window: QMainWindow, remember: Callable[[str, str], None] | None = None) -> None:
        super().__init__(window)
        self._remember = remember or (lambda key, value: None)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.switcher = LanguageSwitcher.for_app(app)
        self.language_menu = QMenu(self)
        self.addMenu(self.language_menu)
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(name, self)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, c=code: self._choose_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.calendar_menu = QMenu(self)
        self.addMenu(self.calendar_menu)
        calendars = QActionGroup(self)
        self.calendar_actions: dict[CalendarSystem, QAction] = {}
        for system in CalendarSystem:
            action = QAction(self)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, s=system: self._choose_calendar(s))
            calendars.addAction(action)
            self.calendar_menu.addAction(action)
            self.calendar_actions[system] = action
        bar = window.menuBar()
        first = bar.actions()[0] if bar.actions() else None
        bar.insertMenu(first, self) if first is not None else bar.addMenu(self)
        bar.setVisible(True)
        self.retranslate()

    def _choose_language(self, code: str) -> None:
        self.switcher.switch(code)
        self._remember("language", code)

    def _choose_calendar(self, system: CalendarSystem) -> None:
        self.switcher.set_calendar(system)
        self._remember("calendar", system.value)

    def retranslate(self) -> None:
        """Texts in the current language; the checked entries follow the current language and calendar."""
        self.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.calendar_menu.setTitle(self.tr("&Calendar"))
        self.calendar_actions[CalendarSystem.GREGORIAN].setText(self.tr("Gregorian"))
        self.calendar_actions[CalendarSystem.HIJRI].setText(self.tr("Hijri (Umm al-Qura)"))
        current = "ar" if QLocale().language() == QLocale.Language.Arabic else "en"
        self.language_actions[current].setChecked(True)
        self.calendar_actions[current_calendar()].setChecked(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
