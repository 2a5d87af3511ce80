# Sourced by scripts/demo, scripts/test and scripts/lock: find Python 3.11+, create .venv, install
# the project from requirements.lock. Usage: ensure_venv
set -euo pipefail

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

ensure_venv() {
  # Installs exactly what requirements.lock pins (every extra: the app, PostgreSQL, Redis and the
  # development tools), checked against its hashes, then the project itself without dependencies.
  # Reinstalls only when the lock or pyproject.toml changed: the stamp is named after their hash.
  local stamp
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv …"
    "$(find_python)" -m venv .venv
  fi
  stamp=".venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing requirements.lock into .venv …"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      --require-hashes --no-deps -r requirements.lock
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      --no-deps --no-build-isolation -e .
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
