"""Checks that requirements.lock satisfies pyproject.toml: run by scripts/test and scripts/lock.

Every requirement of the project (its dependencies, every extra and the build backend) must be
pinned in the lock, at a version the requirement admits, for each Python the project supports
(3.11, 3.12, 3.13) on Linux, macOS and Windows. A lock made before a requirement was added or
raised fails here with the requirement named, instead of installing something else.

    python scripts/check_lock.py [--lock requirements.lock] [--pyproject pyproject.toml]
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORMS = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def read_pins(lock: str) -> list[tuple[str, Version, Marker | None]]:
    """The lock's pins: (canonical name, version, marker or None), one per `name==version` line."""
    pins = []
    for line in lock.splitlines():
        match = PIN.match(line.strip())
        if match:
            name, version, marker = match.groups()
            pins.append(
                (canonicalize_name(name), Version(version), Marker(marker) if marker else None)
            )
    return pins


def requirements(pyproject: dict[str, object]) -> list[tuple[str, Requirement]]:
    """Every requirement with where it comes from: the dependencies, each extra, the build backend."""
    project = pyproject["project"]
    assert isinstance(project, dict)
    found = [("dependencies", Requirement(r)) for r in project.get("dependencies", [])]
    for extra, listed in project.get("optional-dependencies", {}).items():
        found += [(f"extra {extra!r}", Requirement(r)) for r in listed]
    build = pyproject.get("build-system", {})
    assert isinstance(build, dict)
    found += [("build-system", Requirement(r)) for r in build.get("requires", [])]
    return found


def environment(python: str, platform: str) -> dict[str, str]:
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": platform,
        "platform_system": PLATFORMS[platform],
        "os_name": "nt" if platform == "win32" else "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": "AMD64" if platform == "win32" else "x86_64",
        "extra": "",
    }


def problems(lock: str, pyproject: dict[str, object]) -> list[str]:
    pins = read_pins(lock)
    found: list[str] = []
    if not pins:
        return ["the lock pins nothing"]
    for origin, requirement in requirements(pyproject):
        name = canonicalize_name(requirement.name)
        for python in PYTHONS:
            for platform in PLATFORMS:
                env = environment(python, platform)
                if requirement.marker is not None and not requirement.marker.evaluate(env):
                    continue
                chosen = [v for n, v, m in pins if n == name and (m is None or m.evaluate(env))]
                where = f"Python {python} on {PLATFORMS[platform]}"
                if not chosen:
                    found.append(f"{requirement} ({origin}) is not in the lock for {where}")
                elif len(chosen) > 1:
                    found.append(f"{name} is pinned twice for {where}: {chosen}")
                elif not requirement.specifier.contains(chosen[0], prereleases=True):
                    found.append(
                        f"{requirement} ({origin}) is not satisfied by the lock's {name}=={chosen[0]} for {where}"
                    )
    return sorted(set(found), key=found.index)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args()
    if not args.lock.exists():
        print(f"{args.lock.name} is missing: run scripts/lock", file=sys.stderr)
        return 1
    with args.pyproject.open("rb") as handle:
        pyproject = tomllib.load(handle)
    found = problems(args.lock.read_text(encoding="utf-8"), pyproject)
    for problem in found:
        print(f"{args.lock.name}: {problem}", file=sys.stderr)
    if found:
        print("The lock does not satisfy pyproject.toml: run scripts/lock", file=sys.stderr)
        return 1
    print(f"{args.lock.name} satisfies {args.pyproject.name} on Python {', '.join(PYTHONS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
