"""Users, roles, log-in sessions and the audit log over the HTTP API (backend.auth, backend.api.login/users/audit).

An in-process backend (TestClient) with an injected ManualClock and the quota component, no Milestone. The first
administrator comes from the admin password file; the other users are created through the API. Checks: log-in
and its failures (bilingual), lock-out, session expiry and refresh, logout, each role refused exactly what it
may not do, a disabled user refused at once, reservations that belong to someone else, bad input, and an audit
row for every state-changing call (append-only in the database).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from backend.auth.permissions import PERMISSIONS
from backend.quotas.component import QuotaComponent
from milestone.clock import ManualClock
from tests.backend_fixtures import InProcessBackend

ADMIN_PASSWORD = "admin password 1"
PASSWORDS = {"olga": "operator password", "sam": "supervisor password", "ada": "second admin password"}
ROLES = {"olga": "operator", "sam": "supervisor", "ada": "admin"}
SESSION_HOURS, MAX_HOURS, LOCKOUT_S = 2.0, 5.0, 120


def has_arabic(value: str) -> bool:
    return any(0x0600 <= ord(ch) <= 0x06FF for ch in value)


def bilingual(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and has_arabic(error["message_ar"]), error
    return error


class Api:
    """The backend plus log-ins: ``as_(name)`` sends that user's bearer token."""

    def __init__(self, backend: InProcessBackend, clock: ManualClock) -> None:
        self.backend, self.client, self.clock = backend, backend.client, clock
        self.tokens: dict[str, str] = {}

    def login(self, username: str, password: str) -> Any:
        return self.client.post("/api/v1/auth/login", json={"username": username, "password": password})

    def log_in(self, username: str, password: str) -> str:
        r = self.login(username, password)
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def as_(self, username: str, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        return self.client.request(method, url, headers=headers, **kwargs)

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        r = self.as_("admin", "GET", "/api/v1/audit", params=params)
        assert r.status_code == 200, r.text
        return r.json()["entries"]


@pytest.fixture
def api(make_backend, backend_settings_factory, tmp_path) -> Api:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    auth = {
        "admin_password_file": str(secret),
        "session_hours": SESSION_HOURS,
        "session_max_hours": MAX_HOURS,
        "max_failed_logins": 3,
        "lockout_seconds": LOCKOUT_S,
    }
    clock = ManualClock()
    settings = backend_settings_factory(None, auth=auth, quotas={"limits": {"BUS": 5}})
    harness = Api(make_backend(settings, clock=clock, components=[QuotaComponent]), clock)
    harness.log_in("admin", ADMIN_PASSWORD)
    for name, password in PASSWORDS.items():
        body = {"username": name, "password": password, "role": ROLES[name], "displayName": name.title()}
        r = harness.as_("admin", "POST", "/api/v1/users", json=body)
        assert r.status_code == 201, r.text
        harness.log_in(name, password)
    return harness


def test_login_me_refresh_expiry_and_logout(api: Api) -> None:
    me = api.as_("olga", "GET", "/api/v1/auth/me").json()
    assert (me["username"], me["role"], me["kind"], me["displayName"]) == ("olga", "operator", "user", "Olga")
    assert me["permissions"] == ["annotate", "record", "view"]
    assert api.as_("admin", "GET", "/api/v1/auth/me").json()["permissions"] == sorted(PERMISSIONS)
    token_me = api.backend.get("/api/v1/auth/me").json()  # the API token: a service with every permission
    assert token_me["kind"] == "token" and token_me["role"] == "admin" and token_me["expiresAt"] is None
    # Log-in ignores the case of the user name; the session lasts SESSION_HOURS, refreshable up to MAX_HOURS.
    r = api.login("OLGA", PASSWORDS["olga"])
    assert r.status_code == 200 and r.json()["user"]["username"] == "olga" and r.json()["tokenType"] == "bearer"
    api.clock.advance(SESSION_HOURS * 3600 - 60)
    refreshed = api.as_("olga", "POST", "/api/v1/auth/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["token"] is None
    api.clock.advance(SESSION_HOURS * 3600 - 60)  # alive only thanks to the refresh
    assert api.as_("olga", "GET", "/api/v1/stream/stats").status_code == 200
    assert api.as_("sam", "GET", "/api/v1/stream/stats").status_code == 401  # never refreshed: expired
    for _ in range(3):
        api.clock.advance(SESSION_HOURS * 3600 - 60)
        api.as_("olga", "POST", "/api/v1/auth/refresh")
    # At most MAX_HOURS after the log-in, whatever the refreshes.
    bilingual(api.as_("olga", "GET", "/api/v1/auth/me"), 401, "unauthorized")
    token = api.log_in("olga", PASSWORDS["olga"])
    assert api.as_("olga", "POST", "/api/v1/auth/logout").status_code == 204
    r = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    bilingual(r, 401, "unauthorized")


def test_failed_logins_are_bilingual_and_lock_the_account(api: Api) -> None:
    unknown = bilingual(api.login("nobody", "whatever password"), 401, "invalid_credentials")
    wrong = bilingual(api.login("sam", "not the password"), 401, "invalid_credentials")
    assert unknown["message"] == wrong["message"]  # an unknown user and a wrong password look alike
    bilingual(api.login("sam", "still not it"), 401, "invalid_credentials")
    bilingual(api.login("sam", "third wrong one"), 401, "invalid_credentials")  # 3rd failure: locked
    locked = api.login("sam", PASSWORDS["sam"])
    error = bilingual(locked, 429, "login_locked")
    assert 0 < int(locked.headers["retry-after"]) <= LOCKOUT_S and error["details"]["username"] == "sam"
    api.clock.advance(LOCKOUT_S + 1)
    assert api.login("sam", PASSWORDS["sam"]).status_code == 200


ALLOWED: list[tuple[str, str, dict[str, Any] | None, str]] = [
    # method, url, body, the permission it needs
    ("GET", "/api/v1/cameras", None, "view"),
    ("GET", "/api/v1/stream/stats", None, "view"),
    ("POST", "/api/v1/cameras/cam-1/recordings/start", {"durationMinutes": 5}, "record"),
    ("POST", "/api/v1/cameras/cam-1/recordings/stop", None, "record"),
    ("POST", "/api/v1/cameras/import", {"cameras": [{"milestoneDeviceId": "x"}]}, "cameras.manage"),
    ("PATCH", "/api/v1/cameras/cam-1", {"name": "x"}, "cameras.manage"),
    ("PUT", "/api/v1/cameras/cam-1/sync", None, "cameras.manage"),
    ("POST", "/api/v1/milestone/sync-all", None, "cameras.manage"),
    ("PUT", "/api/v1/stream/limits/BUS", {"limit": 5}, "quotas.manage"),
    ("GET", "/api/v1/users", None, "users.manage"),
    ("POST", "/api/v1/users", {"username": "x", "password": "y", "role": "operator"}, "users.manage"),
    ("PATCH", "/api/v1/users/olga", {"displayName": "Olga"}, "users.manage"),
    ("GET", "/api/v1/audit", None, "audit.read"),
    ("GET", "/metrics", None, "audit.read"),
]
HOLDS = {"operator": {"view", "record"}, "supervisor": {"view", "record"}, "admin": {a[3] for a in ALLOWED}}


def test_each_role_is_refused_what_it_may_not_do(api: Api) -> None:
    for user, role in {"olga": "operator", "sam": "supervisor", "ada": "admin"}.items():
        for method, url, body, permission in ALLOWED:
            r = api.as_(user, method, url, json=body)
            if permission in HOLDS[role]:
                assert r.status_code != 403, (user, method, url, r.text)
            else:
                error = bilingual(r, 403, "forbidden")
                assert error["details"]["requiredPermission"] == permission and error["details"]["role"] == role
    # Without a token nothing but the log-in and /health answers.
    assert api.client.get("/api/v1/cameras").status_code == 401
    assert api.client.post("/api/v1/users", json={}).status_code == 401
    assert api.client.get("/health").status_code in (200, 503)


def test_disabled_user_is_refused_at_once_and_the_last_admin_stays(api: Api) -> None:
    assert api.as_("olga", "GET", "/api/v1/stream/stats").status_code == 200
    r = api.as_("admin", "PATCH", "/api/v1/users/olga", json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"] is True
    bilingual(api.as_("olga", "GET", "/api/v1/stream/stats"), 401, "unauthorized")  # the very next request
    bilingual(api.login("olga", PASSWORDS["olga"]), 403, "user_disabled")
    bilingual(api.login("olga", "wrong password"), 401, "invalid_credentials")  # disabled only after the password
    api.as_("admin", "PATCH", "/api/v1/users/olga", json={"disabled": False})
    api.log_in("olga", PASSWORDS["olga"])
    # An administrator resets a password: the user's sessions end.
    assert api.as_("admin", "PATCH", "/api/v1/users/olga", json={"password": "a new password"}).status_code == 200
    assert api.as_("olga", "GET", "/api/v1/stream/stats").status_code == 401
    api.log_in("olga", "a new password")
    # A user changes their own password: their other sessions end, this one stays.
    other = api.login("olga", "a new password").json()["token"]
    bad = api.as_("olga", "POST", "/api/v1/auth/password", json={"currentPassword": "x", "newPassword": "y" * 12})
    bilingual(bad, 403, "wrong_password")
    body = {"currentPassword": "a new password", "newPassword": "olga's own password"}
    assert api.as_("olga", "POST", "/api/v1/auth/password", json=body).status_code == 200
    assert api.as_("olga", "GET", "/api/v1/stream/stats").status_code == 200
    assert api.client.get("/api/v1/stream/stats", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    # The last enabled administrator can be neither disabled nor demoted.
    assert api.as_("admin", "PATCH", "/api/v1/users/ada", json={"disabled": True}).status_code == 200
    bilingual(api.as_("admin", "PATCH", "/api/v1/users/admin", json={"role": "operator"}), 409, "last_admin")
    bilingual(api.as_("admin", "PATCH", "/api/v1/users/admin", json={"disabled": True}), 409, "last_admin")


def test_user_bad_input(api: Api) -> None:
    def create(**body: Any) -> Any:
        return api.as_(
            "admin", "POST", "/api/v1/users", json={"password": "long enough pw", "role": "operator", **body}
        )

    bilingual(create(username="olga"), 409, "user_exists")
    bilingual(create(username="OLGA"), 409, "user_exists")
    bilingual(create(username="has space"), 400, "invalid_user")
    bilingual(create(username="newbie", password="short"), 400, "weak_password")
    bilingual(create(username="longername", password="LongerName"), 400, "weak_password")
    bilingual(create(username="x", role="root"), 422, "validation_error")
    bilingual(create(username="x", bogus=1), 422, "validation_error")
    bilingual(api.as_("admin", "GET", "/api/v1/users/nobody"), 404, "user_not_found")
    bilingual(api.as_("admin", "PATCH", "/api/v1/users/nobody", json={"role": "admin"}), 404, "user_not_found")
    bilingual(
        api.as_("admin", "GET", "/api/v1/audit", params={"since": "2026-01-01T00:00:00"}), 400, "time_without_timezone"
    )
    listed = api.as_("admin", "GET", "/api/v1/users").json()["users"]
    assert [u["username"] for u in listed] == ["ada", "admin", "olga", "sam"]
    assert all("password" not in key.lower() or key == "passwordChanged" for u in listed for key in u)


def test_reservations_belong_to_their_holder(api: Api) -> None:
    reserve = {"cameraId": "cam-x", "kind": "live", "agency": "BUS", "holder": "gui:ws1:42"}
    r = api.as_("olga", "POST", "/api/v1/stream/reserve", json=reserve)
    assert r.status_code == 200 and r.json()["holder"] == "olga/gui:ws1:42"
    rid = r.json()["reservationId"]
    bilingual(api.as_("sam", "POST", f"/api/v1/stream/heartbeat/{rid}"), 403, "reservation_not_yours")
    bilingual(api.as_("sam", "DELETE", f"/api/v1/stream/release/{rid}"), 403, "reservation_not_yours")
    assert api.as_("olga", "POST", f"/api/v1/stream/heartbeat/{rid}").status_code == 200
    assert api.as_("admin", "DELETE", f"/api/v1/stream/release/{rid}").json() == {"released": True}  # admins may
    assert api.as_("sam", "DELETE", f"/api/v1/stream/release/{rid}").json() == {"released": False}  # gone: idempotent
    bilingual(api.as_("olga", "POST", f"/api/v1/stream/heartbeat/{rid}"), 404, "reservation_not_found")


def test_every_state_changing_call_and_login_is_audited(api: Api) -> None:
    api.login("sam", "wrong password")
    r = api.as_("olga", "POST", "/api/v1/stream/reserve", json={"cameraId": "cam-x", "kind": "live", "agency": "BUS"})
    rid = r.json()["reservationId"]
    api.as_("olga", "POST", f"/api/v1/stream/heartbeat/{rid}")
    api.as_("olga", "DELETE", f"/api/v1/stream/release/{rid}")
    api.as_("olga", "DELETE", f"/api/v1/stream/release/{rid}")
    api.as_("olga", "PUT", "/api/v1/stream/limits/BUS", json={"limit": 9})  # refused: not an admin
    api.as_("admin", "PATCH", "/api/v1/users/sam", json={"role": "admin", "password": "sam is an admin now"})
    api.client.post("/api/v1/stream/reserve", json={})  # no token
    api.as_("olga", "GET", "/api/v1/stream/stats")  # a read: not audited

    rows = list(reversed(api.audit(limit=12)))
    got = [(e["actor"], e["action"], e["outcome"], e["status"]) for e in rows[-8:]]
    assert got == [
        ("sam", "POST /api/v1/auth/login", "denied", 401),
        ("olga", "POST /api/v1/stream/reserve", "success", 200),
        ("olga", "POST /api/v1/stream/heartbeat/{reservation_id}", "success", 200),
        ("olga", "DELETE /api/v1/stream/release/{reservation_id}", "success", 200),
        ("olga", "DELETE /api/v1/stream/release/{reservation_id}", "success", 200),
        ("olga", "PUT /api/v1/stream/limits/{agency}", "denied", 403),
        ("admin", "PATCH /api/v1/users/{username}", "success", 200),
        ("anonymous", "POST /api/v1/stream/reserve", "denied", 401),
    ]
    reserve_row, patch_row = rows[-7], rows[-2]
    assert reserve_row["detail"]["reservationId"] == rid and reserve_row["detail"]["agency"] == "BUS"
    assert reserve_row["actorKind"] == "user" and reserve_row["clientAddress"] == "testclient"
    assert rows[-5]["target"] == f"reservation_id={rid}"
    assert patch_row["target"] == "username=sam" and patch_row["detail"]["changed"] == ["role", "password"]
    assert "sam is an admin now" not in str(rows)  # never a password
    # The set-up's log-ins and user creations are there too.
    logins = api.audit(action="POST /api/v1/auth/login", outcome="success")
    assert {e["actor"] for e in logins} == {"admin", "olga", "sam", "ada"}
    assert len(api.audit(action="POST /api/v1/users")) == 3
    # Search: by actor, by text, paging backwards.
    assert {e["actor"] for e in api.audit(actor="olga")} == {"olga"}
    assert [e["target"] for e in api.audit(q="username=sam")] == ["username=sam"]
    first = api.as_("admin", "GET", "/api/v1/audit", params={"limit": 2}).json()
    second = api.as_("admin", "GET", "/api/v1/audit", params={"limit": 2, "beforeId": first["nextBeforeId"]}).json()
    assert second["entries"][0]["id"] < first["entries"][-1]["id"]
    # Append-only: the database itself refuses to change or delete a row.
    with api.backend.app.state.db.engine.connect() as conn:
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text(statement))


def test_events_socket_of_a_disabled_user_is_closed(api: Api) -> None:
    url = f"/api/v1/events?types=camera_status&token={api.tokens['olga']}"
    with api.client.websocket_connect(url) as ws:
        assert api.as_("admin", "PATCH", "/api/v1/users/olga", json={"disabled": True}).status_code == 200
        message = ws.receive_json()  # within REAUTH_INTERVAL_S
        assert message["type"] == "error" and message["data"]["error"]["code"] == "unauthorized"
        assert has_arabic(message["data"]["error"]["message_ar"])
