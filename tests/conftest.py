"""Shared fixtures: every test gets its own data folder; the real bundled models are loaded once."""

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig
from desktop.core.models import bundled_models


def bundled_path(role: str):
    return next(m.path for m in bundled_models() if m.role == role)


@pytest.fixture(autouse=True)
def inkling_home(tmp_path, monkeypatch):
    home = tmp_path / "inkling-home"
    monkeypatch.setenv("INKLING_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def smollm2_path():
    return bundled_path("chat")


@pytest.fixture(scope="session")
def gemma_path():
    return bundled_path("base")


@pytest.fixture(scope="session")
def smollm2(smollm2_path):
    engine = LlamaEngine(smollm2_path, EngineConfig(n_ctx=2048))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def gemma(gemma_path):
    engine = LlamaEngine(gemma_path, EngineConfig(n_ctx=1024))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def embedder():
    """The bundled MiniLM embedder, loaded once; NotesLibrary and the window share it (shared_embedder)."""
    from desktop.core.notes import shared_embedder

    return shared_embedder()


_exit_status = {}


def pytest_sessionfinish(session, exitstatus):
    _exit_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """End the test process without running native libraries' exit-time destructors.

    After every test has passed, the process that loaded llama.cpp, onnxruntime, chromadb and Qt
    together sometimes crashed in those destructors (exit 139, no Python frame left to report), which
    failed `make test`. The app's own processes exit normally (tests/e2e, tests/packaging check it).
    """
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    if "code" in _exit_status:  # a collection-only or a --help run did not get here through a session
        os._exit(_exit_status["code"])
