"""Import contracts: layers point one way, and the Azure SDKs are imported lazily.

The emulator is an independent implementation of the ARM contract (it may use only the
standalone policy evaluator); the engine never imports the emulator; only the adapters touch
``azure.*``; only the composition root picks a concrete adapter or starts the emulator: the CLI,
``lzengine.targets`` (which starts the local emulator for the library API), and ``lzengine.api``
(which builds the concrete adapter for an open target).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lzengine"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module imported anywhere in the file (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_there_are_modules_to_check() -> None:
    assert "lzengine.engine" in MODULES and "lzengine.cli" in MODULES


def test_emulator_imports_only_itself_and_the_policy_evaluator() -> None:
    for module, imports in MODULES.items():
        if within(module, "lzengine.emulator"):
            bad = {i for i in imports if within(i, "lzengine") and not within(i, "lzengine.emulator")
                   and not within(i, "lzengine.policy")}
            assert not bad, f"{module} imports {bad}"


def test_policy_evaluator_is_standalone() -> None:
    for module, imports in MODULES.items():
        if within(module, "lzengine.policy"):
            bad = {i for i in imports if (within(i, "lzengine") and not within(i, "lzengine.policy"))
                   or within(i, "azure")}
            assert not bad, f"{module} imports {bad}"


def test_only_the_composition_root_wires_emulator_and_concrete_adapters() -> None:
    for module, imports in MODULES.items():
        if within(module, "lzengine.emulator") or module in ("lzengine.cli", "lzengine.targets"):
            continue
        assert not any(within(i, "lzengine.emulator") for i in imports), f"{module} imports the emulator"
        if not within(module, "lzengine.adapters") and module != "lzengine.api":
            assert "lzengine.adapters.azure_sdk" not in imports, f"{module} imports a concrete adapter"


def test_only_adapters_import_azure() -> None:
    for module, imports in MODULES.items():
        if within(module, "lzengine.adapters") or within(module, "lzengine.emulator") or module == "lzengine.cli":
            continue
        assert not any(within(i, "azure") for i in imports), f"{module} imports azure"


def test_lower_layers_do_not_import_higher_ones() -> None:
    order = ["lzengine.errors", "lzengine.ids", "lzengine.plan", "lzengine.kinds", "lzengine.graph",
             "lzengine.refs", "lzengine.diff", "lzengine.retry", "lzengine.report", "lzengine.adapters.base",
             "lzengine.compile", "lzengine.executor", "lzengine.engine", "lzengine.drift", "lzengine.verify",
             "lzengine.reconcile", "lzengine.targets", "lzengine.api", "lzengine.cli"]
    rank = {name: i for i, name in enumerate(order)}

    def layer(name: str) -> int | None:
        best = max((p for p in order if within(name, p)), key=len, default=None)
        return rank[best] if best else None

    for module, imports in MODULES.items():
        own = layer(module)
        if own is None:
            continue
        for imported in imports:
            other = layer(imported)
            if other is not None and not within(imported, module):
                assert other <= own, f"{module} (layer {own}) imports {imported} (layer {other})"


def test_kind_modules_do_not_import_each_other() -> None:
    for module, imports in MODULES.items():
        if within(module, "lzengine.kinds") and module not in ("lzengine.kinds", "lzengine.kinds.base"):
            siblings = {i for i in imports if within(i, "lzengine.kinds") and not within(i, "lzengine.kinds.base")
                        and i != "lzengine.kinds"}
            assert not siblings, f"{module} imports {siblings}"


def test_help_does_not_import_azure_or_the_emulator() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from lzengine.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('azure', 'lzengine.emulator', 'werkzeug')))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_no_import_circles_inside_the_emulator() -> None:
    """Emulator modules form a graph without cycles (type-checking-only imports count too), so
    each provider module can be read, tested and changed on its own."""
    import graphlib

    emulator = {m for m in MODULES if within(m, "lzengine.emulator") and m != "lzengine.emulator"}
    graph = {m: {i for i in MODULES[m] if i in emulator and i != m} for m in emulator}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError(f"import circle inside the emulator: {' -> '.join(exc.args[1])}") from None
    assert len(order) == len(emulator) > 20
