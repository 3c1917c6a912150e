"""Per-camera still backgrounds in yuv420p: real photographs when available, else a drawn street scene.

The photographs are the two sample images the ``ultralytics`` package ships (``assets/bus.jpg`` and
``assets/zidane.jpg``). They are located through ``importlib.util.find_spec`` WITHOUT importing ultralytics
(importing it needs torch, which the product does not install). Cameras alternate between the photos with a
per-camera zoom, offset, mirror and tint, so no two cameras look alike. Conversion to limited-range BT.601
YUV 4:2:0 happens once per camera; frames then start from a copy of this array (see simulator.scene).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

PHOTO_NAMES = ("bus.jpg", "zidane.jpg")


@lru_cache(maxsize=1)
def photo_paths() -> tuple[Path, ...]:
    """Paths of the bundled sample photographs that exist (empty when ultralytics is not installed)."""
    spec = importlib.util.find_spec("ultralytics")
    if spec is None or not spec.submodule_search_locations:
        return ()
    found = []
    for location in spec.submodule_search_locations:
        for name in PHOTO_NAMES:
            path = Path(location) / "assets" / name
            if path.is_file():
                found.append(path)
    return tuple(found)


def rgb_to_yuv420(rgb: np.ndarray) -> np.ndarray:
    """Convert an ``(H, W, 3)`` uint8 RGB image (H, W even) to a yuv420p array ``(H * 3 // 2, W)``.

    BT.601 limited range (Y 16..235, U/V 16..240), chroma averaged over 2x2 blocks.
    """
    height, width = rgb.shape[:2]
    if height % 2 or width % 2:
        raise ValueError(f"yuv420p needs even dimensions, got {width}x{height}")
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255

    def sub(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    out = np.empty((height * 3 // 2, width), dtype=np.uint8)
    flat = out.reshape(-1)
    luma, quarter = height * width, height * width // 4
    flat[:luma] = np.clip(np.rint(y), 0, 255).reshape(-1)
    flat[luma : luma + quarter] = np.clip(np.rint(sub(u)), 0, 255).reshape(-1)
    flat[luma + quarter :] = np.clip(np.rint(sub(v)), 0, 255).reshape(-1)
    return out


def _photo_crop(path: Path, index: int, width: int, height: int) -> np.ndarray:
    with Image.open(path) as img:
        photo = img.convert("RGB")
    zoom = 1.0 + (index // len(PHOTO_NAMES) % 4) * 0.15
    scale = max(width / photo.width, height / photo.height) * zoom
    resized = photo.resize((max(width, round(photo.width * scale)), max(height, round(photo.height * scale))))
    spare_x, spare_y = resized.width - width, resized.height - height
    fx = ((index * 37) % 101) / 100
    fy = ((index * 53) % 101) / 100
    left, top = round(spare_x * fx), round(spare_y * fy)
    crop = resized.crop((left, top, left + width, top + height))
    if (index // 2) % 2:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    rgb = np.asarray(crop, dtype=np.float32)
    tint = np.array([1.0 + 0.08 * ((index + k) % 3 - 1) for k in range(3)], dtype=np.float32)
    return np.clip(rgb * tint, 0, 255).astype(np.uint8)


def _drawn_scene(index: int, width: int, height: int) -> np.ndarray:
    """A street at dusk: sky gradient, buildings, road with lane marks (no photograph available)."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    horizon = height * 3 // 5
    for y in range(horizon):
        shade = y / max(1, horizon)
        draw.line([(0, y), (width, y)], fill=(int(40 + 80 * shade), int(70 + 90 * shade), int(140 + 60 * shade)))
    x = 0
    k = index
    while x < width:
        w = 40 + (k * 29) % 70
        h = 60 + (k * 41) % (horizon - 40)
        grey = 70 + (k * 17) % 80
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(grey, grey - 10, grey - 20))
        for wy in range(horizon - h + 8, horizon - 8, 14):
            for wx in range(x + 6, x + w - 8, 12):
                lit = (wx * 7 + wy * 13 + k) % 5 == 0
                draw.rectangle([wx, wy, wx + 5, wy + 7], fill=(230, 210, 120) if lit else (50, 55, 70))
        x += w + 4
        k += 1
    draw.rectangle([0, horizon, width, height], fill=(60, 62, 66))
    for lx in range(-(index * 13) % 80, width, 80):
        draw.rectangle(
            [lx, horizon + (height - horizon) // 2 - 2, lx + 40, horizon + (height - horizon) // 2 + 2],
            fill=(235, 235, 235),
        )
    return np.asarray(img, dtype=np.uint8)


@lru_cache(maxsize=256)
def camera_background(index: int, width: int, height: int) -> np.ndarray:
    """The yuv420p background of camera ``index`` (read-only array; copy before drawing on it)."""
    photos = photo_paths()
    rgb = None
    if photos:
        try:
            rgb = _photo_crop(photos[index % len(photos)], index, width, height)
        except OSError:
            rgb = None
    if rgb is None:
        rgb = _drawn_scene(index, width, height)
    out = rgb_to_yuv420(rgb)
    out.flags.writeable = False
    return out
