"""Fill a Qt Linguist ``.ts`` catalogue from a translation table (TSV), or dump its messages as a TSV.

The table has one message a line, three tab-separated columns::

    context<TAB>source<TAB>translation

``context`` is the Qt context (the class name given to ``tr()``/``translate()``) or ``*`` for "any context"; an
exact context row wins over a ``*`` row. Inside a cell, ``\\n`` stands for a line break, ``\\t`` for a tab and
``\\\\`` for a backslash. Lines that are empty or start with ``#`` are ignored. For a numerus message (a source
with ``%n`` written by lupdate as ``numerus="yes"``) the translation cell holds every plural form of the target
language separated by `` || `` (Arabic: six forms, in the order lupdate writes them: zero, one, two, few
(3-10), many (11-99), other).

Usage (from the repository root)::

    # list the messages still to translate (after the lead re-ran pyside6-lupdate):
    python scripts/ts_fill.py dump translations/control_room_ar.ts --unfinished > new.tsv
    # ... write the Arabic into the third column of new.tsv (see docs/glossary-ar.md) ...
    python scripts/ts_fill.py apply translations/control_room_ar.ts new.tsv

``apply`` fills messages whose translation is unfinished (``--overwrite``: every message the table names), drops
``type="unfinished"`` from them and writes the file back in lupdate's own layout, so a later ``pyside6-lupdate``
run keeps the translations and produces no spurious diff. It prints how many messages were filled and which are
still unfinished; the exit status is 1 when some remain unfinished, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

NUMERUS_SEPARATOR = " || "
ANY_CONTEXT = "*"


def unescape_cell(cell: str) -> str:
    """A TSV cell's text: ``\\n`` -> line break, ``\\t`` -> tab, ``\\\\`` -> backslash."""
    out: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            nxt = cell[i + 1]
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def escape_cell(text: str) -> str:
    """Inverse of :func:`unescape_cell`."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def read_table(lines: Iterable[str]) -> dict[tuple[str, str], str]:
    """``{(context or "*", source): translation}`` from TSV lines; raises ValueError on a malformed line."""
    table: dict[tuple[str, str], str] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3:
            raise ValueError(f"line {number}: expected 3 tab-separated cells, got {len(cells)}: {line!r}")
        context, source, translation = (unescape_cell(c) for c in cells)
        table[(context, source)] = translation
    return table


def lookup(table: dict[tuple[str, str], str], context: str, source: str) -> str | None:
    """The table's translation of ``source`` in ``context`` (an exact row first, then a ``*`` row), or None."""
    found = table.get((context, source))
    return found if found is not None else table.get((ANY_CONTEXT, source))


def is_unfinished(message: ET.Element) -> bool:
    """True when the message's translation is missing, empty or marked ``type="unfinished"``."""
    translation = message.find("translation")
    if translation is None or translation.get("type") == "unfinished":
        return True
    forms = translation.findall("numerusform")
    texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
    return not all(t.strip() for t in texts)


def set_translation(message: ET.Element, text: str) -> None:
    """Write ``text`` into the message's <translation> (numerus: split into its forms) and mark it finished.

    Raises ValueError when a numerus message gets a number of forms different from lupdate's.
    """
    translation = message.find("translation")
    if translation is None:
        translation = ET.SubElement(message, "translation")
    forms = translation.findall("numerusform")
    if message.get("numerus") == "yes":
        parts = text.split(NUMERUS_SEPARATOR)
        count = len(forms) or 6
        if len(parts) != count:
            raise ValueError(f"{message.findtext('source')!r}: {len(parts)} plural forms given, {count} needed")
        for child in forms:
            translation.remove(child)
        for part in parts:
            ET.SubElement(translation, "numerusform").text = part
    else:
        translation.text = text
    translation.attrib.pop("type", None)


def messages(root: ET.Element) -> Iterable[tuple[str, ET.Element]]:
    """(context name, <message>) for every message of the catalogue, in file order."""
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&apos;")
        .replace('"', "&quot;")
    )


def _write_element(element: ET.Element, depth: int, out: list[str]) -> None:
    # lupdate's layout: <TS> and <context> at column 0, then four spaces per level; leaves on one line.
    indent = "    " * max(depth - 1, 0)
    attrs = "".join(f' {k}="{_escape(v)}"' for k, v in element.attrib.items())
    children = list(element)
    if not children:
        out.append(f"{indent}<{element.tag}{attrs}>{_escape(element.text or '')}</{element.tag}>\n")
        return
    out.append(f"{indent}<{element.tag}{attrs}>\n")
    for child in children:
        _write_element(child, depth + 1, out)
    out.append(f"{indent}</{element.tag}>\n")


def serialise(root: ET.Element) -> str:
    """The catalogue as lupdate writes it (XML declaration, ``<!DOCTYPE TS>``, its indentation)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', "<!DOCTYPE TS>\n"]
    _write_element(root, 0, out)
    return "".join(out)


def apply(ts: Path, table: dict[tuple[str, str], str], overwrite: bool = False) -> tuple[int, list[tuple[str, str]]]:
    """Fill ``ts`` in place from ``table``; returns (messages filled, [(context, source) still unfinished])."""
    tree = ET.parse(ts)
    filled = 0
    missing: list[tuple[str, str]] = []
    for context, message in messages(tree.getroot()):
        source = message.findtext("source") or ""
        if overwrite or is_unfinished(message):
            text = lookup(table, context, source)
            if text:
                set_translation(message, text)
                filled += 1
        if is_unfinished(message):
            missing.append((context, source))
    ts.write_text(serialise(tree.getroot()), encoding="utf-8")
    return filled, missing


def dump(ts: Path, unfinished_only: bool) -> list[str]:
    """TSV lines (context, source, translation) of the catalogue's messages (numerus forms joined by `` || ``)."""
    lines = []
    for context, message in messages(ET.parse(ts).getroot()):
        if unfinished_only and not is_unfinished(message):
            continue
        translation = message.find("translation")
        text = ""
        if translation is not None and not unfinished_only:
            forms = translation.findall("numerusform")
            text = NUMERUS_SEPARATOR.join(f.text or "" for f in forms) if forms else (translation.text or "")
        cells = (context, message.findtext("source") or "", text)
        lines.append("\t".join(escape_cell(c) for c in cells))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_apply = sub.add_parser("apply", help="fill the .ts from one or more TSV tables")
    p_apply.add_argument("ts", type=Path)
    p_apply.add_argument("tables", type=Path, nargs="+")
    p_apply.add_argument("--overwrite", action="store_true", help="also replace finished translations")
    p_dump = sub.add_parser("dump", help="print the messages as TSV")
    p_dump.add_argument("ts", type=Path)
    p_dump.add_argument("--unfinished", action="store_true", help="only messages still to translate")
    args = parser.parse_args(argv)
    if args.command == "dump":
        sys.stdout.write("".join(line + "\n" for line in dump(args.ts, args.unfinished)))
        return 0
    table: dict[tuple[str, str], str] = {}
    for path in args.tables:
        table.update(read_table(path.read_text(encoding="utf-8").splitlines()))
    filled, missing = apply(args.ts, table, args.overwrite)
    print(f"{args.ts}: {filled} messages filled, {len(missing)} unfinished")
    for context, source in missing:
        print(f"  unfinished: {context}\t{escape_cell(source)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
