#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the product and its tests need, skipping those already present.
# Qt's xcb platform plugin libraries, EGL/GL, fonts with Arabic glyphs, Xvfb for screenshots, libvlc.
# On systems without apt-get it only reports what it would need.
set -euo pipefail

packages=(
  xvfb xauth x11-utils imagemagick
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0
  fonts-noto-core fonts-dejavu-core
  libvlc5 vlc-plugin-base
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
