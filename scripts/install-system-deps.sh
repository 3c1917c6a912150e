#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the product and its tests need, skipping those already present.
# Qt's xcb platform plugin libraries, EGL/GL, fonts with Arabic glyphs, Xvfb for screenshots, libvlc, and
# GStreamer's RTSP server for the RTSP camera of the tests, and redis-server for the quota store's tests.
# On systems without apt-get it only reports what it would need.
set -euo pipefail

packages=(
  xvfb xauth x11-utils imagemagick
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0
  fonts-noto-core fonts-dejavu-core
  libvlc5 vlc-plugin-base
  # GStreamer's RTSP server as a test camera (tests/rtsp_server.py runs it with Debian's python3-gi)
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-x
  # Valkey/Redis for the multi-backend quota store (tests start their own redis-server)
  redis-server
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: not a Debian system; please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
