#!/usr/bin/env bash
# Idempotent set-up of gr-semsat on Debian 12: Debian packages (only the missing ones), a venv made from
# Debian's python3 with --system-site-packages (so GNU Radio's Python modules are visible), pip packages with
# the project's constraints, then configure, build and install the module into the venv.
# Each step is skipped when its result is already up to date, so running it again is cheap.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEMSAT_VENV:-$ROOT/.venv}"
BUILD="${SEMSAT_BUILD:-$ROOT/build}"
JOBS="${SEMSAT_JOBS:-$(nproc)}"

APT_PACKAGES=(gnuradio-dev cmake g++ make pkg-config python3-venv python3-dev pybind11-dev libvolk2-dev flite)

log() { printf '\033[1m[semsat setup]\033[0m %s\n' "$*"; }

install_debian_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages present"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV from /usr/bin/python3 (--system-site-packages)"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
  fi
  local stamp="$VENV/.semsat-requirements.sha256"
  local want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "pip install -r requirements.txt -c constraints.txt"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
      -c "$ROOT/constraints.txt" -r "$ROOT/requirements.txt"
    echo "$want" >"$stamp"
  else
    log "pip packages up to date"
  fi
}

build_and_install() {
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring (install prefix $VENV)"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$VENV" -DPYTHON_EXECUTABLE="$VENV/bin/python" >/dev/null
  fi
  log "building with $JOBS jobs"
  cmake --build "$BUILD" -j "$JOBS"
  cmake --install "$BUILD" >/dev/null
  log "installed into $VENV"
}

export_grc_path() {
  # GNU Radio Companion and grcc find the module's blocks through GRC_BLOCKS_PATH: set it whenever
  # the venv is activated.
  local marker="# gr-semsat: GRC block path"
  if ! grep -q "$marker" "$VENV/bin/activate"; then
    printf '\n%s\nexport GRC_BLOCKS_PATH="%s/share/gnuradio/grc/blocks${GRC_BLOCKS_PATH:+:$GRC_BLOCKS_PATH}"\n' \
      "$marker" "$VENV" >>"$VENV/bin/activate"
  fi
}

install_grc_wrappers() {
  # Debian's gnuradio-companion and grcc start /usr/bin/python3, which cannot import the module from
  # the venv; these wrappers (first on PATH once the venv is active) run them with the venv's python.
  for tool in gnuradio-companion grcc; do
    cat >"$VENV/bin/$tool" <<WRAPPER
#!/usr/bin/env bash
export GRC_BLOCKS_PATH="$VENV/share/gnuradio/grc/blocks\${GRC_BLOCKS_PATH:+:\$GRC_BLOCKS_PATH}"
exec "$VENV/bin/python" /usr/bin/$tool "\$@"
WRAPPER
    chmod +x "$VENV/bin/$tool"
  done
}

install_debian_packages
make_venv
build_and_install
export_grc_path
install_grc_wrappers
