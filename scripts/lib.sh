# shellcheck shell=bash
# Shell functions shared by scripts/test and scripts/demo. Source it; do not run it.
#
# Everything here works from the repository root, which `arca_enter_root` makes the current
# directory, so paths like `build/bin` mean the same thing in every script.

# The Debian packages a build needs. This is the only list: add new dependencies here.
ARCA_DEB_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libspdlog-dev libfmt-dev libcli11-dev
  libboost-dev libopenblas-dev nlohmann-json3-dev libcbor-dev libsqlite3-dev sqlite3 libcpp-httplib-dev
  valgrind
  openssl python3 python3-numpy python3-sklearn python3-cryptography python3-pandas
  python3-pytest python3-dev pybind11-dev
  clang clang-tidy clang-format libclang-rt-14-dev
)

# Parallel jobs for ctest and clang-tidy. Two matches the reference machine; tests are
# separate processes on loopback ports picked by the kernel, so running them side by side is
# safe. Override with ARCA_JOBS=N.
ARCA_JOBS="${ARCA_JOBS:-2}"

ARCA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The script's name, for messages.
arca_me() { basename "$0"; }

# Prints an error line naming the script and exits (status 1 unless given).
arca_die() {
  echo "$(arca_me): error: $1" >&2
  exit "${2:-1}"
}

# A progress line, so that long steps in the output are easy to find.
arca_step() { echo "==> $*"; }

arca_enter_root() { cd "$ARCA_ROOT"; }

# True if the Debian package is installed (not merely known or half-removed).
arca_package_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

# Installs whichever of ARCA_DEB_PACKAGES are missing. Prints nothing when all are there, so
# that it costs nothing to call on every run; apt-get runs only when something is missing.
arca_ensure_packages() {
  local missing=() package
  for package in "${ARCA_DEB_PACKAGES[@]}"; do
    arca_package_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi

  # Root installs directly; anyone else needs sudo.
  local as_root=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null; then
      arca_die "missing packages (${missing[*]}) and no sudo to install them"
    fi
    as_root=(sudo)
  fi
  arca_step "installing missing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# arca_configure DIR [CMAKE ARGS...]: configures a Release build with Ninja in DIR. CMakeLists.txt
# picks up ccache, so recompiling unchanged sources (say, after deleting build/) is cheap.
arca_configure() {
  local dir="$1"
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release --log-level=WARNING "$@" >/dev/null
}

# arca_build DIR [TARGET...]: builds the given targets (all of them by default) in DIR.
arca_build() {
  local dir="$1"
  shift
  local targets=()
  if (($# > 0)); then
    targets=(--target "$@")
  fi
  arca_step "building in $dir"
  cmake --build "$dir" "${targets[@]}"
}

# arca_try COMMAND...: runs COMMAND with `set -e` in force and stores its exit status in
# ARCA_TRY_STATUS instead of stopping the script. Needed because bash ignores `set -e` inside
# anything run as `cmd || ...` or `if cmd`, so `step || failed=1` would carry on past errors
# in the middle of `step`.
arca_try() {
  set +e
  (
    set -e
    "$@"
  )
  # shellcheck disable=SC2034 # read by the caller
  ARCA_TRY_STATUS=$?
  set -e
}
