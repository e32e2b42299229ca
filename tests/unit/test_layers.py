"""The layering rule of `rag/` (docs/DESIGN.md), read from the code's own imports, with no list of exceptions:

- each layer imports only its own layer and the layers below it, lazily or not, under TYPE_CHECKING or not;
- the faces (CLI, Streamlit chat) import the engine's public surface (`rag.engine`), the evaluation and the base,
  never the archive, ingest, retrieval or answer modules, nor the engine's own modules;
- no module imports itself through others (no import circles).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

# lowest first; a module may import its own layer and any layer below it
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("rag.config", "rag.errors", "rag.models", "rag.dates", "rag.resources", "rag.counts")),
    ("archive", ("rag.archive",)),
    ("ingest", ("rag.ingest",)),
    ("retrieval", ("rag.retrieval",)),
    ("answer", ("rag.answer",)),
    ("engine", ("rag.engine",)),
    ("eval", ("rag.eval",)),
    ("faces", ("rag.cli", "rag.ui")),
]
FACES = LAYERS.index(("faces", ("rag.cli", "rag.ui")))
ENGINE = LAYERS.index(("engine", ("rag.engine",)))
RAG = PROJECT_ROOT / "rag"
APP = PROJECT_ROOT / "app.py"


def module_name(path: Path) -> str:
    if path == APP:
        return "rag.ui.app"  # the Streamlit entry point is a face
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The layer index of a `rag` module (the longest matching prefix wins); -1 for one of no layer."""
    if module == "rag":  # the package itself (its __init__ holds only the version)
        return 0
    best, best_len = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    return best


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PROJECT_ROOT / relative).with_suffix(".py").is_file() or (PROJECT_ROOT / relative / "__init__.py").is_file()


def rag_imports(path: Path) -> set[str]:
    """Every `rag` module a file imports, at the top, inside functions or under TYPE_CHECKING (`from rag.archive
    import health` imports the module `rag.archive.health`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "rag"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rag":
            submodules = {f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}")}
            found |= submodules or {node.module}
    return found


MODULES = sorted([*RAG.rglob("*.py"), APP])
GRAPH = {module_name(p): rag_imports(p) for p in MODULES}


def test_every_module_belongs_to_a_layer() -> None:
    assert len(MODULES) > 50
    assert [module_name(p) for p in MODULES if layer_of(module_name(p)) < 0] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_imports_only_its_own_layer_and_the_layers_below(path: Path) -> None:
    own = layer_of(module_name(path))
    upward = {m: LAYERS[layer_of(m)][0] for m in rag_imports(path) if layer_of(m) > own}
    assert upward == {}, f"{module_name(path)} ({LAYERS[own][0]}) imports from higher layers: {upward}"


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(module_name(p)) == FACES], ids=module_name)
def test_faces_use_the_engine_surface_never_its_internals(path: Path) -> None:
    inside = {
        m
        for m in rag_imports(path)
        if 0 < layer_of(m) < FACES and layer_of(m) != LAYERS.index(("eval", ("rag.eval",))) and m != "rag.engine"
    }
    assert inside == set(), f"{module_name(path)} reaches below the engine's surface: {sorted(inside)}"


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a module graph: its strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in graph:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1 or node in graph.get(node, ()):
                circles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_import_circles() -> None:
    assert _circles(GRAPH) == []


def test_the_checker_sees_lazy_and_type_checking_imports_and_circles(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rag.ui.chat import x\n"
        "def f():\n    import rag.cli\n    from rag.eval import run\n    from rag.archive import health\n"
    )
    assert rag_imports(sample) == {"rag.ui.chat", "rag.cli", "rag.eval.run", "rag.archive.health"}
    assert layer_of("rag.archive.store") == 1 and layer_of("rag.ui.chat") == layer_of("rag.cli") == FACES
    assert layer_of("rag.engine.turn") == ENGINE
    assert layer_of("rag.chat") == -1 and layer_of("rag.configuration") == -1  # a new module must be placed
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


# the engine's parts that a face could reach through an engine's attributes (`engine.archive.store`)
INTERNAL_ATTRIBUTES = frozenset({"archive", "retriever", "answerer", "store"})


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(module_name(p)) == FACES], ids=module_name)
def test_faces_never_reach_internals_through_the_engines_attributes(path: Path) -> None:
    reached = [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and (
            node.attr in INTERNAL_ATTRIBUTES
            or node.attr == "quote"
            and isinstance(node.value, ast.Name)
            and node.value.id == "engine"
        )
    ]
    assert reached == [], f"{module_name(path)} reaches into the engine: {reached}"


def test_the_engine_surface_is_one_list_and_every_name_resolves() -> None:
    import rag.engine as surface

    source = ast.parse((RAG / "engine" / "__init__.py").read_text(encoding="utf-8"))
    typed = {
        alias.name: node.module
        for guard in source.body
        if isinstance(guard, ast.If) and ast.unparse(guard.test) == "TYPE_CHECKING"
        for node in guard.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    public: dict[str, str] = surface._PUBLIC  # type: ignore[attr-defined]
    assert sorted(surface.__all__) == sorted(public) == sorted(typed)
    assert typed == public, "each name is imported for type checkers from the module it loads from"
    assert all(getattr(surface, name) is not None for name in public)
    with pytest.raises(AttributeError):
        surface.ChatEngin  # type: ignore[attr-defined]  # noqa: B018


def test_retrieval_and_ingest_are_peers_neither_imports_the_other() -> None:
    crossing = {
        name: sorted(m for m in imports if m.startswith(other))
        for name, imports in GRAPH.items()
        for own, other in (("rag.retrieval", "rag.ingest"), ("rag.ingest", "rag.retrieval"))
        if name.startswith(own) and any(m.startswith(other) for m in imports)
    }
    assert crossing == {}
