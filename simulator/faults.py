"""Test-only fault injection into live ImageServer streams.

``POST /simulator/faults`` on the management port (NOT an XProtect endpoint; it exists for tests only) with
JSON ``{"kind": "malformed_frame" | "close_mid_frame", "camera_id": "<guid>", "count": 1}`` arms faults for
the next ``count`` live image responses of that camera, on whichever live connection sends them first:

- ``malformed_frame``: the image response goes out with a non-numeric ``Content-length`` header (a client's
  sans-I/O reader must raise ProtocolError and reconnect); the server keeps streaming afterwards.
- ``close_mid_frame``: the server sends the headers and half the content of the image, then closes the socket.

``GET /simulator/faults`` lists the faults still armed. Answers 400 with ``{"error": ...}`` on bad input.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

FAULT_KINDS = ("malformed_frame", "close_mid_frame")
MAX_COUNT = 1000


class FaultBoard:
    """Armed faults per camera id (lower-case GUID), consumed in the order they were added."""

    def __init__(self) -> None:
        self._armed: dict[str, deque[str]] = {}

    def add(self, kind: str, camera_id: str, count: int = 1) -> None:
        """Arm ``count`` faults of ``kind``. Raises ValueError on an unknown kind or a count outside 1..1000."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if not 1 <= count <= MAX_COUNT:
            raise ValueError(f"count {count} outside 1..{MAX_COUNT}")
        self._armed.setdefault(camera_id.lower(), deque()).extend([kind] * count)

    def take(self, camera_id: str) -> str | None:
        """Consume and return the next armed fault for the camera, or None."""
        queue = self._armed.get(camera_id)
        if not queue:
            return None
        kind = queue.popleft()
        if not queue:
            del self._armed[camera_id]
        return kind

    def pending(self) -> dict[str, list[str]]:
        """Armed faults by camera id."""
        return {cam: list(q) for cam, q in self._armed.items()}


def fault_routes(board: FaultBoard, known_camera: Callable[[str], bool]) -> list[Route]:
    """Starlette routes of the test-only fault endpoint; ``known_camera(id) -> bool`` validates ids."""

    async def post(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"{}")
            kind = str(body["kind"])
            camera_id = str(body["camera_id"]).lower()
            count = int(body.get("count", 1))
            if not known_camera(camera_id):
                raise ValueError(f"unknown camera {camera_id}")
            board.add(kind, camera_id, count)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"armed": board.pending()})

    async def get(_: Request) -> JSONResponse:
        return JSONResponse({"armed": board.pending()})

    return [
        Route("/simulator/faults", post, methods=["POST"]),
        Route("/simulator/faults", get, methods=["GET"]),
    ]
