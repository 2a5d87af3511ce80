"""Measure what hides the architecture (issue 15): import cycles, imports against the flow, long
files, long functions, long views, reads of ``current_app`` below the views, services importing
Flask, the ways views get the acting user and refuse a change, and legacy ``session.query`` calls.

Reads the source with ``ast``; imports nothing of the project. Imports inside functions count.
``from integrity.a import b`` is an edge to ``integrity.a.b`` when that is a module, else to
``integrity.a``; a package's ``__init__`` is not implied by importing its submodules.

    python scripts/measure_architecture.py [--json] [--list] [--root CHECKOUT]

``--root`` measures another checkout (e.g. ``git worktree add /tmp/before <commit>``).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "integrity"

# The flow, from the bottom. Modules of the shared base sit below every area; the wiring (the app
# factory, the console entry, the table list, the demo) sits on top and may import anything.
BASE = {
    "access", "accounts", "assets", "audit", "clock", "config", "crypto", "db", "errors", "extensions",
    "filestore", "forms", "jobs", "logs", "pagination", "ratelimits", "settings", "spreadsheets",
    "storage", "uploads", "web",
}  # fmt: skip
AREAS = ["registry", "vault", "scans", "jury", "protocols", "diplomas", "risk", "public"]
WIRING = {"__init__", "__main__", "cli", "models", "wsgi", "demo", "ops", "migrations",
          "audit_names"}  # fmt: skip

FILE_LINES = 400
FUNCTION_LINES = 60
VIEW_LINES = 25


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def sources(package: Path = PACKAGE) -> dict[str, Path]:
    return {
        module_name(p, package.parent): p
        for p in sorted(package.rglob("*.py"))
        if "migrations" not in p.relative_to(package).parts
    }


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("integrity"):
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer(name: str) -> int | None:
    """0 for the shared base, 1.. for the areas in the flow's order, None for the wiring."""
    parts = name.split(".")
    if len(parts) == 1:
        return None
    top = parts[1]
    if top in WIRING:
        return None
    if top in BASE:
        return 0
    return AREAS.index(top) + 1 if top in AREAS else None


def against_flow(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    found = []
    for source, targets in graph.items():
        here = layer(source)
        if here is None:
            continue
        for target in targets:
            there = layer(target)
            if there is not None and there > here:
                found.append((source, target))
    return sorted(found)


def long_functions(
    path: Path, root: Path = ROOT
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(functions over FUNCTION_LINES, route-decorated views over VIEW_LINES): name and lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions, views = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        lines = (node.end_lineno or node.lineno) - node.lineno + 1
        where = f"{path.relative_to(root)}:{node.lineno} {node.name}"
        if lines > FUNCTION_LINES:
            functions.append((where, lines))
        routed = any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
            and d.func.attr in ("route", "get", "post")
            for d in node.decorator_list
        )  # fmt: skip
        if routed and lines > VIEW_LINES:
            views.append((where, lines))
    return functions, views


def reads_app_below_views(name: str, path: Path) -> bool:
    leaf = name.rpartition(".")[2]
    parts = set(name.split("."))
    if parts & {"views", "cli", "tasks", "web", "wsgi", "__main__", "demo", "ops"} or name in (
        "integrity", "integrity.cli", "integrity.config", "integrity.extensions", "integrity.logs",
    ) or leaf.endswith("_views"):  # fmt: skip
        return False
    text = path.read_text(encoding="utf-8")
    if ".route(" in text:  # a module of routes is a views module, whatever its name
        return False
    return "current_app" in text


# The web framework. Allowed in services: flask_babel (refusal messages) and werkzeug.security
# (password hashing, not the web).
FLASK = ("flask", "flask_login", "flask_wtf", "werkzeug")
NOT_THE_WEB = ("werkzeug.security",)


def imports_flask(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                 else [])  # fmt: skip
        if any(n.split(".")[0] in FLASK and n not in NOT_THE_WEB for n in names):
            return True
    return False


def is_view_or_command(name: str) -> bool:
    parts = name.split(".")
    return bool({"views", "cli", "web"} & set(parts)) or parts[-1].endswith("_views")


def calls(path: Path, root: Path, wanted: str) -> list[str]:
    """Where ``wanted`` happens: ``as_actor`` on current_user, ``query`` (legacy
    ``session.query``/``Model.query``), or ``except DomainError``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        hit = (
            (wanted == "as_actor" and isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "as_actor"
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "current_user")
            or (wanted == "query" and isinstance(node, ast.Attribute) and node.attr == "query"
                and not isinstance(getattr(node, "ctx", None), ast.Store))
            or (wanted == "except" and isinstance(node, ast.ExceptHandler)
                and "DomainError" in ast.unparse(node.type or ast.Name("")))
        )  # fmt: skip
        if hit:
            found.append(f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}")
    return found


def measure(package: Path = PACKAGE) -> dict[str, object]:
    root = package.parent
    found = sources(package)
    known = set(found)
    graph = {name: imports(name, path, known) for name, path in found.items()}
    routed_views: list[tuple[str, int]] = []
    functions: list[tuple[str, int]] = []
    for path in found.values():
        f, v = long_functions(path, root)
        functions += f
        routed_views += v
    lines = {
        str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
        for p in found.values()
    }
    views_total = sum(
        1
        for p in found.values()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("route", "get", "post") for d in node.decorator_list)
    )  # fmt: skip
    return {
        "modules": len(found),
        "cycles": cycles(graph),
        "against_flow": against_flow(graph),
        "files_over_400": sorted(
            ((f, n) for f, n in lines.items() if n > FILE_LINES), key=lambda x: -x[1]
        ),
        "functions_over_60": sorted(functions, key=lambda x: -x[1]),
        "views_over_25": sorted(routed_views, key=lambda x: -x[1]),
        "views_total": views_total,
        "current_app_below_views": sorted(
            n for n, p in found.items() if reads_app_below_views(n, p)
        ),
        "services_importing_flask": sorted(
            n for n, p in found.items() if "services" in n.split(".") and imports_flask(p)
        ),
        # One way for a view to get the acting user (integrity.web.forms.acting) ...
        "acting_user_by_hand": [
            where for n, p in found.items() if n != "integrity.web.forms"
            for where in calls(p, root, "as_actor")
        ],
        # ... and one commit-or-refuse path (web.forms.attempt; cli.carry_out for commands).
        "refusals_by_hand": [
            where for n, p in found.items()
            if is_view_or_command(n) and n not in ("integrity.web.forms", "integrity.cli")
            for where in calls(p, root, "except")
        ],
        "legacy_query": [
            where for p in [*found.values(), *sorted((root / "tests").rglob("*.py"))]
            for where in calls(p, root, "query")
        ],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="the whole measurement as JSON")
    parser.add_argument("--list", action="store_true", help="name every offender")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args()
    result = measure(args.root / "integrity")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    cyc = result["cycles"]
    assert isinstance(cyc, list)
    rows = [
        ("modules", result["modules"]),
        ("import cycles (modules in each)", ", ".join(str(len(c)) for c in cyc) or "0"),
        ("imports against the flow", len(result["against_flow"])),  # type: ignore[arg-type]
        (f"files over {FILE_LINES} lines", len(result["files_over_400"])),  # type: ignore[arg-type]
        (f"functions over {FUNCTION_LINES} lines", len(result["functions_over_60"])),  # type: ignore[arg-type]
        (f"route views over {VIEW_LINES} lines",
         f"{len(result['views_over_25'])} of {result['views_total']}"),  # type: ignore[arg-type]
        ("modules reading current_app below the views",
         len(result["current_app_below_views"])),  # type: ignore[arg-type]
        ("services importing Flask", len(result["services_importing_flask"])),  # type: ignore[arg-type]
        ("acting user taken by hand (not acting())",
         len(result["acting_user_by_hand"])),  # type: ignore[arg-type]
        ("refusals handled by hand in views/commands",
         len(result["refusals_by_hand"])),  # type: ignore[arg-type]
        ("legacy session.query calls (code and tests)",
         len(result["legacy_query"])),  # type: ignore[arg-type]
    ]  # fmt: skip
    for label, value in rows:
        print(f"{label:<46} {value}")
    if args.list:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for component in cyc:
            by_kind["cycle"].append(" ↔ ".join(component))
        for source, target in result["against_flow"]:  # type: ignore[attr-defined]
            by_kind["against the flow"].append(f"{source} → {target}")
        for key in ("files_over_400", "functions_over_60", "views_over_25"):
            for where, n in result[key]:  # type: ignore[attr-defined]
                by_kind[key].append(f"{where} ({n})")
        for key in ("current_app_below_views", "services_importing_flask",
                    "acting_user_by_hand", "refusals_by_hand", "legacy_query"):  # fmt: skip
            for name in result[key]:  # type: ignore[attr-defined]
                by_kind[key].append(name)
        for kind, items in by_kind.items():
            print(f"\n{kind}:")
            for item in items:
                print(f"  {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
