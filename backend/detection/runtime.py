"""ONNX Runtime sessions for detectors: CPU with a configurable thread count, CUDA or DirectML first when the
installed onnxruntime build offers them; loaded and warmed up once per worker."""

from __future__ import annotations

import logging
from pathlib import Path

import onnxruntime as ort

from backend.detection.base import ModelError

log = logging.getLogger(__name__)

PREFERRED_PROVIDERS = ("CUDAExecutionProvider", "DmlExecutionProvider", "CPUExecutionProvider")


def providers() -> list[str]:
    """The execution providers to ask for, best first, among those this onnxruntime build has."""
    available = set(ort.get_available_providers())
    return [p for p in PREFERRED_PROVIDERS if p in available] or ["CPUExecutionProvider"]


def open_session(path: Path, *, threads: int = 1, model_bytes: bytes | None = None) -> ort.InferenceSession:
    """An inference session on the model file ``path`` (or on ``model_bytes``, a serialised model derived from
    it, when given; ``path`` then only names it) using ``threads`` intra-op threads on the CPU. Raises
    ModelError when the file is missing or not a loadable ONNX model."""
    if model_bytes is None and not path.is_file():
        raise ModelError(path.name, "the file does not exist")
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        source = model_bytes if model_bytes is not None else str(path)
        session = ort.InferenceSession(source, sess_options=options, providers=providers())
    except Exception as exc:  # onnxruntime raises its own exception types for corrupt files
        raise ModelError(path.name, f"not a loadable ONNX model ({type(exc).__name__})") from None
    log.info("detection model %s on %s", path.name, session.get_providers()[0])
    return session
