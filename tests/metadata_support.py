"""Shared set-up of the metadata API tests: an in-process backend (TestClient) with the metadata component,
users of each role logged in through the API, and camera / segment rows (preconditions, written straight to
the backend's database: importing cameras is tested elsewhere)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from backend.db.models import Camera, Segment
from backend.metadata.component import MetadataComponent
from tests.backend_fixtures import InProcessBackend

ADMIN_PASSWORD = "admin password 1"
USERS = {"olga": "operator", "oscar": "operator", "sam": "supervisor"}
CAMERAS = {"cam-metro-1": "METRO", "cam-metro-2": "METRO", "cam-bus-1": "BUS", "cam-police-1": "DUBAI_POLICE"}
T0 = "2025-10-27T10:00:00Z"


def has_arabic(value: str) -> bool:
    return any(0x0600 <= ord(ch) <= 0x06FF for ch in value)


class Api:
    """The backend plus log-ins: ``as_(name, method, url, ...)`` sends that user's bearer token; ``admin`` is
    the API token (every permission)."""

    def __init__(self, backend: InProcessBackend) -> None:
        self.backend, self.client = backend, backend.client
        self.tokens: dict[str, str] = {"token": backend.token}

    def log_in(self, username: str, password: str) -> None:
        r = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]

    def as_(self, username: str, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        return self.client.request(method, f"/api/v1/metadata{url}", headers=headers, **kwargs)

    def ok(self, username: str, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        r = self.as_(username, method, url, **kwargs)
        assert r.status_code == status, r.text
        return r.json() if r.content else None

    def error(self, username: str, method: str, url: str, status: int, code: str, **kwargs: Any) -> dict[str, Any]:
        r = self.as_(username, method, url, **kwargs)
        assert r.status_code == status, r.text
        error = r.json()["error"]
        assert error["code"] == code and error["message"] and has_arabic(error["message_ar"]), error
        return error


def make_api(make_backend: Any, backend_settings_factory: Any, tmp_path: Any) -> Api:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    settings = backend_settings_factory(None, auth={"admin_password_file": str(secret)})
    api = Api(make_backend(settings, components=[MetadataComponent]))
    api.log_in("admin", ADMIN_PASSWORD)
    for name, role in USERS.items():
        body = {"username": name, "password": f"{name} password 1", "role": role}
        r = api.client.post("/api/v1/users", json=body, headers={"Authorization": f"Bearer {api.tokens['admin']}"})
        assert r.status_code == 201, r.text
        api.log_in(name, f"{name} password 1")
    db = api.backend.app.state.db
    with db.session() as s:
        s.execute(
            insert(Camera),
            [
                {"id": c, "name": c, "agency": a, "rtsp_url": f"rtsp://127.0.0.1/{c}", "created_us": 0, "updated_us": 0}
                for c, a in CAMERAS.items()
            ],
        )
        s.execute(
            insert(Segment),
            [
                {
                    "id": 1,
                    "camera_id": "cam-metro-1",
                    "start_us": 1_761_559_200_000_000,
                    "end_us": 1_761_559_260_000_000,
                    "media_duration_us": 60_000_000,
                    "frames": 900,
                    "key_frames": 60,
                    "size_bytes": 1000,
                    "sha256": "0" * 64,
                    "container": "mp4",
                    "codec": "h264",
                    "local_path": "x.mp4",
                    "created_us": 0,
                }
            ],
        )
    return api
