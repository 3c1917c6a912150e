"""The named wall layouts API (/api/v1/layouts): create, list, share, update, delete; who may change what;
bad input refused with bilingual 422 errors. An in-process backend with users logged in through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.metadata_support import ADMIN_PASSWORD, has_arabic

USERS = {"olga": "operator", "oscar": "operator", "sam": "supervisor"}


class LayoutsApi:
    def __init__(self, backend: Any) -> None:
        self.client = backend.client
        self.tokens: dict[str, str] = {"token": backend.token}

    def log_in(self, username: str, password: str) -> None:
        r = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]

    def as_(self, user: str, method: str, url: str = "", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.request(method, f"/api/v1/layouts{url}", headers=headers, **kwargs)

    def ok(self, user: str, method: str, url: str = "", status: int = 200, **kwargs: Any) -> Any:
        r = self.as_(user, method, url, **kwargs)
        assert r.status_code == status, r.text
        return r.json() if r.content else None

    def error(self, user: str, method: str, url: str, status: int, code: str, **kwargs: Any) -> dict[str, Any]:
        r = self.as_(user, method, url, **kwargs)
        assert r.status_code == status, r.text
        error = r.json()["error"]
        assert error["code"] == code and error["message"] and has_arabic(error["message_ar"]), error
        return error

    def names(self, user: str) -> list[str]:
        return [x["name"] for x in self.ok(user, "GET")["layouts"]]


@pytest.fixture
def api(make_backend, backend_settings_factory, tmp_path) -> LayoutsApi:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    backend = make_backend(backend_settings_factory(None, auth={"admin_password_file": str(secret)}))
    out = LayoutsApi(backend)
    out.log_in("admin", ADMIN_PASSWORD)
    for name, role in USERS.items():
        body = {"username": name, "password": f"{name} password 1", "role": role}
        r = out.client.post("/api/v1/users", json=body, headers={"Authorization": f"Bearer {out.tokens['admin']}"})
        assert r.status_code == 201, r.text
        out.log_in(name, f"{name} password 1")
    return out


def _body(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "grid": "2x2",
        "cameras": ["cam-a", "", "cam-b"],
        "screen": {"name": "HDMI-2", "model": "U2720Q", "manufacturer": "Dell", "serial": "CN0ABC"},
        "geometry": {"x": 1920, "y": 0, "width": 1920, "height": 1080},
        "fullScreen": True,
        "carouselS": 10,
        **extra,
    }


def test_create_get_list_update_delete_round_trip(api: LayoutsApi) -> None:
    made = api.ok("olga", "POST", json=_body("Metro platforms"), status=201)
    assert made["owner"] == "olga" and made["shared"] is False
    assert made["grid"] == "2x2" and made["cameras"] == ["cam-a", "", "cam-b"]
    assert made["screen"] == {"name": "HDMI-2", "model": "U2720Q", "manufacturer": "Dell", "serial": "CN0ABC"}
    assert made["geometry"] == {"x": 1920, "y": 0, "width": 1920, "height": 1080}
    assert made["fullScreen"] is True and made["carouselS"] == 10
    got = api.ok("olga", "GET", f"/{made['id']}")
    assert got == made
    api.ok("olga", "POST", json=_body("bus depot", grid="1+5", cameras=["cam-c"]), status=201)
    assert api.names("olga") == ["bus depot", "Metro platforms"]  # by name, case-insensitively

    changed = api.ok("olga", "PATCH", f"/{made['id']}", json={"grid": "3x3", "cameras": ["x"] * 9, "geometry": None})
    assert changed["grid"] == "3x3" and changed["cameras"] == ["x"] * 9 and changed["geometry"] is None
    assert changed["name"] == "Metro platforms" and changed["carouselS"] == 10  # untouched fields stay
    api.ok("olga", "DELETE", f"/{made['id']}", status=204)
    api.error("olga", "GET", f"/{made['id']}", 404, "layout_not_found")
    assert api.names("olga") == ["bus depot"]


def test_private_layouts_are_hidden_and_shared_ones_read_only_for_others(api: LayoutsApi) -> None:
    private = api.ok("olga", "POST", json=_body("olga only"), status=201)
    shared = api.ok("olga", "POST", json=_body("for everyone", shared=True), status=201)
    assert api.names("oscar") == ["for everyone"]
    api.error("oscar", "GET", f"/{private['id']}", 404, "layout_not_found")  # not even revealed
    assert api.ok("oscar", "GET", f"/{shared['id']}")["name"] == "for everyone"
    error = api.error("oscar", "PATCH", f"/{shared['id']}", 403, "layout_forbidden", json={"name": "mine now"})
    assert error["details"]["owner"] == "olga"
    api.error("oscar", "DELETE", f"/{shared['id']}", 403, "layout_forbidden")
    api.error("sam", "DELETE", f"/{shared['id']}", 403, "layout_forbidden")  # a supervisor is not an admin
    api.error("oscar", "PATCH", f"/{private['id']}", 404, "layout_not_found", json={"shared": True})
    # Sharing later makes it visible; the admin may change and delete anyone's layout.
    api.ok("olga", "PATCH", f"/{private['id']}", json={"shared": True})
    assert api.names("oscar") == ["for everyone", "olga only"]
    renamed = api.ok("admin", "PATCH", f"/{shared['id']}", json={"name": "Control room A"})
    assert renamed["name"] == "Control room A" and renamed["owner"] == "olga"
    api.ok("admin", "DELETE", f"/{private['id']}", status=204)
    api.ok("token", "DELETE", f"/{shared['id']}", status=204)  # API tokens act as administrators
    assert api.names("olga") == []


def test_names_are_unique_per_owner_without_regard_to_case(api: LayoutsApi) -> None:
    first = api.ok("olga", "POST", json=_body("Wall 1"), status=201)
    api.error("olga", "POST", "", 409, "layout_exists", json=_body("  wall 1 "))
    api.ok("oscar", "POST", json=_body("wall 1"), status=201)  # another owner may use the name
    second = api.ok("olga", "POST", json=_body("Wall 2"), status=201)
    api.error("olga", "PATCH", f"/{second['id']}", 409, "layout_exists", json={"name": "WALL 1"})
    assert api.ok("olga", "PATCH", f"/{first['id']}", json={"name": "WALL 1"})["name"] == "WALL 1"  # itself: fine


@pytest.mark.parametrize(
    "change",
    [
        {"grid": "9x9"},
        {"grid": "2x3"},
        {"cameras": ["c"] * 5},  # five cameras on a 2x2 grid
        {"name": ""},
        {"name": "   "},
        {"name": "n" * 101},
        {"carouselS": -1},
        {"carouselS": 3601},
        {"geometry": {"x": 0, "y": 0, "width": 0, "height": 10}},
        {"screen": {"name": "s" * 129}},
        {"cameras": ["c" * 65]},
        {"colour": "red"},  # unknown field
    ],
)
def test_bad_input_is_refused_in_both_languages(api: LayoutsApi, change: dict[str, Any]) -> None:
    error = api.error("olga", "POST", "", 422, "validation_error", json={**_body("bad"), **change})
    assert error["details"]["errors"]
    assert api.names("olga") == []


def test_update_that_no_longer_fits_the_grid_is_refused(api: LayoutsApi) -> None:
    made = api.ok("olga", "POST", json=_body("small", grid="3x3", cameras=["c"] * 9), status=201)
    api.error("olga", "PATCH", f"/{made['id']}", 422, "validation_error", json={"grid": "2x2"})
    api.error("olga", "GET", "/0", 422, "validation_error")
    api.error("olga", "GET", "/abc", 422, "validation_error")
    assert api.ok("olga", "GET", f"/{made['id']}")["grid"] == "3x3"


def test_layouts_need_a_logged_in_caller(api: LayoutsApi) -> None:
    r = api.client.get("/api/v1/layouts")
    assert r.status_code == 401 and has_arabic(r.json()["error"]["message_ar"])
