"""Exports on the S3 object store (SeaweedFS ``weed mini``, tests/s3_server.py): segments uploaded to the
recordings bucket are read through presigned URLs, the package goes to the exports bucket, and the download
route hands out a presigned URL that fetches it without the backend's token; the verify route reads it back.
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile

import httpx
from fastapi.testclient import TestClient

from backend.api.auth import read_api_token
from backend.app import create_app
from backend.exports.component import ExportComponent
from backend.settings import load_settings
from backend.storage.component import StorageComponent
from tests.backend_fixtures import _flatten, wait_until
from tests.playback_support import T0_MS, write_recording
from tests.test_exports_api import EXPORTS, add_camera, body, decoded_stamps


def test_s3_export_reads_uploaded_segments_and_downloads_presigned(s3_server, tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text(s3_server.secret_key)
    secret.chmod(0o600)
    storage = {
        "kind": "s3",
        "s3_endpoint": s3_server.endpoint,
        "s3_access_key": s3_server.access_key,
        "s3_secret_key_file": str(secret),
        "spool_min_free_mb": 0,
    }
    settings = load_settings(
        env={},
        overrides=_flatten(
            {"data_dir": str(tmp_path / "data"), "milestone": {"base_url": ""}, "storage": storage,
             "exports": {"progress_interval_s": 0}}
        ),
    )  # fmt: skip
    app = create_app(settings, components=[StorageComponent, ExportComponent])
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = {"Authorization": f"Bearer {read_api_token(settings.token_file_path)}"}
        cam = add_camera(app, "s3 cam")
        index = app.state.storage.index
        rec = write_recording(app.state.storage.spool.root, camera_index=5, sequences_s=[(0, 6)], segment_seconds=2,
                              width=320, height=180)  # fmt: skip
        ids = [index.add_closed_segment(seg, cam) for seg in rec.segments]
        app.state.storage.uploader.notify()
        wait_until(lambda: all(index.get(i).storage_state == "uploaded" for i in ids), 30)
        assert not any(seg.path.exists() for seg in rec.segments), "the export must read the object store"

        export_id = client.post(EXPORTS, json=body([cam], 1500, 5000), headers=headers).json()["id"]
        done = wait_until(
            lambda: (
                (b := client.get(f"{EXPORTS}/{export_id}", headers=headers).json())["status"] in ("completed", "failed")
                and b
            ),
            60,
        )
        assert done["status"] == "completed", done
        link = client.get(f"{EXPORTS}/{export_id}/download", headers=headers).json()
        assert link["presigned"] is True and link["url"].startswith(f"http://{s3_server.endpoint}/")
        assert link["urlExpiresAt"]
        package = httpx.get(link["url"], timeout=30)  # no backend token: the URL is signed
        assert package.status_code == 200 and hashlib.sha256(package.content).hexdigest() == done["sha256"]
        with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
            mp4 = archive.read(done["files"][0]["name"])
        assert decoded_stamps(mp4) == [t for t in rec.frames_ms if T0_MS + 1500 <= t < T0_MS + 5000]
        streamed = client.get(f"{EXPORTS}/{export_id}/file", headers=headers)
        assert streamed.status_code == 200 and streamed.content == package.content
        assert client.post(f"{EXPORTS}/{export_id}/verify", headers=headers).json()["ok"] is True

        store = app.state.storage.store  # the object vanishing (a lifecycle rule) makes the export expired
        store.delete(store.layout.exports.name, f"{export_id}/export-{export_id}.zip")
        gone = client.get(f"{EXPORTS}/{export_id}/download", headers=headers)
        assert gone.status_code == 410 and gone.json()["error"]["code"] == "export_expired"
        time.sleep(0.1)
        assert client.get(f"{EXPORTS}/{export_id}", headers=headers).json()["status"] == "expired"
