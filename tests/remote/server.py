"""A real llama-server on 127.0.0.1 with a free port, for the remote-engine tests and the `remote` benchmark."""

import importlib.util
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

BINARY = Path(sys.prefix) / "bin" / "llama-server"  # `make llama-server` puts it there
MISSING = f"llama-server is not built ({BINARY}); run `make llama-server`"
THREADS = 2  # like the in-process engine (the parity test compares their numbers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def llama_server(model: Path, log: Path, n_ctx: int = 2048, extra: tuple[str, ...] = (), threads: int = THREADS):
    """Start llama-server on the model, wait until /health says ok, yield its base URL, stop it."""
    port = free_port()
    # Like the in-process engine: one slot, the same batch and threads, no web UI. -fa off: with it the
    # server's log-probabilities matched the in-process engine's to 1.7e-4 nats over 120 greedy tokens
    # (same tokens); with -fa on they differed by up to 0.17 nats and the greedy reply forked at token 37.
    command = [str(BINARY), "-m", str(model), "--host", "127.0.0.1", "--port", str(port), "-c", str(n_ctx),
               "-np", "1", "-t", str(threads), "-tb", str(threads), "-b", "512", "-ub", "512", "-fa", "off",
               "--no-webui", *extra]
    with _serving(command, port, log, "/health") as url:
        yield url


@contextmanager
def _serving(command: list[str], port: int, log: Path, ready: str):
    """Run the server command, wait until GET `ready` answers 200, yield its base URL, stop it."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log, path=ready)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 120.0, path: str = "/health") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}{path}", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[:3]} did not become healthy within {timeout:.0f} s")


PYTHON_SERVER_MISSING = "llama-cpp-python's server extra is not installed: pip install -e '.[test]'"


def python_server_installed() -> bool:
    """`python -m llama_cpp.server` needs the [server] extra (fastapi, uvicorn, sse-starlette, …)."""
    return all(importlib.util.find_spec(name) for name in ("fastapi", "uvicorn", "sse_starlette", "starlette_context"))


@contextmanager
def llama_cpp_python_server(model: Path, log: Path, n_ctx: int = 2048, threads: int = THREADS):
    """llama-cpp-python's own OpenAI-compatible server (a second, separate implementation) on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(threads),
               "--n_threads_batch", str(threads), "--verbose", "False"]
    with _serving(command, port, log, "/v1/models") as url:
        yield url
