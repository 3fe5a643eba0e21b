"""No import cycles in app/ or games/: each module can be read after the ones it imports.

The graph holds every import statement, at module level and inside functions alike (a
function-local import that dodges a cycle is still a cycle). An import of a package's
submodule does not count as importing the package's __init__ as well, or every package
would import itself through its children.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "games")


def modules(root: Path = ROOT, packages=PACKAGES) -> dict[str, Path]:
    """Map every module's dotted name to its file."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _base(name: str, path: Path, level: int) -> str:
    """Return the package a relative import of `level` dots in module `name` starts from."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return package


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Yield every import node, at any depth, except under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def graph(found: dict[str, Path]) -> dict[str, dict[str, int]]:
    """Return {module: {imported module: line}} for imports between the known modules."""
    edges: dict[str, dict[str, int]] = {name: {} for name in found}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _imports(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = node.module or ""
                if node.level:
                    base = _base(name, path, node.level)
                    source = f"{base}.{source}" if source else base
                for alias in node.names:
                    child = f"{source}.{alias.name}"
                    # `from pkg import mod` imports the module; `from pkg import name`, pkg.
                    targets.append(child if child in found else source)
            for target in targets:
                while target and target not in found:  # import a.b.c where only a.b is ours
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges[name].setdefault(target, node.lineno)
    return edges


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def one_loop(edges: dict[str, dict[str, int]], component: list[str]) -> list[str]:
    """Return one closed path through a component: a → b → … → a, each with its line."""
    inside = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(edges[node]):
            if other == start:
                path = paths[node] + [start]
                return [
                    f"{a} (line {edges[a][b]}) → {b}" for a, b in zip(path, path[1:], strict=False)
                ]
            if other in inside and other not in paths:
                paths[other] = paths[node] + [other]
                queue.append(other)
    return component  # unreachable for a strongly connected component


def test_the_graph_sees_relative_absolute_and_function_level_imports(tmp_path):
    pkg = tmp_path / "app"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import a\n")
    (pkg / "sub" / "a.py").write_text("def f():\n    from app.sub.b import g\n")
    (pkg / "sub" / "b.py").write_text("from ..top import x\n")
    (pkg / "top.py").write_text("import app.sub.a\nfrom app import sub\n")
    edges = graph(modules(tmp_path, ("app",)))
    assert edges["app.sub"] == {"app.sub.a": 1}
    assert edges["app.sub.a"] == {"app.sub.b": 2}
    assert edges["app.sub.b"] == {"app.top": 1}
    assert edges["app.top"] == {"app.sub.a": 1, "app.sub": 2}
    loop = cycles(edges)
    assert loop == [["app.sub", "app.sub.a", "app.sub.b", "app.top"]]
    assert one_loop(edges, loop[0])[0] == "app.sub (line 1) → app.sub.a"


def test_no_import_cycles():
    edges = graph(modules())
    assert len(edges) > 100  # the whole app was read
    found = cycles(edges)
    report = "\n\n".join("\n".join(one_loop(edges, component)) for component in found)
    assert not found, f"import cycles:\n{report}"
