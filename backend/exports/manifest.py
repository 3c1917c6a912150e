"""The manifest of an export package and checking a package against it (writing one: ``backend.exports.package``).

Manifest (``MANIFEST_FORMAT`` ``control-room-export/1``, JSON, UTF-8, keys sorted): ``format``, ``exportId``,
``createdAt`` (ISO 8601 UTC), ``backendVersion``, ``operator`` (who asked), ``reason``, ``incidentId``,
``range`` {``start``, ``end``} (UTC, half-open), ``maskFaces``, ``cameras`` [{``id``, ``name``, ``nameAr``,
``agency``, ``file`` (or null: no footage)}], ``files`` [{``name``, ``sha256``, ``sizeBytes``, ``cameraId``,
``source``, ``start``, ``end``, ``frames``, ``masked``}]. The manifest's own SHA-256 is recorded at creation
(database row, audit log, ``ExportOut.manifestSha256``) so a package whose manifest was rewritten is caught.

The ZIP holds the MP4 files first and ``manifest.json`` last, every member STORED (video does not compress;
storing keeps the bytes as the manifest hashes them and lets the verifier hash each member straight from the
archive). It is written as a stream (data descriptors), and its own SHA-256 is computed while it is written.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from backend.api.schemas_exports import MANIFEST_FORMAT, MANIFEST_NAME

CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature .. file name length, extra field length (30 bytes)


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The canonical bytes of a manifest (sorted keys, two-space indent, UTF-8, trailing newline)."""
    return (
        json.dumps({"format": MANIFEST_FORMAT, **manifest}, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    ).encode()


# -- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberCheck:
    """One file: the SHA-256 the manifest gives (None: not in it) and the one found (None: not in the ZIP)."""

    name: str
    expected_sha256: str | None
    actual_sha256: str | None

    @property
    def ok(self) -> bool:
        return self.expected_sha256 is not None and self.expected_sha256 == self.actual_sha256


@dataclass(slots=True)
class Verification:
    """The result of :func:`verify_package`: ``ok`` when every file matches, the manifest parses, has our
    format and (when a digest was given) hashes to it. ``problems``: English, one line each."""

    files: list[MemberCheck] = field(default_factory=list)
    manifest_ok: bool = False
    manifest_sha256: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.manifest_ok and not self.problems and all(f.ok for f in self.files)


def _member_digest(fh: IO[bytes], info: zipfile.ZipInfo) -> str:
    """SHA-256 hex of a member's stored bytes, read straight from the archive (no CRC check: a changed byte
    must give a different digest, not an exception)."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{info.filename} is compressed; packages store their files")
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise ValueError(f"the local header of {info.filename} is damaged")
    fields = _LOCAL_HEADER.unpack(header)
    fh.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    digest, left = hashlib.sha256(), info.compress_size
    while left > 0:
        chunk = fh.read(min(CHUNK, left))
        if not chunk:
            raise ValueError(f"{info.filename} is truncated")
        digest.update(chunk)
        left -= len(chunk)
    return digest.hexdigest()


def verify_package(path: Path, expected_manifest_sha256: str | None = None) -> Verification:
    """Check the ZIP at ``path`` against its manifest (and the manifest against ``expected_manifest_sha256``
    when given). Never raises for a damaged package: everything wrong is in ``problems``. Blocking."""
    result = Verification()
    try:
        with path.open("rb") as fh, zipfile.ZipFile(fh) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if MANIFEST_NAME not in infos:
                result.problems.append(f"{MANIFEST_NAME} is missing")
                return result
            manifest_raw = archive.read(MANIFEST_NAME)
            result.manifest_sha256 = hashlib.sha256(manifest_raw).hexdigest()
            expected = _expected_files(manifest_raw, result)
            if expected is None:
                return result
            result.manifest_ok = True
            if expected_manifest_sha256 is not None and expected_manifest_sha256.lower() != result.manifest_sha256:
                result.manifest_ok = False
                result.problems.append("the manifest differs from the one recorded when the export was made")
            for name in sorted(set(expected) | (set(infos) - {MANIFEST_NAME})):
                actual = _member_digest(fh, infos[name]) if name in infos else None
                check = MemberCheck(name, expected.get(name), actual)
                result.files.append(check)
                if check.expected_sha256 is None:
                    result.problems.append(f"{name}: in the package but not in the manifest")
                elif actual is None:
                    result.problems.append(f"{name}: in the manifest but missing from the package")
                elif not check.ok:
                    result.problems.append(f"{name}: SHA-256 differs from the manifest")
    except (zipfile.BadZipFile, ValueError, OSError, struct.error) as exc:
        result.manifest_ok = result.manifest_ok and False
        result.problems.append(f"the package cannot be read: {exc}")
    return result


def _expected_files(raw: bytes, result: Verification) -> dict[str, str] | None:
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.problems.append(f"{MANIFEST_NAME} is not valid JSON: {exc}")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        result.problems.append(f"{MANIFEST_NAME} is not a {MANIFEST_FORMAT} manifest")
        return None
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("sha256"), str) for f in files
    ):
        result.problems.append(f"{MANIFEST_NAME} has no valid file list")
        return None
    return {f["name"]: f["sha256"].lower() for f in files}
