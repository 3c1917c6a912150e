"""Switching the language at run time: every open window retranslates and flips direction, and back.

Catalogues are built at test time: a pseudo-translation (every source string of app/ and widgets/ as ‹source›,
extracted afresh with pyside6-lupdate) proves that every text is set again on a language change without
depending on the Arabic catalogue being finished; the issue's own check uses the real catalogue
(translations/control_room_ar.ts compiled with pyside6-lrelease).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import keyring.backends.null
import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication

from app.bidi import FSI, PDI, isolate, left_to_right, strip_controls
from app.calendars import (
    CalendarSystem,
    current_calendar,
    day_month,
    hijri_parts,
    long_date,
    numeric_date,
    set_calendar,
)
from app.credentials import CredentialStore
from app.i18n import LanguageChangeWatcher, LanguageSwitcher
from app.settings import Settings
from app.viewmodels import MainViewModel
from app.viewmodels.camera_names import CameraNames
from milestone.models import Camera, Inventory, RecordingServer
from tests.i18n_texts import REPO, lrelease, pseudo_catalogue, untranslated, visible_texts
from widgets.exports_dialog import ExportsDialog
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui

ENDONYMS = {"English", "العربية"}  # the View ▸ Language entries name each language in its own script


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pseudo")
    pseudo_catalogue(directory)
    return directory


@pytest.fixture
def english(qapp):
    """Leaves the application in English, left to right, Gregorian, whatever the test did."""
    yield
    switcher = LanguageSwitcher.for_app(qapp)
    switcher.switch("en")
    set_calendar(CalendarSystem.GREGORIAN)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def settle() -> None:
    """Deliver the posted LanguageChange events (Qt posts them to every window)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def make_window(qapp, qtbot):
    vm = MainViewModel(Settings(None, environ={}), CredentialStore(keyring.backends.null.Keyring()), None)
    window = create_main_window(qapp, vm)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    return vm, window


def use_catalogue(qapp, directory) -> LanguageSwitcher:
    switcher = LanguageSwitcher.for_app(qapp)
    switcher._directory = directory  # the test's catalogue instead of translations/
    return switcher


def test_switch_retranslates_every_window_flips_to_rtl_and_back_restores_english_exactly(
    qapp, qtbot, pseudo_dir, english
):
    vm, window = make_window(qapp, qtbot)
    exports = ExportsDialog(vm.exports, window)  # a non-modal window open during the switch
    qtbot.addWidget(exports)
    exports.show()
    switcher = use_catalogue(qapp, pseudo_dir)
    switcher.switch("en")
    settle()
    roots = (window, exports)
    before = {root: sorted(visible_texts(root, visible_only=False)) for root in roots}
    assert len(before[window]) > 150  # every panel, shown or not: the hidden ones must follow too
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight

    assert switcher.switch("ar") is True
    settle()
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert exports.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.tree_panel.layoutDirection() == Qt.LayoutDirection.RightToLeft
    for root in roots:
        texts = visible_texts(root, visible_only=False)
        assert not untranslated(texts, ENDONYMS), f"not retranslated in {type(root).__name__}"
    assert window.windowTitle() == "‹Control Room — Live›"
    assert vm.connection_text == "‹Not connected›"
    # The deliberate exceptions keep left to right (docs/operator-guide.md, "Language and direction").
    panel = window.playback_panel
    for widget in (window.wall, panel.player.transport, panel.timeline, panel.range_bar):
        assert widget.layoutDirection() == Qt.LayoutDirection.LeftToRight, type(widget).__name__
    assert window.toasts.layoutDirection() == Qt.LayoutDirection.RightToLeft

    assert switcher.switch("en") is True
    settle()
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    for root in roots:
        assert sorted(visible_texts(root, visible_only=False)) == before[root]
    window.close()


def test_view_models_re_emit_their_translated_texts(qapp, qtbot, pseudo_dir, english):
    vm = MainViewModel(Settings(None, environ={}), CredentialStore(keyring.backends.null.Keyring()), None)
    switcher = use_catalogue(qapp, pseudo_dir)
    seen: list[str] = []
    vm.sigConnectionChanged.connect(lambda: seen.append(vm.connection_text))
    status: list[str] = []
    vm.backend_status.sigChanged.connect(lambda: status.append(vm.backend_status.text))
    calls: list[int] = []
    LanguageChangeWatcher(vm, lambda: calls.append(1))
    switcher.switch("ar")
    assert seen and seen[-1] == "‹Not connected›"
    assert status and status[-1].startswith("‹Backend")
    switcher.switch("en")
    assert seen[-1] == "Not connected" and not status[-1].startswith("‹")
    switcher.set_calendar("hijri")  # a calendar change sets the texts again too
    assert len(calls) == 3


def test_a_missing_catalogue_shows_english_but_flips_direction(qapp, tmp_path, english, caplog):
    switcher = use_catalogue(qapp, tmp_path)  # no .qm here
    with caplog.at_level("INFO", logger="app.i18n"):
        assert switcher.switch("ar") is False
    assert "no translation catalogue for ar" in caplog.text
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert QCoreApplication.translate("MainWindow", "Live") == "Live"
    assert switcher.switch("en") is True


def test_the_whole_main_window_in_arabic_has_no_untranslated_visible_text_and_is_rtl(qapp, qtbot, tmp_path, english):
    ts = REPO / "translations" / "control_room_ar.ts"
    unfinished = sum(1 for m in ET.parse(ts).getroot().iter("translation") if m.get("type") == "unfinished")
    lrelease(ts, tmp_path / "control_room_ar.qm")
    _vm, window = make_window(qapp, qtbot)
    switcher = use_catalogue(qapp, tmp_path)
    assert switcher.switch("ar") is True
    settle()
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    texts = visible_texts(window)  # what the operator sees: the shown widgets and the menu bar's menus
    assert len(texts) > 30
    bad = untranslated(texts, ENDONYMS)
    assert not bad, f"{len(bad)} English texts ({unfinished} unfinished in the .ts): {bad[:10]}"
    window.close()


def test_arabic_camera_names_follow_the_language(qapp, qtbot, pseudo_dir, english):
    server = RecordingServer("rs1", "Recorder 1", "127.0.0.1", 7563, "http://127.0.0.1/")
    cameras = (
        Camera("cam-a", "Gate 3 - North", True, False, "hw", server),
        Camera("cam-b", "Parking", True, False, "hw", server),
    )
    vm, window = make_window(qapp, qtbot)
    vm.tree.set_inventory(Inventory((server,), cameras))
    names = CameraNames.for_app()
    names.set_arabic({"CAM-A": "البوابة ٣ - الشمال", "cam-b": None})
    switcher = use_catalogue(qapp, pseudo_dir)

    def shown() -> list[str]:
        root = vm.tree.item(0)
        return [root.child(i).text() for i in range(root.rowCount())]

    assert shown() == ["Gate 3 - North", "Parking"]
    assert names.display(cameras[0]) == "Gate 3 - North"
    switcher.switch("ar")
    settle()
    assert shown() == ["البوابة ٣ - الشمال", "Parking"]  # no Arabic name: the XProtect one
    assert names.display(cameras[0]) == "البوابة ٣ - الشمال"
    tip = vm.tree.item(0).child(0).toolTip()
    assert "البوابة" in tip and tip.startswith("‹")
    vm.tree_proxy.set_search_text("gate")  # the XProtect name still finds the camera shown in Arabic
    assert vm.tree_proxy.rowCount(vm.tree_proxy.index(0, 0)) == 1
    switcher.switch("en")
    settle()
    assert shown() == ["Gate 3 - North", "Parking"]
    window.close()


def test_bidi_isolation_of_inserted_values():
    assert isolate("Gate 3 - North") == f"{FSI}Gate 3 - North{PDI}"
    assert isolate(isolate("x")) == isolate("x")  # idempotent
    assert isolate(42) == f"{FSI}42{PDI}"
    assert strip_controls(left_to_right("2026-05-12 14:05")) == "2026-05-12 14:05"


def test_connection_text_isolates_the_server_and_user(qapp):
    settings = Settings(None, environ={})
    settings.set("username", "ahmad")
    vm = MainViewModel(settings, CredentialStore(keyring.backends.null.Keyring()), None)
    vm._server = "https://vms.example.com"  # as after a login (the text is under test, not the login)
    vm._connection = "connected"
    assert vm.connection_text == f"Connected to {FSI}https://vms.example.com{PDI} as {FSI}ahmad{PDI}"


def test_hijri_dates_are_umm_al_qura_not_qt_islamic_civil(qapp, english):
    # 1 Ramadan 1445 AH began on Monday 11 March 2024 in the Umm al-Qura calendar (Saudi Arabia's official one);
    # Qt's arithmetic "Islamic Civil" calendar puts 11 March 2024 on 30 Sha'ban.
    assert hijri_parts(date(2024, 3, 11)) == (1445, 9, 1)
    assert hijri_parts(date(2026, 11, 22)) == (1448, 6, 12)
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    arabic = QLocale(QLocale.Language.Arabic, QLocale.Country.SaudiArabia)
    assert numeric_date(QDate(2024, 3, 11), CalendarSystem.HIJRI, english) == "1445-09-01 AH"
    assert numeric_date(QDate(2024, 3, 11), CalendarSystem.GREGORIAN, english) == "2024-03-11"
    assert long_date(QDate(2024, 3, 11), CalendarSystem.HIJRI, english) == "Mon 1 Ramadan 1445 AH"
    assert day_month(QDate(2024, 3, 11), CalendarSystem.HIJRI, english) == "Mon 1/9"  # the axis' midnight tick
    assert "رمضان" in long_date(QDate(2024, 3, 11), CalendarSystem.HIJRI, arabic)
    assert "١٤٤٥" in numeric_date(QDate(2024, 3, 11), CalendarSystem.HIJRI, arabic)
    # Outside the Umm al-Qura tables (1343–1500 AH): the Gregorian date, never a wrong Hijri one.
    assert numeric_date(QDate(2090, 1, 1), CalendarSystem.HIJRI, english) == "2090-01-01"


def test_the_calendar_setting_drives_the_dates_shown(qapp, english):
    from app.viewmodels.playback_time import format_instant
    from widgets.timeline_axis import TimeAxisItem

    assert Settings(None, environ={}).get("calendar") == "gregorian"
    switcher = LanguageSwitcher.for_app(qapp)
    us = 1_710_158_400_000_000  # 2024-03-11 12:00 UTC
    assert "2024-03-11" in strip_controls(format_instant(us))
    switcher.set_calendar("hijri")
    assert current_calendar() is CalendarSystem.HIJRI
    assert "1445-09-01 AH" in strip_controls(format_instant(us)) or "1445-08-30 AH" in strip_controls(
        format_instant(us)
    )  # the local date: 11 or 10 March depending on the workstation's zone
    axis = TimeAxisItem(us / 1e6)
    assert "AH" in axis.date_text(0, 0)
    switcher.set_calendar("gregorian")
    assert "2024" in axis.date_text(0, 0)
    assert QApplication.instance() is qapp
