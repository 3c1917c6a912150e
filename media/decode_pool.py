"""A small pool of decode threads shared by all streams, keeping each stream's packets in order.

A stream (a :class:`DecodeJob`) is in the pool's ready queue at most once and is worked on by one thread at a
time, so its packets are decoded in arrival order while different streams decode in parallel. Threads are
ordinary (non-daemon) threads joined by :meth:`DecodePool.close`.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class DecodeJob(Protocol):
    """What the pool runs: a stream's decode work."""

    def run_batch(self) -> bool:
        """Decode some queued packets; return True when more are waiting (the job is queued again)."""
        ...

    def fail(self, error: BaseException) -> None:
        """Record an unexpected exception raised by :meth:`run_batch` (already logged by the pool)."""
        ...


class DecodePool:
    """``threads`` worker threads pulling :class:`DecodeJob` instances from one FIFO."""

    def __init__(self, threads: int, *, name: str = "media-decode") -> None:
        if threads < 1:
            raise ValueError("a decode pool needs at least one thread")
        self._ready: queue.SimpleQueue[DecodeJob | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}") for i in range(threads)]
        for thread in self._threads:
            thread.start()

    @property
    def size(self) -> int:
        """Number of worker threads."""
        return len(self._threads)

    def submit(self, job: DecodeJob) -> None:
        """Queue ``job`` to run; the caller guarantees it is not already queued or running. Ignored after close."""
        with self._lock:
            if self._closed:
                return
            self._ready.put(job)

    def close(self, timeout: float | None = 10.0) -> None:
        """Stop the threads after the batches in progress and join them. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for _ in self._threads:
                self._ready.put(None)
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                log.error("decode thread %s did not stop within %s s", thread.name, timeout)

    def _work(self) -> None:
        while True:
            job = self._ready.get()
            if job is None:
                return
            try:
                more = job.run_batch()
            except Exception as exc:
                log.exception("decode job failed")
                try:
                    job.fail(exc)
                except Exception:
                    log.exception("decode job failed while recording its failure")
                more = False
            if more:
                self.submit(job)
