"""The Arabic catalogue is complete and well-formed, compiles cleanly, and a missing catalogue falls back to English.

Checks on translations/control_room_ar.ts: every message has a finished, non-empty translation that keeps the
source's placeholders (%1, %n, {0}, {name}), HTML tags, '&' accelerators, line breaks, leading/trailing spaces and
trailing '…'/':'; numerus messages have all six Arabic forms. The checker itself is run on a broken catalogue
so each rule is shown to fail. The compiled .qm is loaded for real, and Qt's own buttons come out in Arabic from
PySide6's qtbase_ar. scripts/ts_fill.py round-trips through pyside6-lupdate without changing the file.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.i18n import install_translators

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "translations" / "control_room_ar.ts"
BIN = Path(sys.executable).parent
ARABIC_FORMS = 6  # Qt's Arabic numerus forms: 0, 1, 2, 3-10, 11-99, 100-102...
PLACEHOLDER = re.compile(r"%n|%L?\d+|\{[A-Za-z_0-9]*\}")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^>]*>")
ACCELERATOR = re.compile(r"&(?!&)(?=\S)")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# Technical tokens and example addresses, the same in Arabic.
SAME_IN_ARABIC = {"HTTP", "https://vms.example.com", "https://backend.example.com:8443", "SHA-256 {0}"}


def _load_ts_fill():
    spec = importlib.util.spec_from_file_location("ts_fill", REPO / "scripts" / "ts_fill.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text_problems(where: str, source: str, text: str) -> list[str]:
    problems = []
    if not text.strip():
        return [f"{where}: empty translation"]
    if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(text)):
        problems.append(f"{where}: placeholders {PLACEHOLDER.findall(source)} became {PLACEHOLDER.findall(text)}")
    if Counter(TAG.findall(source)) != Counter(TAG.findall(text)):
        problems.append(f"{where}: HTML tags {TAG.findall(source)} became {TAG.findall(text)}")
    if len(ACCELERATOR.findall(source)) != len(ACCELERATOR.findall(text)):
        problems.append(f"{where}: '&' accelerator lost or added")
    if source.count("\n") != text.count("\n"):
        problems.append(f"{where}: line breaks differ")
    for mark in ("…", ":"):
        if source.rstrip().endswith(mark) != text.rstrip().endswith(mark):
            problems.append(f"{where}: trailing {mark!r} differs")
    if source[:1].isspace() != text[:1].isspace() or source[-1:].isspace() != text[-1:].isspace():
        problems.append(f"{where}: leading/trailing space differs (suffixes such as ' min' keep theirs)")
    letters = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", source))
    if letters and source not in SAME_IN_ARABIC and not ARABIC_LETTER.search(text):
        problems.append(f"{where}: not translated into Arabic: {text!r}")
    return problems


def catalogue_problems(ts: Path) -> list[str]:
    """Every defect of the Arabic catalogue ``ts``, one line each (empty list: complete and well-formed)."""
    problems = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            where = f"{name}: {source!r}"
            translation = message.find("translation")
            if translation is None:
                problems.append(f"{where}: no <translation>")
                continue
            if translation.get("type"):
                problems.append(f"{where}: translation is {translation.get('type')}")
            forms = translation.findall("numerusform")
            if message.get("numerus") == "yes":
                if len(forms) != ARABIC_FORMS:
                    problems.append(f"{where}: {len(forms)} plural forms, Arabic needs {ARABIC_FORMS}")
                for index, form in enumerate(forms):
                    form_source = source if index >= 3 else source.replace("%n", "").strip()
                    text = form.text or ""
                    if index < 3 and "%n" not in text:
                        text_problems = _text_problems(f"{where} form {index}", form_source, text)
                    else:
                        text_problems = _text_problems(f"{where} form {index}", source, text)
                    problems += text_problems
            else:
                problems += _text_problems(where, source, translation.text or "")
    return problems


def test_every_message_has_a_finished_arabic_translation_keeping_placeholders_and_markup():
    problems = catalogue_problems(CATALOGUE)
    assert not problems, "\n".join(problems[:20])
    messages = list(ET.parse(CATALOGUE).getroot().iter("message"))
    assert len(messages) >= 594


BROKEN = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Broken</name>
    <message>
        <source>Recording of {0} extended to {1}.</source>
        <translation>مُدِّد تسجيل {0}.</translation>
    </message>
    <message>
        <source>Camera &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>الكاميرا %1</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished">تصدير…</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>فتح</translation>
    </message>
    <message>
        <source>Log in…</source>
        <translation>Log in…</translation>
    </message>
    <message>
        <source> min</source>
        <translation>دقيقة</translation>
    </message>
    <message>
        <source>Delete?\n\n{0}</source>
        <translation>حذف؟ {0}</translation>
    </message>
    <message>
        <source>Save snapshot…</source>
        <translation>حفظ لقطة</translation>
    </message>
    <message numerus="yes">
        <source>%n camera(s)</source>
        <translation>
            <numerusform>لا كاميرات</numerusform>
            <numerusform>كاميرا واحدة</numerusform>
            <numerusform>كاميرتان</numerusform>
            <numerusform>%n كاميرات</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
"""


def test_the_checker_reports_each_kind_of_defect(tmp_path):
    ts = tmp_path / "broken_ar.ts"
    ts.write_text(BROKEN.replace("\\n", "&#10;"), encoding="utf-8")
    report = "\n".join(catalogue_problems(ts))
    assert "'Recording of {0} extended to {1}.': placeholders" in report
    assert "HTML tags ['b', 'b'] became []" in report
    assert "'Export…': translation is unfinished" in report
    assert "'&Open': '&' accelerator lost" in report
    assert "'Log in…': not translated into Arabic" in report
    assert "' min': leading/trailing space differs" in report
    assert "line breaks differ" in report
    assert "'Save snapshot…': trailing '…' differs" in report
    assert "'%n camera(s)': 5 plural forms, Arabic needs 6" in report
    assert "'%n camera(s)' form 4: empty translation" in report


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[Path, str]:
    """(directory holding control_room_ar.qm compiled from the committed .ts, lrelease's report)."""
    out = tmp_path_factory.mktemp("qm")
    qm = out / "control_room_ar.qm"
    done = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(CATALOGUE), "-qm", str(qm)], check=True, capture_output=True, text=True
    )
    return out, done.stdout + done.stderr


def test_catalogue_compiles_with_every_message_finished(compiled):
    directory, report = compiled
    total = len(list(ET.parse(CATALOGUE).getroot().iter("message")))
    match = re.search(r"Generated (\d+) translation\(s\) \((\d+) finished and (\d+) unfinished\)", report)
    assert match, report
    assert (int(match[1]), int(match[2]), int(match[3])) == (total, total, 0), report
    assert "warning" not in report.lower(), report
    translator = QTranslator()
    assert translator.load(str(directory / "control_room_ar.qm"))
    assert translator.translate("MainWindow", "Control Room — Live") == "غرفة التحكم — البث المباشر"
    assert translator.translate("RecordingViewModel", "{0} h {1} min") == "{0} ساعة و{1} دقيقة"


@pytest.fixture
def arabic(qapp, compiled):
    """The application in Arabic with the compiled catalogue; English left-to-right again afterwards."""
    directory, _ = compiled
    translators = install_translators(qapp, "ar", directory)
    yield translators
    for translator in translators:
        QApplication.removeTranslator(translator)
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def test_arabic_installs_our_catalogue_and_qtbase_for_standard_buttons(qapp, qtbot, arabic):
    assert len(arabic) == 2  # qtbase_ar from PySide6's translations directory, then ours
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert QCoreApplication.translate("EvidenceMenu", "Exports…") == "عمليات التصدير…"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    ok = box.button(QDialogButtonBox.StandardButton.Ok).text().replace("&", "")
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    assert ok == "حسنًا"  # qtbase_ar's own wording
    assert cancel == "ألغِ"  # (imperative, as qtbase_ar words it)
    message = QMessageBox(
        QMessageBox.Icon.Question, "", "", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    )
    qtbot.addWidget(message)
    for button in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No):
        text = message.button(button).text().replace("&", "")
        assert ARABIC_LETTER.search(text), text


def test_missing_catalogue_falls_back_to_english_with_a_log_line(qapp, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="app.i18n")
    translators = install_translators(qapp, "ar", tmp_path)
    try:
        assert [r for r in caplog.records if "no translation catalogue for ar" in r.getMessage()]
        assert str(tmp_path) in caplog.text
        assert len(translators) == 1  # only Qt's own qtbase_ar
        assert QCoreApplication.translate("MainWindow", "Control Room — Live") == "Control Room — Live"
        assert QCoreApplication.translate("EvidenceMenu", "Exports…") == "Exports…"
    finally:
        for translator in translators:
            QApplication.removeTranslator(translator)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    caplog.clear()
    english = install_translators(qapp, "en", tmp_path)
    for translator in english:
        QApplication.removeTranslator(translator)
    assert "no translation catalogue" not in caplog.text  # English is the source language, nothing is missing


NUMERUS_SOURCE = """from PySide6.QtCore import QObject


class Demo(QObject):
    def texts(self, n):
        return self.tr("%n camera(s) recording", "", n), self.tr("Hello <b>{name}</b>"), self.tr("Line\\nbreak")
"""


def test_ts_fill_fills_from_a_table_and_lupdate_keeps_the_file_unchanged(tmp_path):
    ts_fill = _load_ts_fill()
    (tmp_path / "demo.py").write_text(NUMERUS_SOURCE, encoding="utf-8")
    ts = tmp_path / "demo_ar.ts"
    lupdate = [str(BIN / "pyside6-lupdate"), "demo.py", "-locations", "none", "-target-language", "ar", "-ts", ts.name]
    subprocess.run(lupdate, cwd=tmp_path, check=True, capture_output=True)
    todo = ts_fill.dump(ts, unfinished_only=True)
    assert todo == ["Demo\t%n camera(s) recording\t", "Demo\tHello <b>{name}</b>\t", "Demo\tLine\\nbreak\t"]
    forms = "لا كاميرات تسجّل || كاميرا واحدة تسجّل || كاميرتان تسجّلان || %n كاميرات تسجّل || %n كاميرا تسجّل"
    table = ts_fill.read_table(
        [
            f"Demo\t%n camera(s) recording\t{forms} || %n كاميرا تسجّل",
            "*\tHello <b>{name}</b>\tمرحباً <b>{name}</b>",
            "Demo\tLine\\nbreak\tسطر\\nجديد",
        ]
    )
    filled, missing = ts_fill.apply(ts, table)
    assert (filled, missing) == (3, [])
    assert catalogue_problems(ts) == []
    before = ts.read_bytes()
    subprocess.run(lupdate, cwd=tmp_path, check=True, capture_output=True)
    assert ts.read_bytes() == before
    translator = QTranslator()
    subprocess.run([str(BIN / "pyside6-lrelease"), ts.name], cwd=tmp_path, check=True, capture_output=True)
    assert translator.load(str(tmp_path / "demo_ar.qm"))
    assert translator.translate("Demo", "%n camera(s) recording", "", 2) == "كاميرتان تسجّلان"
    assert translator.translate("Demo", "%n camera(s) recording", "", 7) == "%n كاميرات تسجّل"  # tr() fills %n
    assert translator.translate("Demo", "%n camera(s) recording", "", 0) == "لا كاميرات تسجّل"
    assert translator.translate("Demo", "Line\nbreak") == "سطر\nجديد"
    with pytest.raises(ValueError, match="5 plural forms given, 6 needed"):
        ts_fill.apply(ts, {("Demo", "%n camera(s) recording"): forms}, overwrite=True)
