"""What this Inkling is made of: app, llama.cpp build and bundled-model versions (`inkling --version`)."""

import ctypes
import json
import sys
from pathlib import Path

from desktop import __version__
from desktop.core.engine.runtime import devices, gpu_offload_supported
from desktop.core.engine.types import EngineConfig, ModelLoadError
from desktop.core.errors import InklingError
from desktop.core.models import default_chat_model, models_dir
from desktop.core.models.fit import gib
from desktop.core.models.settings import CPU_BUILD, model_engine_config
from desktop.core.paths import database_path
from desktop.core.workspace import open_workspace


def llama_cpp_build() -> dict:
    """The llama.cpp inside llama-cpp-python: ggml version and commit, its backends and the features built in."""
    import llama_cpp
    from llama_cpp import llama_cpp as bindings

    def ggml_text(name: str) -> str:
        # Not wrapped by llama-cpp-python; libllama's handle also finds the symbols of libggml-base it links.
        function = getattr(bindings._lib, name)
        function.restype = ctypes.c_char_p
        return function().decode()

    # "CPU : SSE3 = 1 | AVX2 = 1 | … | CUDA : ARCHS = 890 | …": a "NAME :" opens each backend's group
    backends, features = [], []
    for item in llama_cpp.llama_print_system_info().decode().split("|"):
        if ":" in item:
            backend, _, item = item.partition(":")
            backends.append(backend.strip())
        name, _, value = item.partition("=")
        if value.strip() == "1":
            features.append(name.strip())
    return {
        "llama_cpp_python": llama_cpp.__version__,
        "ggml": ggml_text("ggml_version"),
        "commit": ggml_text("ggml_commit"),
        "backends": backends,
        "features": sorted(features),
    }


# llama.cpp's feature names -> the flags Linux lists in /proc/cpuinfo
CPU_FLAGS = {
    "SSE3": "pni", "SSSE3": "ssse3", "AVX": "avx", "AVX2": "avx2", "FMA": "fma", "F16C": "f16c", "BMI2": "bmi2",
    "AVX512": "avx512f", "AVX512_VBMI": "avx512vbmi", "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16",
}


def cpu_lacks(features: list[str]) -> list[str]:
    """The instruction sets llama.cpp was built for that this CPU lacks (Linux; elsewhere nothing is known)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = set(next((line for line in cpuinfo.splitlines() if line.startswith("flags")), "").split())
    return [name for name in features if name in CPU_FLAGS and CPU_FLAGS[name] not in flags]


def bundled_model_versions() -> list[dict]:
    """Each bundled model: its name, file, where it came from, its expected sha256, and whether it is here."""
    folder = models_dir()
    entries = json.loads((folder / "manifest.json").read_text())["models"]
    return [
        {
            "id": entry["id"],
            "name": entry["name"],
            "file": entry["file"],
            "source": _source(entry["parts"]),
            "sha256": entry["sha256"],
            "present": (folder / entry["file"]).is_file(),
        }
        for entry in entries
    ]


def _source(parts: list[dict]) -> str:
    first = f"{parts[0]['package']} {parts[0]['version']}"
    return first if len(parts) == 1 else f"{first} and {len(parts) - 1} more parts"


def version_text() -> str:
    llama = llama_cpp_build()
    lines = [
        f"inkling {__version__} (Python {sys.version.split()[0]}{', packaged' if getattr(sys, 'frozen', False) else ''})",
        f"llama.cpp ggml {llama['ggml']} (commit {llama['commit']}) via llama-cpp-python {llama['llama_cpp_python']};"
        f" backends: {', '.join(llama['backends'])}; built for: {' '.join(llama['features'])}",
    ]
    lines += [f"device {d.name} ({d.kind}: {d.description}; {gib(d.free)} free of {gib(d.total)})" for d in devices()]
    lines.append("GPU offload: supported (GPU layers are set per model in the library)" if gpu_offload_supported()
                 else f"GPU offload: none — {CPU_BUILD}")
    lines.append(in_effect())
    for model in bundled_model_versions():
        state = "" if model["present"] else "  [MISSING]"
        lines.append(f"model {model['name']}: {model['file']} from {model['source']}, sha256 {model['sha256'][:12]}{state}")
    return "\n".join(lines)


def in_effect() -> str:
    """What llama.cpp actually does with the default chat model and the settings remembered for it (loaded now, ~0.3 s)."""
    from desktop.core.engine.llama_engine import LlamaEngine

    model = default_chat_model()
    if not model.path.is_file():
        return f"in effect: not checked ({model.name} is missing)"
    config, whose = EngineConfig(), "Inkling's defaults"
    if database_path().is_file():  # a read beside the window; --version never creates a data folder
        try:
            with open_workspace(write=False) as workspace:
                config, whose = model_engine_config(workspace.store, model.path), "its remembered settings"
        except InklingError as error:
            whose = f"Inkling's defaults (the data folder cannot be read: {error})"
    try:
        engine = LlamaEngine(model.path, config)
    except ModelLoadError as error:
        return f"in effect: {model.name} could not be loaded to check ({error})"
    try:
        return f"in effect for {model.name} with {whose}: {engine.runtime.describe()}"
    finally:
        engine.close()
