"""Stream quotas over the HTTP API (backend.api.quotas with QuotaComponent): reserve until the agency is full,
the bilingual 429 with its rate headers, idempotent release, heartbeat and expiry on an injected clock,
quota_changed events on the WebSocket, limits, bad input, a store that goes down, /health and /metrics.

Each test runs an in-process backend (TestClient) without Milestone; the cameras are rows written straight into
its database (importing them would need XProtect). The Redis variants use a real redis-server child process.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.db.models import Camera
from backend.quotas.component import QuotaComponent
from backend.settings import SettingsError, load_settings
from milestone.clock import ManualClock
from tests.backend_fixtures import InProcessBackend

ARABIC = range(0x0600, 0x06FF)
BUS_CAM, METRO_CAM = "cam-bus-1", "cam-metro-1"
TTL_S = 30.0


def has_arabic(text: str) -> bool:
    return any(ord(ch) in ARABIC for ch in text)


def bilingual(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and has_arabic(error["message_ar"]), error
    return error


def add_cameras(api: InProcessBackend, clock: ManualClock) -> None:
    now = int(clock.time() * 1_000_000)
    with api.app.state.db.session() as session:
        for cam, agency in ((BUS_CAM, "BUS"), (METRO_CAM, "METRO")):
            session.add(
                Camera(
                    id=cam, name=cam, agency=agency, rtsp_url=f"rtsp://10.0.0.5/{cam}", created_us=now, updated_us=now
                )
            )


def start(make_backend, settings_factory, store: str, redis_url: str = "", **extra: Any) -> InProcessBackend:
    """A backend with quotas on ``store`` (BUS limited to 2, TTL 30 s, a sweep every second of its ManualClock)
    and the two cameras."""
    quotas: dict[str, Any] = {"store": store, "limits": {"BUS": 2}, "reservation_ttl_s": TTL_S}
    quotas |= {"cleanup_interval_s": 1.0, **({"redis_url": redis_url} if redis_url else {}), **extra}
    clock = ManualClock()
    api = make_backend(settings_factory(None, quotas=quotas), clock=clock, components=[QuotaComponent])
    add_cameras(api, clock)
    return api


@pytest.fixture(params=["sql", "redis"])
def quota_api(request, make_backend, backend_settings_factory) -> InProcessBackend:
    """``start`` on each store in turn (Redis: a real redis-server)."""
    url = request.getfixturevalue("redis_server").url if request.param == "redis" else ""
    return start(make_backend, backend_settings_factory, request.param, url)


def reserve(api: InProcessBackend, camera: str = BUS_CAM, **extra: Any) -> Any:
    return api.post("/api/v1/stream/reserve", json={"cameraId": camera, "kind": "live", **extra})


def usage(api: InProcessBackend, agency: str) -> dict[str, Any]:
    r = api.get("/api/v1/stream/stats")
    assert r.status_code == 200, r.text
    return next(a for a in r.json()["agencies"] if a["agency"] == agency)


def test_reserve_until_full_then_429_and_release_is_idempotent(quota_api):
    api = quota_api
    url = f"/api/v1/events?token={api.token}&types=quota_changed"
    with api.client.websocket_connect(url) as ws:
        first = reserve(api)
        assert first.status_code == 200, first.text
        body = first.json()
        assert (body["agency"], body["cameraId"], body["kind"], body["limit"], body["remaining"]) == (
            "BUS",
            BUS_CAM,
            "live",
            2,
            1,
        )
        assert body["holder"].startswith("token:") and body["ttlSeconds"] == TTL_S
        assert body["expiresAt"].endswith("Z") or body["expiresAt"].endswith("+00:00")
        assert (first.headers["x-ratelimit-limit"], first.headers["x-ratelimit-remaining"]) == ("2", "1")
        second = reserve(api, holder="wall-3", kind="recording")
        assert second.status_code == 200 and second.json()["holder"] == "token:default/wall-3"
        assert second.headers["x-ratelimit-remaining"] == "0"

        refused = reserve(api)
        error = bilingual(refused, 429, "quota_exceeded")
        assert "BUS" in error["message_ar"] and error["details"] == {"agency": "BUS", "limit": 2, "used": 2}
        assert (refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-remaining"]) == ("2", "0")
        assert reserve(api, METRO_CAM).status_code == 200  # another agency is not affected

        assert usage(api, "BUS") == {"agency": "BUS", "limit": 2, "used": 2, "available": 0}
        rid = body["reservationId"]
        assert api.client.delete(f"/api/v1/stream/release/{rid}", headers=api.headers).json() == {"released": True}
        assert api.client.delete(f"/api/v1/stream/release/{rid}", headers=api.headers).json() == {"released": False}
        assert api.client.delete("/api/v1/stream/release/nope", headers=api.headers).json() == {"released": False}
        assert reserve(api).status_code == 200  # the released slot is free again

        events = [ws.receive_json() for _ in range(5)]
    seen = [(e["data"]["agency"], e["data"]["used"], e["data"]["limit"]) for e in events]
    assert seen == [("BUS", 1, 2), ("BUS", 2, 2), ("METRO", 1, 30), ("BUS", 1, 2), ("BUS", 2, 2)]
    assert all(e["type"] == "quota_changed" for e in events)


def test_heartbeat_keeps_a_reservation_and_expiry_frees_it(quota_api):
    api = quota_api
    clock = api.app.state.clock
    rid = reserve(api).json()["reservationId"]
    url = f"/api/v1/events?token={api.token}&types=quota_changed"
    with api.client.websocket_connect(url) as ws:
        for _ in range(3):  # 60 s in all, beyond the TTL, kept alive by heartbeats every 20 s
            clock.advance(20)
            beat = api.post(f"/api/v1/stream/heartbeat/{rid}")
            assert beat.status_code == 200, beat.text
            assert beat.json()["ttlSeconds"] == TTL_S and beat.json()["reservationId"] == rid
        assert usage(api, "BUS")["used"] == 1
        short = api.post(f"/api/v1/stream/heartbeat/{rid}", json={"ttlSeconds": 5})
        assert short.status_code == 200 and short.json()["ttlSeconds"] == TTL_S  # never shortened
        clock.advance(TTL_S + 1)
        # The component's timer (every second of the injected clock) deletes it and announces the change.
        event = ws.receive_json()
    assert event["data"] == {"agency": "BUS", "limit": 2, "used": 0}
    bilingual(api.post(f"/api/v1/stream/heartbeat/{rid}"), 404, "reservation_not_found")
    assert usage(api, "BUS")["used"] == 0
    assert api.client.delete(f"/api/v1/stream/release/{rid}", headers=api.headers).json() == {"released": False}


def test_limits_and_bad_input_are_bilingual(make_backend, backend_settings_factory):
    api = start(make_backend, backend_settings_factory, "sql")  # validation does not depend on the store
    r = api.put("/api/v1/stream/limits/metro", json={"limit": 1})
    assert r.status_code == 200 and r.json() == {"agency": "METRO", "limit": 1, "used": 0, "available": 1}
    assert reserve(api, METRO_CAM).status_code == 200
    bilingual(reserve(api, METRO_CAM), 429, "quota_exceeded")
    assert api.put("/api/v1/stream/limits/NEWCO", json={"limit": 1}).status_code == 200
    assert reserve(api, METRO_CAM, agency="newco").json()["agency"] == "NEWCO"

    json_headers = {**api.headers, "Content-Type": "application/json"}
    bilingual(
        api.client.post("/api/v1/stream/reserve", content=b'{"cameraId": ', headers=json_headers), 400, "malformed_json"
    )
    bilingual(reserve(api, kind="playback"), 422, "validation_error")
    bilingual(reserve(api, ttlSeconds=-1), 422, "validation_error")
    bilingual(reserve(api, ttlSeconds=86_400), 422, "validation_error")
    bilingual(reserve(api, agency="no spaces"), 422, "validation_error")
    bilingual(reserve(api, bogus=1), 422, "validation_error")
    bilingual(api.post("/api/v1/stream/reserve", json={"kind": "live"}), 422, "validation_error")
    unimported = reserve(api, "no-such-camera")  # a camera this backend does not store counts against OTHER
    assert unimported.status_code == 200 and unimported.json()["agency"] == "OTHER"
    released = api.client.delete(f"/api/v1/stream/release/{unimported.json()['reservationId']}", headers=api.headers)
    assert released.json() == {"released": True}
    unknown = bilingual(reserve(api, agency="NOBODY"), 422, "unknown_agency")
    assert "NEWCO" in unknown["details"]["known"]
    bilingual(api.put("/api/v1/stream/limits/BUS", json={"limit": -1}), 422, "validation_error")
    bilingual(api.put("/api/v1/stream/limits/BUS", json={"limit": "many"}), 422, "validation_error")
    bilingual(api.post("/api/v1/stream/heartbeat/nope"), 404, "reservation_not_found")
    assert api.client.get("/api/v1/stream/stats").status_code == 401
    assert usage(api, "BUS")["used"] == 0  # nothing above was granted


def test_without_the_quota_component_the_routes_answer_503(make_backend, backend_settings_factory):
    api = make_backend(backend_settings_factory(None))  # components=[]: no quotas
    bilingual(reserve(api), 503, "quotas_not_running")
    bilingual(api.get("/api/v1/stream/stats"), 503, "quotas_not_running")


def test_store_down_is_503_and_health_and_metrics_report_it(make_backend, backend_settings_factory, redis_server):
    api = start(make_backend, backend_settings_factory, "redis", redis_server.url, redis_timeout_s=0.5)
    assert reserve(api).status_code == 200
    health = api.client.get("/health")
    assert health.status_code == 200 and health.json()["checks"]["quota_store"]["status"] == "ok"
    metrics = api.get("/metrics").text
    assert 'backend_quota_used{agency="BUS"} 1.0' in metrics
    assert 'backend_quota_limit{agency="BUS"} 2.0' in metrics

    redis_server.stop()
    error = bilingual(reserve(api), 503, "quota_store_unavailable")
    assert error["details"] == {"store": "redis"}
    bilingual(api.get("/api/v1/stream/stats"), 503, "quota_store_unavailable")
    health = api.client.get("/health")
    assert health.status_code == 503
    check = health.json()["checks"]["quota_store"]
    assert check["ok"] is False and has_arabic(check["message_ar"])

    redis_server.start()  # without persistence: the configured limits come back, the reservations do not
    assert reserve(api).status_code == 200
    assert usage(api, "BUS") == {"agency": "BUS", "limit": 2, "used": 1, "available": 1}
    assert api.client.get("/health").status_code == 200


def test_quota_settings_from_env_and_secret_file(tmp_path):
    env = {"QUOTA_LIMIT_METRO": "31", "QUOTA_LIMIT_new_co": "3", "QUOTA_RESERVATION_TTL": "45"}
    s = load_settings(env={**env, "QUOTA_STORE": "redis", "VALKEY_URL": "redis://127.0.0.1:6390/2"})
    assert (s.quotas.store, s.quotas.limits, s.quotas.reservation_ttl_s) == ("redis", {"METRO": 31, "NEW_CO": 3}, 45)
    assert s.quota_redis_url() == "redis://127.0.0.1:6390/2" and s.quotas.cleanup_interval_s == 15
    with pytest.raises(SettingsError) as refused:
        load_settings(env={"QUOTA_REDIS_URL": "redis://:hunter2@127.0.0.1:6390/0"})
    assert "redis_url_file" in str(refused.value) and "hunter2" not in str(refused.value)
    for bad in ({"QUOTA_LIMIT_BUS": "-1"}, {"QUOTA_STORE": "redis"}, {"QUOTA_RESERVATION_TTL": "0"}):
        with pytest.raises(SettingsError):
            load_settings(env=bad)
    secret = tmp_path / "redis-url"
    secret.write_text("redis://:hunter2@127.0.0.1:6390/0\n")
    secret.chmod(0o600)
    s = load_settings(env={"QUOTA_STORE": "redis", "QUOTA_REDIS_URL_FILE": str(secret)})
    assert s.quota_redis_url() == "redis://:hunter2@127.0.0.1:6390/0" and "hunter2" not in repr(s)
