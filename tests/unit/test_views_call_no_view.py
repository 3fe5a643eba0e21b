"""No view calls another view as a helper: what two views share is a helper both call.

A view called as a function runs its decorators' limits and checks a second time, or
skips them, depending on how it was reached; a page helper has no decorators.
"""

import ast

from tests.unit.test_import_cycles import modules

ROUTES = {"get", "post", "put", "delete", "patch", "route"}


def _is_view(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ROUTES:
            return True
    return False


def _imported(name: str, path, tree) -> dict[str, str]:
    """Map each name a module imports to the dotted name it stands for."""
    found = {}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                start = package
                for _ in range(node.level - 1):
                    start = start.rpartition(".")[0]
                base = f"{start}.{base}" if base else start
            for alias in node.names:
                found[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name] = alias.name
    return found


def view_calls(found) -> list[str]:
    """Return "module:line calls view" for every call of a view function by its name."""
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in found.items()}
    views = {
        f"{name}.{node.name}"
        for name, tree in trees.items()
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and _is_view(node)
    }
    calls = []
    for name, tree in trees.items():
        imported = _imported(name, found[name], tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func, target = node.func, None
            if isinstance(func, ast.Name):
                target = imported.get(func.id, f"{name}.{func.id}")
            elif isinstance(func, ast.Attribute) and getattr(func.value, "id", None) in imported:
                target = f"{imported[func.value.id]}.{func.attr}"
            if target in views:
                calls.append(f"{name}:{node.lineno} calls {target}")
    return calls


def test_the_check_finds_a_view_called_as_a_helper(tmp_path):
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "pages.py").write_text(
        "@bp.get('/a')\ndef show(slug):\n    return slug\n\n"
        "@bp.post('/a')\ndef take(slug):\n    return show(slug)\n"
    )
    (pkg / "other.py").write_text("from . import pages\n\ndef f():\n    return pages.show(1)\n")
    assert view_calls(modules(tmp_path, ("app",))) == [
        "app.other:4 calls app.pages.show",
        "app.pages:7 calls app.pages.show",
    ]


def test_no_view_calls_a_view():
    assert view_calls(modules()) == []
