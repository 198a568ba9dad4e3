"""The floors of the code: socle < ingest < graph < rapport < orchestration; none imports upwards.

Every import of every module is read with ``ast`` (module-level, inside functions, and the
lazy imports by name: ``module_paresseux("…")``, ``lecteurs("…")``, ``importlib.import_module("…")``),
so that an import hidden in a function body counts too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["socle", "ingest", "graph", "rapport", "orchestration"]
LAZY = {"module_paresseux", "lecteurs", "import_module"}

#: Upward imports known and owned by another change of this session (issue 13: ingest/suivi.py
#: is being split by its owner). An entry that no longer matches an import fails the test, so
#: the list only shrinks.
KNOWN: set[tuple[str, str]] = set()


def _imported(tree: ast.AST, module: str) -> list[str]:
    """Absolute names of the modules ``tree`` (the module ``module``) imports."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")[: -node.level]
                names.append(".".join([*base, *([node.module] if node.module else [])]))
            else:
                names.append(node.module or "")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in LAZY and isinstance(node.args[0].value, str):
                names.append(node.args[0].value)
    return names


def upward_imports() -> set[tuple[str, str]]:
    """(file, imported module) for every import of a higher floor, or of Dagster from ``socle``."""
    found: set[tuple[str, str]] = set()
    for level, floor in enumerate(FLOORS):
        for path in sorted((ROOT / floor).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            module = relative[: -len(".py")].replace("/", ".").removesuffix(".__init__")
            for name in _imported(ast.parse(path.read_text(encoding="utf-8")), module):
                top = name.split(".")[0]
                upward = top in FLOORS and FLOORS.index(top) > level
                if upward or (floor == "socle" and top.startswith("dagster")):
                    found.add((relative, name))
    return found


def test_the_import_walk_sees_imports_inside_functions_and_lazy_ones():
    tree = ast.parse(
        "import os\nfrom . import voisin\ndef f():\n    from rapport.x import y\n"
        "m = lecteurs('ingest.offre.bpe')\nn = importlib.import_module('graph.page')\n"
    )
    assert sorted(_imported(tree, "ingest.offre.exemple")) == [
        "graph.page", "ingest.offre", "ingest.offre.bpe", "os", "rapport.x"
    ]


def test_no_module_imports_a_higher_floor():
    found = upward_imports()
    new = sorted(found - KNOWN)
    assert not new, "upward imports (floors: " + " < ".join(FLOORS) + "):\n" + "\n".join(
        f"  {path} imports {name}" for path, name in new
    )
    stale = sorted(KNOWN - found)
    assert not stale, f"no longer imported, remove from KNOWN: {stale}"


def test_the_commands_without_dagster_do_not_load_it(tmp_path):
    """``python -m ingest.documents`` and ``python -m rapport`` run (here: refuse an unknown
    département, exit code 2) without importing Dagster nor the orchestration package."""
    import duckdb

    warehouse = tmp_path / "entrepot.duckdb"
    duckdb.connect(str(warehouse)).close()
    code = (
        "import sys\n"
        "from ingest.documents.__main__ import main as documents\n"
        "from rapport.__main__ import main as rapport\n"
        "rc = [documents(['--departement', '999']), rapport(['--departement', '999', '--sans-pdf'])]\n"
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('dagster', 'orchestration')))\n"
    )
    env = {**os.environ, "PACTE_WAREHOUSE": str(warehouse), "PACTE_OUTPUT": str(tmp_path / "sortie"),
           "PACTE_INBOX": str(tmp_path / "inbox")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[2, 2] []", proc.stdout + proc.stderr
    assert proc.stderr.count("'999'") == 2  # each refusal names the code
