# Sourced by scripts/demo and scripts/test: find Python 3.11+, create .venv, install the project.
# Usage: ensure_venv [extras]   e.g. ensure_venv dev
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
  local extras="${1:-}" spec="." stamp
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv …"
    "$(find_python)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  [ -n "$extras" ] && spec=".[${extras}]"
  # Reinstall only when the dependency list changed: a stamp named after pyproject.toml's hash.
  stamp=".venv/.installed-${extras:-base}-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing ${spec} into .venv …"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
    rm -f .venv/.installed-"${extras:-base}"-*
    touch "$stamp"
  fi
}
