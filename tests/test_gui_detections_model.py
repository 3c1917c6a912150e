"""The GUI's detection model: spans per class, the sampled frame nearest a picture, next / previous of a class."""

from __future__ import annotations

from app.viewmodels.detections import SPAN_MIN_US, CameraDetections, Detection

S = 1_000_000
T0 = 1_700_000_000 * S


def det(i: int, t_s: float, label: str, score: float = 0.8) -> Detection:
    return Detection(i, "cam", T0 + int(t_s * S), label, score, "yolo", (0.1, 0.2, 0.3, 0.4), 640, 360)


def sample() -> CameraDetections:
    items = [
        det(1, 0, "person", 0.6),
        det(2, 1, "person", 0.9),
        det(3, 1, "car", 0.7),
        det(4, 2, "person", 0.5),
        det(5, 10, "person", 0.4),
        det(6, 20, "car", 0.95),
    ]
    return CameraDetections("cam", T0, T0 + 60 * S, tuple(items))


def test_labels_most_frequent_first() -> None:
    assert sample().labels() == ["person", "car"]
    assert CameraDetections("cam", T0, T0 + S).labels() == []


def test_spans_join_close_detections_and_keep_lone_ones_a_second_long() -> None:
    spans = sample().spans("person")
    assert [(s.start_us - T0, s.end_us - T0, s.count) for s in spans] == [
        (0, 2 * S, 3),
        (10 * S, 10 * S + SPAN_MIN_US, 1),
    ]
    assert spans[0].max_score == 0.9
    cars = sample().spans("car", join_us=5 * S)
    assert [(s.start_us - T0, s.count) for s in cars] == [(1 * S, 1), (20 * S, 1)]


def test_at_returns_every_box_of_the_nearest_sampled_frame_within_tolerance() -> None:
    found = sample().at(T0 + int(1.2 * S), tolerance_us=600_000)
    assert sorted(d.id for d in found) == [2, 3]
    assert sample().at(T0 + int(5.5 * S), tolerance_us=600_000) == []
    assert [d.id for d in sample().at(T0 + int(9.5 * S), tolerance_us=600_000)] == [5]
    assert CameraDetections("cam", T0, T0 + S).at(T0, 600_000) == []


def test_next_and_previous_of_a_class() -> None:
    model = sample()
    assert model.next_after(T0 + 1 * S, ["person"]).id == 4
    assert model.next_after(T0 + 1 * S, ["car"]).id == 6
    assert model.next_after(T0 + 1 * S).id in (4,)
    assert model.next_after(T0 + 20 * S) is None
    assert model.previous_before(T0 + 10 * S, ["person"]).id == 4
    assert model.previous_before(T0 + 20 * S, ["car"]).id == 3
    assert model.previous_before(T0, ["person"]) is None
