"""The one file anyone downloads and runs to check a draw, assembled from this package.

The server imports the package's modules; the public draw page serves ``assemble()``: the same
modules, joined in the order of ``PARTS`` under the package's docstring, their imports gathered at
the top. So the code that drew the jury and the code a pupil's parent runs are the same lines.
Two things would break a download that the server never notices, and both are refused here, so
that a change which would break it fails the tests instead: an import from outside the standard
library, and a top-level name defined in two modules (the later would silently replace the
earlier once they share one file).

This module is itself standard library only, so ``scripts/verify_draw.py`` loads it by path.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

PACKAGE = "integrity.jury.domain.draw"
PARTS = ("seeding", "manifest", "double", "panel", "result", "command")
HERE = Path(__file__).resolve().parent


class AssemblyError(ValueError):
    """The package cannot be joined into one stand-alone file; the message says where and why."""


@cache
def served() -> bytes:
    """What the public draw page offers as ``verify_draw.py``."""
    return assemble(HERE).encode()


def assemble(folder: Path) -> str:
    """The modules of ``PARTS`` in ``folder`` as one runnable, standard-library-only file."""
    docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text("utf-8")))
    modules: set[str] = set()
    names: dict[str, set[str]] = {}
    defined: dict[str, str] = {}
    sections = []
    for part in PARTS:
        source = (folder / f"{part}.py").read_text("utf-8")
        tree = ast.parse(source, filename=f"{part}.py")
        start = None
        for node in tree.body[1:] if ast.get_docstring(tree) is not None else tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                if start is not None:
                    raise AssemblyError(f"{part}.py:{node.lineno}: imports must precede the code")
                _gather(part, node, modules, names)
                continue
            for name in _names_defined(node):
                if name in defined:
                    raise AssemblyError(
                        f"{part}.py:{node.lineno}: {name} is already defined in {defined[name]}.py"
                    )
                defined[name] = part
            if start is None:
                start = min([node.lineno] + [d.lineno for d in _decorators(node)])
        if start is None:
            continue
        title = (ast.get_docstring(tree) or part).splitlines()[0]
        body = "\n".join(source.splitlines()[start - 1 :]).rstrip()
        sections.append(f"# -- {part} {'-' * (95 - len(part))}\n# {title}\n\n\n{body}\n")
    imports = [f"import {module}" for module in sorted(modules)] + [
        f"from {module} import {', '.join(sorted(members))}"
        for module, members in sorted(names.items())
    ]
    header = (
        f'#!/usr/bin/env python3\n"""{docstring}\n"""\n\n'
        f"# Assembled from {PACKAGE}: {', '.join(PARTS)}.\n\n"
        "from __future__ import annotations\n\n" + "\n".join(imports) + "\n"
    )
    return "\n\n".join([header, *sections])


def _gather(
    part: str, node: ast.Import | ast.ImportFrom, modules: set[str], names: dict[str, set[str]]
) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            _stdlib_only(part, node, alias.name)
            modules.add(alias.name if alias.asname is None else f"{alias.name} as {alias.asname}")
        return
    module = node.module or ""
    if node.level or module == PACKAGE or module.startswith(PACKAGE + "."):
        return  # one of the parts: in the assembled file it is simply defined above
    if module == "__future__":
        return  # written once, first
    _stdlib_only(part, node, module)
    for alias in node.names:
        member = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
        names.setdefault(module, set()).add(member)


def _stdlib_only(part: str, node: ast.stmt, module: str) -> None:
    if module.split(".")[0] not in sys.stdlib_module_names:
        raise AssemblyError(
            f"{part}.py:{node.lineno}: {module} is not in the standard library, and the "
            "stand-alone checker must run on a bare Python"
        )


def _names_defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    found = []
    for target in targets:
        elements = target.elts if isinstance(target, ast.Tuple) else [target]
        found += [e.id for e in elements if isinstance(e, ast.Name)]
    return found


def _decorators(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.decorator_list
    return []
