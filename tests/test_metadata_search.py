"""Full-text search over incidents and annotations over HTTP (GET /metadata/search and /metadata/incidents?q=):
a word of a description finds its incident in English and Arabic (with and without harakat, by prefix);
filters by camera, agency, time, tag, severity and user, with paging; search text holding SQL or FTS syntax
is searched as plain words (or refused with a bilingual 422), never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.metadata_support import T0, Api, make_api


@pytest.fixture
def api(make_backend, backend_settings_factory, tmp_path) -> Api:
    return make_api(make_backend, backend_settings_factory, tmp_path)


def incident(api: Api, title: str, description: str, **extra: Any) -> int:
    body = {"title": title, "description": description, "start": T0, "end": "2025-10-27T11:00:00Z", **extra}
    return api.ok("sam", "POST", "/incidents", 201, json=body)["id"]


def hits(api: Api, **params: Any) -> list[tuple[str, int]]:
    page = api.ok("olga", "GET", "/search", params=params)
    return [(h["kind"], h["id"]) for h in page["hits"]]


def test_search_english_and_arabic_with_filters_and_paging(api: Api) -> None:
    fire = api.ok("sam", "POST", "/tags", 201, json={"name": "Fire"})["id"]
    smoke = incident(
        api, "Platform alarm", "Thick smoke rising from the escalator pit", severity="high",
        cameraIds=["cam-metro-1"], tagIds=[fire], assignee="olga",
    )  # fmt: skip
    arabic = incident(
        api, "حريق في المحطة", "شُوهِدَ دُخَانٌ كَثِيفٌ قُرْبَ السُّلَّمِ الكَهْرَبَائِيِّ", severity="critical",
        cameraIds=["cam-bus-1"], start="2025-10-28T08:00:00+04:00", end="2025-10-28T09:00:00+04:00",
    )  # fmt: skip
    other = incident(api, "Lost child", "A child was found near gate 3", severity="low", cameraIds=["cam-police-1"])
    note = api.ok(
        "olga",
        "POST",
        "/annotations",
        201,
        json={"cameraId": "cam-metro-2", "time": T0, "text": "smoke again\nsecond line"},
    )
    # English: a word of the description, and a prefix of it; titles are searched too.
    assert hits(api, q="escalator") == [("incident", smoke)]
    assert set(hits(api, q="smok")) == {("incident", smoke), ("annotation", note["id"])}
    page = api.ok("olga", "GET", "/search", params={"q": "SMOKE"})
    by_kind = {h["kind"]: h for h in page["hits"]}
    assert page["total"] == 2 and by_kind["annotation"]["title"] == "smoke again"
    assert "[smoke]" in by_kind["incident"]["snippet"] and by_kind["incident"]["severity"] == "high"
    assert by_kind["incident"]["cameraIds"] == ["cam-metro-1"] and by_kind["incident"]["rank"] > 0
    # Arabic: stored with harakat, found without them, with them, and by prefix; and a title word.
    for q in ("دخان", "دُخَانٌ", "كثيف", "الكهربا", "حريق", "المحطة"):
        assert hits(api, q=q) == [("incident", arabic)], q
    assert "[" in api.ok("olga", "GET", "/search", params={"q": "دخان"})["hits"][0]["snippet"]
    assert api.ok("olga", "GET", "/incidents", params={"q": "دخان"})["incidents"][0]["id"] == arabic
    # All words are required.
    assert hits(api, q="smoke escalator") == [("incident", smoke)]
    assert hits(api, q="smoke gate") == []
    # Filters.
    assert hits(api, q="smoke", cameraId="cam-metro-2") == [("annotation", note["id"])]
    assert hits(api, q="smoke", agency="METRO", kind="incident") == [("incident", smoke)]
    assert hits(api, q="smoke", agency="BUS") == []
    assert hits(api, q="smoke", tagId=fire) == [("incident", smoke)]  # tags: incidents only
    assert hits(api, q="smoke", severity="low") == []
    assert set(hits(api, q="smoke", user="olga")) == {("incident", smoke), ("annotation", note["id"])}  # assignee
    assert hits(api, q="smoke", user="oscar") == []
    assert hits(api, q="دخان", start="2025-10-28T03:30:00Z", end="2025-10-28T04:30:00Z") == [("incident", arabic)]
    assert hits(api, q="دخان", start="2025-10-27T00:00:00Z", end="2025-10-27T23:00:00Z") == []
    listed = api.ok("olga", "GET", "/incidents", params={"severity": "low"})
    assert [i["id"] for i in listed["incidents"]] == [other] and listed["total"] == 1
    listed = api.ok("olga", "GET", "/incidents", params={"agency": "METRO", "assignee": "olga", "tagId": fire})
    assert [i["id"] for i in listed["incidents"]] == [smoke]
    assert api.ok("olga", "GET", "/incidents", params={"createdBy": "olga"})["total"] == 0
    # Paging: newest first without q; offset/limit; the total covers every page.
    more = [incident(api, f"Gate incident {i}", "crowd at the gate", cameraIds=["cam-metro-1"]) for i in range(5)]
    first = api.ok("olga", "GET", "/incidents", params={"q": "gate", "limit": 4})
    second = api.ok("olga", "GET", "/incidents", params={"q": "gate", "limit": 4, "offset": 4})
    found = [i["id"] for i in first["incidents"] + second["incidents"]]
    assert sorted(found) == sorted([*more, other]) and first["total"] == second["total"] == 6
    newest = api.ok("olga", "GET", "/incidents", params={"limit": 2})["incidents"]
    assert [i["id"] for i in newest] == [more[4], more[3]]
    s1 = api.ok("olga", "GET", "/search", params={"q": "gate", "limit": 3})
    s2 = api.ok("olga", "GET", "/search", params={"q": "gate", "limit": 3, "offset": 3})
    assert s1["total"] == 6 and len({h["id"] for h in s1["hits"] + s2["hits"]}) == 6


HOSTILE = [
    '"smoke"',
    "smoke OR gate",
    "NEAR(smoke gate)",
    "smo*",
    "'; DROP TABLE incidents; --",
    "smoke) AND (",
    "((smoke",
    "title:smoke",
    "search_text:smoke",
    "smoke -gate",
    "^smoke",
    "smoke NOT gate",
    "smoke & gate | !x",
    "smoke:* <-> gate",
    "%smoke%",
    "\\smoke\\",
    "smoke\x00",
]


def test_search_strings_with_sql_or_fts_syntax_are_plain_words(api: Api) -> None:
    smoke = incident(api, "Smoke", "smoke and fumes near the gate OR the platform; title: unknown")
    for q in HOSTILE:
        for route in ("/search", "/incidents"):
            r = api.as_("olga", "GET", route, params={"q": q})
            assert r.status_code == 200, (q, r.text)
    # Quotes, stars, column filters and parentheses are separators: the words are still found.
    for q in ('"smoke"', "smo*", "title:smoke", "((smoke", "smoke) AND (", "NEAR(smoke gate)", "smoke OR gate"):
        assert hits(api, q=q) == [("incident", smoke)], q
    # Operators are words to find: "NOT" is not in the text, so nothing matches (not "smoke but not gate").
    assert hits(api, q="smoke NOT gate") == []
    assert hits(api, q="'; DROP TABLE incidents; --") == []
    assert api.ok("olga", "GET", f"/incidents/{smoke}")["id"] == smoke  # the table is still there
    for q, reason in (
        ("", "empty"),
        ("   ", "empty"),
        ("*", "no_words"),
        ("'; --", "no_words"),
        ("x" * 201, "too_long"),
    ):
        error = api.error("olga", "GET", "/search", 422, "bad_query", params={"q": q})
        assert error["details"]["reason"] == reason
    api.error("olga", "GET", "/search", 422, "bad_query")
    api.error("olga", "GET", "/incidents", 422, "bad_query", params={"q": "()"})
    api.error("olga", "GET", "/search", 422, "validation_error", params={"q": "x", "kind": "camera"})
    api.error("olga", "GET", "/search", 422, "validation_error", params={"q": "x", "limit": 201})
    api.error("olga", "GET", "/search", 400, "time_without_timezone", params={"q": "x", "start": "2025-10-27T10:00"})
    api.error("olga", "GET", "/search", 400, "end_before_start", params={"q": "x", "start": T0, "end": T0})
