"""``python main.py verify-export PACKAGE.zip [--manifest-sha256 HEX]``: check an export package offline.

Prints one line per file (``OK`` / ``MISMATCH`` / ``MISSING`` / ``EXTRA``, name, SHA-256), the manifest's
SHA-256 (and whether it equals ``--manifest-sha256``, the digest recorded when the export was made: in
``ExportOut.manifestSha256`` and the audit log's ``export.packaged`` row), every problem, and a verdict.
Exit status 0 when everything matches, 1 otherwise (also for an unreadable package).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .manifest import verify_package


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("package", type=Path, help="the export package (ZIP)")
    parser.add_argument(
        "--manifest-sha256", metavar="HEX", default=None, help="the manifest digest recorded when the export was made"
    )


def run_verify(args: argparse.Namespace) -> int:
    """Verify ``args.package``; returns the exit status."""
    expected = args.manifest_sha256
    if expected is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", expected):
        print("--manifest-sha256 must be 64 hexadecimal digits")
        return 1
    if not args.package.is_file():
        print(f"{args.package}: no such file")
        return 1
    result = verify_package(args.package, expected)
    for check in result.files:
        if check.expected_sha256 is None:
            word = "EXTRA"
        elif check.actual_sha256 is None:
            word = "MISSING"
        else:
            word = "OK" if check.ok else "MISMATCH"
        print(f"{word:8} {check.name}  {check.actual_sha256 or '-'}")
    if result.manifest_sha256:
        note = (
            "" if expected is None else ("  (matches)" if result.manifest_ok else "  (DIFFERS from the recorded one)")
        )
        print(f"manifest {result.manifest_sha256}{note}")
    for problem in result.problems:
        print(f"problem: {problem}")
    print("verified: the package matches its manifest" if result.ok else "NOT verified")
    return 0 if result.ok else 1
