"""The layering rule of `rag/` (docs/DESIGN.md): each layer imports only the layers below it, lazily or not."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

# lowest first; a module may import its own layer and any layer below it
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("rag.config", "rag.errors", "rag.models", "rag.dates", "rag.resources")),
    ("archive", ("rag.archive",)),
    ("ingest", ("rag.ingest",)),
    ("retrieval", ("rag.retrieval",)),
    ("answer", ("rag.answer",)),
    ("eval", ("rag.eval",)),
    ("faces", ("rag.cli", "rag.ui")),
]
RAG = PROJECT_ROOT / "rag"


def module_name(path: Path) -> str:
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


def rag_imports(path: Path) -> set[str]:
    """Every `rag` module a file imports, at the top, inside functions or under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "rag"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rag":
            found.add(node.module)
    return found


MODULES = sorted(RAG.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    assert MODULES
    assert [module_name(p) for p in MODULES if layer_of(module_name(p)) < 0] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_imports_only_its_own_layer_and_the_layers_below(path: Path) -> None:
    own = layer_of(module_name(path))
    upward = {m: LAYERS[layer_of(m)][0] for m in rag_imports(path) if layer_of(m) > own}
    assert upward == {}, f"{module_name(path)} ({LAYERS[own][0]}) imports from higher layers: {upward}"


def test_the_checker_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rag.ui.chat import x\n"
        "def f():\n    import rag.cli\n    from rag.eval import run\n"
    )
    assert rag_imports(sample) == {"rag.ui.chat", "rag.cli", "rag.eval"}
    assert layer_of("rag.archive.store") == 1 and layer_of("rag.ui.chat") == layer_of("rag.cli") == 6
    assert layer_of("rag.chat") == -1 and layer_of("rag.configuration") == -1  # a new module must be placed
