"""The layout is checked by a machine (docs/architecture.md, "What may import what"): the import contracts in
.importlinter, no import circles between modules, short modules, one import style, no borrowed private names."""
import ast
import configparser
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "caseflow"
MAX_LINES = 400


def python_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.fixture(scope="module")
def graph():
    """Every import in caseflow, also those inside functions: a lazy import closes a circle just the same."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return grimp.build_graph("caseflow", cache_dir=None)


def test_the_import_contracts_hold(graph):
    """legal pure, route modules independent, tables below workflows; the broken chains are printed above."""
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True) == 0


def test_the_pure_contract_names_every_other_part_of_caseflow():
    """A new package must be named in legal-is-pure's forbidden list, or legal could import it unnoticed."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    forbidden = set(config["importlinter:contract:legal-is-pure"]["forbidden_modules"].split())
    parts = {f"caseflow.{p.stem}" for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    allowed = {"caseflow.legal", "caseflow.clock"}
    assert parts - allowed - forbidden == set()


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others(graph):
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert _cycles(edges) == []


def test_no_module_is_over_400_lines():
    long = {module_name(p): n for p in python_files("caseflow") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, "split these by topic (docs/architecture.md, 'One skeleton')"


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            yield node


def test_imports_are_absolute():
    relative = [f"{p.relative_to(ROOT)}:{node.lineno}" for p in python_files("caseflow", "tests", "benchmarks")
                for node in _imports(p) if node.level]
    assert relative == []


def test_no_module_borrows_another_modules_private_names():
    """A name with a leading underscore is its module's own; what others need is made public (and named so)."""
    borrowed = [f"{p.relative_to(ROOT)}:{node.lineno} {alias.name} from {node.module}"
                for p in python_files("caseflow") for node in _imports(p)
                if node.level or (node.module or "").startswith("caseflow")
                for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert borrowed == []


def test_web_packages_share_one_skeleton():
    """Each web package: blueprint.py defines bp, routes.py holds the views (create_app registers them in order)."""
    from caseflow import BLUEPRINTS

    for name in BLUEPRINTS:
        package = PACKAGE / name
        assert (package / "blueprint.py").exists() and (package / "routes.py").exists(), name
        defines_bp = [node for node in ast.parse((package / "blueprint.py").read_text()).body
                      if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "bp" for t in node.targets)]
        assert defines_bp, f"{name}/blueprint.py defines no bp"
