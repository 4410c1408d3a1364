# Shared by build-aux/run and build-aux/test: what the project needs from Debian 12,
# and how to get it on a fresh machine.

# shellcheck shell=bash

BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libsqlite3-dev libsodium-dev
  gettext desktop-file-utils appstream glib-networking libgtk-4-bin
)

TEST_PACKAGES=(
  python3 curl openssl
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  imagemagick xdotool xclip
)

RUN_PACKAGES=(
  gnome-keyring dbus-x11 librsvg2-common
)

# build-aux/bench: load (wrk), requests (curl), and the headless session of build-aux/headless.
BENCH_PACKAGES=(
  wrk curl
  xvfb xauth dbus dbus-x11 gnome-keyring librsvg2-common
)

# Installs the packages that are missing, non-interactively, as root or through sudo.
install_packages () {
  local missing=()
  local package

  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done

  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "Missing packages: ${missing[*]}" >&2
      echo "Run this script as root, or install sudo, to install them." >&2
      exit 1
    fi
    sudo=(sudo)
  fi

  echo "Installing ${missing[*]}…" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
