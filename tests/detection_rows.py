"""Detection rows for tests: the ``detections`` columns of one object found in one frame, and writing them into a
bundled backend's SQLite database as the detection pipeline would (the pipeline itself is tested elsewhere)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

S = 1_000_000


def detection_row(
    camera_id: str,
    at_us: int,
    label: str,
    score: float,
    *,
    box: tuple[float, float, float, float] = (0.1, 0.2, 0.3, 0.6),
    detector: str | None = None,
    class_id: int = 0,
    segment_id: int | None = None,
) -> dict[str, Any]:
    """The columns of one detection of ``label`` at ``at_us`` (µs UTC) with a normalised ``box`` in a 640x360
    frame; ``detector`` defaults to ``face`` for faces, else ``yolo``; stored a second after the frame."""
    x1, y1, x2, y2 = box
    return {
        "camera_id": camera_id,
        "segment_id": segment_id,
        "at_us": at_us,
        "detector": detector or ("face" if label == "face" else "yolo"),
        "label": label,
        "class_id": class_id,
        "score": score,
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "frame_width": 640,
        "frame_height": 360,
        "created_us": at_us + S,
    }


def insert_detection_rows(data_dir: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert ``rows`` into the backend's database in ``data_dir`` (``backend.sqlite3``); returns them with
    their ids."""
    columns = list(rows[0])
    sql = f"INSERT INTO detections ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    db = sqlite3.connect(data_dir / "backend.sqlite3", timeout=30)
    try:
        with db:
            return [{**row, "id": db.execute(sql, [row[c] for c in columns]).lastrowid} for row in rows]
    finally:
        db.close()
