"""REST calls of the backend's evidence exports and clips (issue 7 §1-2), and the package download.

Wire contract: ``backend.api.schemas_exports`` (routes under ``/api/v1/storage``). ``ExportsApi`` wraps a
``BackendClient``; failures raise ``BackendError`` (the backend's bilingual error, or status 0 when it does not
answer). ``download`` streams a completed package to a file: from the object store's presigned URL (fetched
WITHOUT the backend's token: it must never reach another server) or from the backend's own ``/file`` route
(with it), into ``<dest>.part`` while hashing, then checks the SHA-256 against the export's and only then renames
it to ``dest``; a mismatch or a failure removes the partial file (``DownloadError``). Camera ids are the backend's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from backend.api.schemas import API_PREFIX
from backend.api.schemas_exports import DEFAULT_PAGE, ClipOut, ExportDownload, ExportOut, ExportPage

from .client import BackendClient, BackendError, _error_from_response, is_loopback

BASE = f"{API_PREFIX}/storage"
CHUNK = 256 * 1024
DOWNLOAD_TIMEOUT_S = 60.0
CHECKSUM_MISMATCH = "checksum_mismatch"  # client-side code of a package whose bytes do not match its SHA-256

Progress = Callable[[int, int], None]  # (bytes written, total bytes or 0 when unknown)


class DownloadError(BackendError):
    """A download that failed on our side or whose SHA-256 did not match (``code`` ``checksum_mismatch``,
    ``details`` {expected, actual}); the partial file was removed."""


class ExportsApi:
    """The exports and clips routes of the backend ``client`` talks to. See the module docstring."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def create_export(
        self,
        camera_ids: list[str],
        start: datetime,
        end: datetime,
        reason: str,
        *,
        mask_faces: bool = False,
        incident_id: int | None = None,
    ) -> ExportOut:
        """``POST /storage/exports`` -> 202 (status ``queued``). Refused with 422 ``too_many_cameras``,
        ``range_too_long``, ``bad_range``, ``no_footage``; 404 ``camera_not_found``; 403 without ``export``."""
        body: dict[str, Any] = {
            "cameraIds": list(camera_ids),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "reason": reason,
            "maskFaces": bool(mask_faces),
        }
        if incident_id is not None:
            body["incidentId"] = int(incident_id)
        answer = await self._client._request("POST", f"{BASE}/exports", json=body, ok=(200, 201, 202))
        return self._client._parse(ExportOut, answer)

    async def exports(
        self,
        *,
        limit: int = DEFAULT_PAGE,
        before_created: datetime | None = None,
        created_by: str | None = None,
        status: str | None = None,
    ) -> ExportPage:
        """``GET /storage/exports``: a page of exports, newest first; pass the page's ``next_before_created`` as
        ``before_created`` for the next one (None: no more). 403 without ``export``."""
        params: dict[str, Any] = {"limit": int(limit)}
        if before_created is not None:
            params["beforeCreated"] = before_created.isoformat()
        if created_by:
            params["createdBy"] = created_by
        if status:
            params["status"] = status
        answer = await self._client._request("GET", f"{BASE}/exports", params=params)
        return self._client._parse(ExportPage, answer)

    async def export(self, export_id: str) -> ExportOut:
        """``GET /storage/exports/{id}``; 404 ``export_not_found``."""
        answer = await self._client._request("GET", f"{BASE}/exports/{export_id}")
        return self._client._parse(ExportOut, answer)

    async def cancel_export(self, export_id: str) -> None:
        """``DELETE /storage/exports/{id}``: cancels a running job or removes a finished package."""
        await self._client._send("DELETE", f"{BASE}/exports/{export_id}", (200, 204))

    async def download_info(self, export_id: str) -> ExportDownload:
        """``GET .../download``: where to fetch the package; 409 ``export_not_ready``, 410 ``export_expired``."""
        answer = await self._client._request("GET", f"{BASE}/exports/{export_id}/download")
        return self._client._parse(ExportDownload, answer)

    async def download(self, info: ExportDownload, dest: Path, progress: Progress | None = None) -> str:
        """Fetch the package ``info`` names into ``dest`` (see the module docstring); returns its SHA-256 (hex).
        Raises DownloadError (checksum mismatch, the file cannot be written) or BackendError (HTTP)."""
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        digest = hashlib.sha256()
        try:
            if info.presigned:
                trust = not is_loopback(info.url)
                async with httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_S, trust_env=trust) as plain:
                    await self._stream(plain, info.url, part, digest, info.size_bytes, progress, with_token=False)
            else:
                await self._stream(None, info.url, part, digest, info.size_bytes, progress, with_token=True)
            actual = digest.hexdigest()
            if actual.lower() != info.sha256.lower():
                raise DownloadError(
                    0,
                    CHECKSUM_MISMATCH,
                    "the package does not match its SHA-256",
                    "",
                    {"expected": info.sha256, "actual": actual},
                )
            os.replace(part, dest)
            return actual
        except OSError as exc:
            raise DownloadError(0, "write_failed", str(exc)) from None
        finally:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)

    async def _stream(
        self,
        plain: httpx.AsyncClient | None,
        url: str,
        part: Path,
        digest: Any,
        total: int,
        progress: Progress | None,
        *,
        with_token: bool,
    ) -> None:
        http = self._client._http if with_token else plain
        assert http is not None
        written = 0
        try:
            async with http.stream("GET", url, timeout=DOWNLOAD_TIMEOUT_S) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise _error_from_response(response)
                size = int(response.headers.get("content-length") or total or 0)
                with part.open("wb") as out:
                    async for chunk in response.aiter_bytes(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        if progress is not None:
                            progress(written, size)
        except httpx.TimeoutException as exc:
            raise BackendError(0, "timeout", type(exc).__name__) from None
        except httpx.TransportError as exc:
            raise BackendError(0, "unreachable", type(exc).__name__) from None

    # --- clips ------------------------------------------------------------------------------------------
    async def create_clip(
        self,
        camera_ids: list[str],
        start: datetime,
        end: datetime,
        title: str,
        reason: str = "",
        incident_id: int | None = None,
    ) -> ClipOut:
        """``POST /storage/clips`` -> 201 ClipOut (the range is kept from retention); 422 ``bad_range``,
        ``no_footage``; 403 without ``export``."""
        body: dict[str, Any] = {
            "cameraIds": list(camera_ids),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "title": title,
            "reason": reason,
        }
        if incident_id is not None:
            body["incidentId"] = int(incident_id)
        answer = await self._client._request("POST", f"{BASE}/clips", json=body, ok=(200, 201))
        return self._client._parse(ClipOut, answer)
