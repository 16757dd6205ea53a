"""Fake home folders with the real layouts of LM Studio, Ollama, the HF cache, llama.cpp, Jan and GPT4All (hard links of the bundled GGUFs)."""

import hashlib
import json
import os
import struct
from pathlib import Path

HEX_SMOL = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
HEX_GEMMA = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def link(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(os.path.realpath(source), target)  # the file's bytes, even where models/ holds links (a worktree)
    return target


def write_gguf(path: Path, metadata: dict) -> Path:
    """A tensor-less GGUF with string/int metadata: enough for the parts of a split model or a projector."""
    def string(text: str) -> bytes:
        data = text.encode()
        return struct.pack("<Q", len(data)) + data

    body = b"GGUF" + struct.pack("<IQQ", 3, 0, len(metadata))
    for key, value in metadata.items():
        body += string(key)
        body += struct.pack("<I", 8) + string(value) if isinstance(value, str) else struct.pack("<Iq", 11, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def ollama_manifest(models: Path, name: str, tag: str, layers: list[tuple[str, str]]) -> None:
    manifest = models / "manifests" / "registry.ollama.ai" / "library" / name / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({
        "schemaVersion": 2,
        "layers": [{"mediaType": media, "digest": f"sha256:{digest}", "size": 1} for media, digest in layers],
    }))


def build_home(home: Path, smol: Path, gemma: Path, outside: Path) -> dict:
    """Every layout the library reads, plus the traps; returns what the test expects to find."""
    # LM Studio: the home pointer names a home outside ~/.lmstudio
    lms = home / "lmstudio-elsewhere"
    (home / ".lmstudio-home-pointer").parent.mkdir(parents=True, exist_ok=True)
    (home / ".lmstudio-home-pointer").write_text(str(lms))
    link(smol, lms / "models" / "lmstudio-community" / "SmolLM2-GGUF" / "SmolLM2-135M-Instruct-Q4_1.gguf")
    write_gguf(lms / "models" / "lmstudio-community" / "SmolLM2-GGUF" / "mmproj-SmolLM2-f16.gguf",
               {"general.architecture": "clip", "general.type": "mmproj"})
    for part in (1, 2, 3):  # a split model: three parts, one model
        write_gguf(lms / "models" / "bartowski" / "Big-GGUF" / f"Big-Q4_K_M-0000{part}-of-00003.gguf", {
            "general.architecture": "llama", "general.name": "Big", "split.no": part - 1, "llama.block_count": 2,
        })
    # a broken link and one that leads outside the root
    broken = lms / "models" / "x" / "y" / "gone.gguf"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.symlink_to(lms / "models" / "x" / "y" / "missing.gguf")
    (lms / "models" / "x" / "y" / "escape.gguf").symlink_to(outside)
    # Ollama: a GGUF blob (Gemma), a blob that is not GGUF
    ollama = home / ".ollama" / "models"
    link(gemma, ollama / "blobs" / f"sha256-{HEX_GEMMA}")
    not_gguf = b"\x00ZZZ this is a safetensors-style blob" * 10
    not_gguf_hex = hashlib.sha256(not_gguf).hexdigest()
    (ollama / "blobs" / f"sha256-{not_gguf_hex}").write_bytes(not_gguf)
    template_hex = "1" * 64
    (ollama / "blobs" / f"sha256-{template_hex}").write_text("{{ .Prompt }}")
    ollama_manifest(ollama, "gemma3", "270m", [
        ("application/vnd.ollama.image.model", HEX_GEMMA), ("application/vnd.ollama.image.template", template_hex),
    ])
    ollama_manifest(ollama, "newformat", "latest", [("application/vnd.ollama.image.model", not_gguf_hex)])
    # Hugging Face hub cache: refs/main -> snapshot of links into blobs/ (SmolLM2 by its sha256), an .incomplete blob
    repo = home / ".cache" / "huggingface" / "hub" / "models--HuggingFaceTB--SmolLM2-135M-Instruct-GGUF"
    link(smol, repo / "blobs" / HEX_SMOL)
    (repo / "blobs" / ("2" * 64 + ".incomplete")).write_bytes(b"GGUF partial")
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    snapshot = repo / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "smollm2-135m-instruct-q4_1.gguf").symlink_to(Path("../../blobs") / HEX_SMOL)
    old = repo / "snapshots" / "old999"  # not what refs/main names: not listed
    link(gemma, old / "old.gguf")
    # llama.cpp's older flat cache; Jan; GPT4All with a download in progress
    link(gemma, home / ".cache" / "llama.cpp" / "ggml-org_gemma-3-270m-GGUF_gemma-3-270m-Q4_K_M.gguf")
    jan = home / ".local" / "share" / "Jan" / "data" / "llamacpp" / "models" / "HuggingFaceTB" / "SmolLM2-135M"
    link(smol, jan / "model.gguf")
    (jan / "model.yml").write_text("model_path: llamacpp/models/HuggingFaceTB/SmolLM2-135M/model.gguf\nname: SmolLM2 (Jan)\n")
    gpt4all = home / ".local" / "share" / "nomic.ai" / "GPT4All"
    link(gemma, gpt4all / "gemma-3-270m.gguf")
    (gpt4all / "incomplete-other.gguf").write_bytes(b"GGUF")
    return {"lmstudio": lms, "ollama": ollama, "hf": repo, "gpt4all": gpt4all, "jan": jan}


def with_metadata(source: Path, target: Path, extra: dict[str, float]) -> Path:
    """A copy of a real GGUF with float metadata added (general.sampling.*): llama.cpp still loads it.

    The new keys go right after the header's counts; the bytes added are padded to the tensor-data alignment
    (32) with a string key, so every tensor offset stays valid.
    """
    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text.encode())) + text.encode()

    added = b"".join(string(key) + struct.pack("<If", 6, value) for key, value in extra.items())
    pad_key = string("inkling.test.padding") + struct.pack("<I", 8)
    filler = -(len(added) + len(pad_key) + 8) % 32
    added += pad_key + string("x" * filler)
    data = source.read_bytes()
    version, tensors, count = struct.unpack_from("<IQQ", data, 4)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data[:4] + struct.pack("<IQQ", version, tensors, count + len(extra) + 1) + added + data[24:])
    return target
