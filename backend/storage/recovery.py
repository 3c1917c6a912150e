"""Start-up recovery: reconcile the spool with the ``segments`` and ``garbage`` tables before recording starts.

Run once, before the recorder and the uploader start (nothing else may write the spool meanwhile):

1. finish the deletions that garbage ``delete`` rows still name (spool files; objects when a store is given);
2. rows left ``uploading`` by a crash go back to ``local``;
3. every spool file (outside ``quarantine/``) is accounted for:
   - named by a ``local``/``uploading`` row: fine;
   - a complete segment (``.ts``/``.mp4``) without a row: ``probe(path)`` describes it and it is indexed (camera
     from ``resolve_camera``, session from the sessions table); the crash came between rename and insert;
   - a ``.partial`` segment: ``seal_partial(path)`` turns the readable part into a complete segment, indexed;
   - a thumbnail (``<time_us>.jpg``) inside the time span of a segment of its camera: fine (the uploader takes
     it along); an unfinished one (``.jpg.partial``) or one no segment covers is quarantined;
   - anything else, or what probe/seal cannot read, or a segment of an unknown camera: moved to
     ``<spool>/quarantine/<same relative path>`` with a garbage ``quarantine`` row (reason) written first;
4. a ``local`` row whose file is missing gets ``last_upload_error`` and is reported, never dropped.

Nothing is deleted except what a garbage ``delete`` row names. ``probe`` and ``seal_partial`` are the recorder's
(``media.segment_writer.probe_segment`` / ``seal_partial``), injected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from backend.storage.base import ObjectStore
from backend.storage.deletion import DeletionResult, finish_deletions
from backend.storage.errors import SegmentConflictError
from backend.storage.fsutil import move_durably
from backend.storage.segment_index import ClosedSegmentLike, SegmentIndex
from backend.storage.spool import QUARANTINE_DIR, THUMBNAIL_SUFFIXES, thumbnail_time_us

log = logging.getLogger(__name__)

ProbeFn = Callable[[Path], ClosedSegmentLike | None]
ResolveCameraFn = Callable[[ClosedSegmentLike], str | None]
SEGMENT_SUFFIXES = (".ts", ".mp4")
PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """A file set aside: where it was and is now (spool-relative), why, and its garbage row."""

    original: str
    quarantined: str
    reason: str
    garbage_id: int


@dataclass(slots=True)
class RecoveryReport:
    """What recovery did; ``missing`` are ids of rows whose spool file is gone (reported, kept)."""

    indexed: list[int] = field(default_factory=list)
    sealed: list[int] = field(default_factory=list)
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    reset_uploading: int = 0
    deletions: DeletionResult = field(default_factory=DeletionResult)

    def summary(self) -> str:
        """One log line."""
        return (
            f"spool recovery: indexed={len(self.indexed)} sealed={len(self.sealed)} "
            f"quarantined={len(self.quarantined)} missing={len(self.missing)} reset_uploading={self.reset_uploading} "
            f"deletions_finished={len(self.deletions.finished)} deletions_pending={len(self.deletions.pending)}"
        )


class _Recovery:
    def __init__(
        self,
        index: SegmentIndex,
        probe: ProbeFn,
        seal_partial: ProbeFn,
        resolve_camera: ResolveCameraFn,
        segment_suffixes: tuple[str, ...],
    ) -> None:
        self.index = index
        self.spool = index.spool
        self.probe = probe
        self.seal_partial = seal_partial
        self.resolve_camera = resolve_camera
        self.segment_suffixes = segment_suffixes
        self.report = RecoveryReport()
        self.quarantine_rows = {g.local_path: g.id for g in index.garbage("quarantine") if g.local_path}

    def quarantine(self, path: Path, reason: str, camera_id: str | None = None) -> None:
        """Garbage row first (so the file is never unaccounted for), then the durable move."""
        original = self.spool.relative(path)
        target = f"{QUARANTINE_DIR}/{original}"
        candidate, n = target, 0
        while self.spool.path(candidate).exists():
            n += 1
            candidate = f"{target}.{n}"
        garbage_id = self.quarantine_rows.get(candidate)  # left by an interrupted earlier run
        if garbage_id is None:
            garbage_id = self.index.add_garbage(
                "quarantine",
                f"{reason} (was {original})",
                local_path=candidate,
                camera_id=camera_id,
                size_bytes=path.stat().st_size,
            )
        move_durably(path, self.spool.path(candidate))
        self.report.quarantined.append(QuarantinedFile(original, candidate, reason, garbage_id))
        log.warning("quarantined spool file %s as %s: %s", original, candidate, reason)

    def index_closed(self, closed: ClosedSegmentLike | None, path: Path, what: str) -> int | None:
        """Index a probed/sealed segment; quarantine ``path`` (what was read) when that is not possible."""
        if closed is None:
            self.quarantine(path, f"{what}: not a readable segment")
            return None
        camera_id = self.resolve_camera(closed)
        target = Path(closed.path)
        if camera_id is None:
            self.quarantine(target if target.exists() else path, f"{what}: unknown camera {closed.camera_key!r}")
            return None
        try:
            return self.index.add_closed_segment(closed, camera_id, self.index.session_for(camera_id, closed.start_us))
        except (SegmentConflictError, ValueError) as exc:
            self.quarantine(target if target.exists() else path, f"{what}: {exc}", camera_id)
            return None

    def segment_file(self, path: Path) -> None:
        try:
            closed = self.probe(path)
        except Exception as exc:
            self.quarantine(path, f"probe failed: {type(exc).__name__}: {exc}")
            return
        segment_id = self.index_closed(closed, path, "complete segment without a row")
        if segment_id is not None:
            self.report.indexed.append(segment_id)

    def partial_file(self, path: Path) -> None:
        try:
            closed = self.seal_partial(path)
        except Exception as exc:
            self.quarantine(path, f"sealing failed: {type(exc).__name__}: {exc}")
            return
        segment_id = self.index_closed(closed, path, "partial segment")
        if segment_id is not None:
            self.report.sealed.append(segment_id)

    def run(self, store: ObjectStore | None) -> RecoveryReport:
        self.spool.create()
        self.report.deletions = finish_deletions(self.index, store)
        self.report.reset_uploading = self.index.reset_uploading()
        rows = self.index.local_files()
        thumbnails: list[Path] = []
        for path in list(self.spool.iter_files()):
            rel = self.spool.relative(path)
            suffix = path.suffix.lower()
            if rel in rows:
                continue
            if suffix == PARTIAL_SUFFIX and Path(path.stem).suffix.lower() in THUMBNAIL_SUFFIXES:
                self.quarantine(path, "unfinished thumbnail")
            elif suffix == PARTIAL_SUFFIX:
                self.partial_file(path)
            elif suffix in self.segment_suffixes:
                self.segment_file(path)
            elif suffix in THUMBNAIL_SUFFIXES:
                thumbnails.append(path)
            else:
                self.quarantine(path, "not a recording file")
        rows = self.index.local_files()
        spans: dict[str, list[tuple[int, int]]] = {}  # camera directory -> (start_us, end_us) of its segments
        for rel, record in rows.items():
            spans.setdefault(PurePosixPath(rel).parts[0], []).append((record.start_us, record.end_us))
        for path in thumbnails:
            time_us = thumbnail_time_us(path.name)
            camera_dir = PurePosixPath(self.spool.relative(path)).parts[0]
            if time_us is None or not any(start <= time_us < end for start, end in spans.get(camera_dir, [])):
                self.quarantine(path, "thumbnail without a segment")
        for rel, record in rows.items():
            if not self.spool.path(rel).is_file():
                error = f"spool file {rel} missing at start-up recovery"
                self.index.note_error(record.id, error)
                self.report.missing.append(record.id)
                log.error("segment %d: %s (row kept)", record.id, error)
        log.info(self.report.summary())
        return self.report


def recover_spool(
    index: SegmentIndex,
    *,
    probe: ProbeFn,
    seal_partial: ProbeFn,
    resolve_camera: ResolveCameraFn | None = None,
    store: ObjectStore | None = None,
    segment_suffixes: tuple[str, ...] = SEGMENT_SUFFIXES,
) -> RecoveryReport:
    """Reconcile ``index.spool`` with the tables (see the module docstring) and return what was done.

    ``probe(path)`` returns a ``ClosedSegmentLike`` for a complete readable segment or ``None``;
    ``seal_partial(path)`` makes a complete segment of a ``.partial`` file's readable part (the result's
    ``path`` is the sealed file inside the spool) or returns ``None``; either may raise, which quarantines.
    ``resolve_camera`` maps a segment to a ``cameras.id`` (default: its ``camera_key`` if such a camera
    exists). ``store`` lets pending object deletions complete. Synchronous (run it in a thread).
    """

    def by_key(closed: ClosedSegmentLike) -> str | None:
        return closed.camera_key if index.camera_exists(closed.camera_key) else None

    recovery = _Recovery(index, probe, seal_partial, resolve_camera or by_key, segment_suffixes)
    return recovery.run(store)
