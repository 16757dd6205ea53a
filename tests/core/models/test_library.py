"""The model library on fake homes with the real layouts: what it finds, what it skips and why, what it never touches."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from desktop.core.models.library import ModelLibrary
from tests.core.models.homes import HEX_GEMMA, HEX_SMOL, build_home, link, write_gguf

ROOT = Path(__file__).resolve().parents[3]


def snapshot(folder: Path) -> dict:
    """Every path under a folder with its link target or size and mtime: a scan must change none of it."""
    state = {}
    for path in sorted(folder.rglob("*")):
        info = os.lstat(path)
        state[str(path)] = os.readlink(path) if path.is_symlink() else (info.st_size, info.st_mtime_ns, info.st_mode)
    return state


@pytest.fixture
def fake_home(tmp_path, smollm2_path, gemma_path):
    home = tmp_path / "home"
    outside = write_gguf(tmp_path / "elsewhere" / "outside.gguf", {"general.architecture": "llama", "general.name": "Outside"})
    expected = build_home(home, smollm2_path, gemma_path, outside)
    return home, expected


def test_the_scan_finds_each_model_once_with_every_place_and_skips_the_traps(fake_home):
    home, where = fake_home
    before = snapshot(home)
    scan = ModelLibrary(home, env={}).scan()
    assert snapshot(home) == before  # nothing written, moved, renamed or linked
    by_key = {m.key: m for m in scan.models}
    assert set(by_key) == {f"sha256:{HEX_SMOL}", f"sha256:{HEX_GEMMA}", str(
        (where["lmstudio"] / "models/bartowski/Big-GGUF/Big-Q4_K_M-00001-of-00003.gguf").resolve()
    )}
    smol = by_key[f"sha256:{HEX_SMOL}"]
    assert [p.source for p in smol.places] == ["Bundled", "LM Studio", "Hugging Face", "Jan"]
    assert {p.label for p in smol.places} >= {"lmstudio-community/SmolLM2-GGUF", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "SmolLM2 (Jan)"}
    gemma = by_key[f"sha256:{HEX_GEMMA}"]
    assert [p.source for p in gemma.places] == ["Bundled", "Ollama", "llama.cpp", "GPT4All"]
    assert "gemma3:270m" in {p.label for p in gemma.places}
    assert not any("old999" in str(p.path) for m in scan.models for p in m.places)  # refs/main names the snapshot
    big = next(m for m in scan.models if m.name == "Big-Q4_K_M")
    assert big.parts == 3 and big.path.name.endswith("00001-of-00003.gguf")
    assert [p.path.name for p in scan.projectors] == ["mmproj-SmolLM2-f16.gguf"]
    assert smol.projectors == [scan.projectors[0].path]
    reasons = {path.name: reason for path, reason in ((s.path, s.reason) for s in scan.skipped)}
    assert reasons["gone.gguf"] == "broken link"
    assert reasons["escape.gguf"].startswith("link leads outside")
    assert "Ollama's own format" in next(r for p, r in reasons.items() if p.startswith("sha256-"))
    listed = {str(p.path) for m in scan.models + scan.projectors for p in m.places}
    assert not any("incomplete" in path or "Outside" in path for path in listed)


def test_an_incomplete_split_model_is_skipped_with_the_missing_part(fake_home):
    home, where = fake_home
    (where["lmstudio"] / "models/bartowski/Big-GGUF/Big-Q4_K_M-00002-of-00003.gguf").unlink()
    scan = ModelLibrary(home, env={}).scan()
    assert not any(m.name == "Big-Q4_K_M" for m in scan.models)
    assert "part 2 of 3 is missing" in {s.reason.split(": ", 1)[1] for s in scan.skipped if s.path.name.startswith("Big")}


def test_environment_variables_choose_the_caches(tmp_path, smollm2_path):
    home = tmp_path / "home"
    home.mkdir()
    ollama = tmp_path / "ollama-models"
    link(smollm2_path, ollama / "blobs" / f"sha256-{HEX_SMOL}")
    from tests.core.models.homes import ollama_manifest

    ollama_manifest(ollama, "smollm2", "135m", [("application/vnd.ollama.image.model", HEX_SMOL)])
    hub = tmp_path / "hf-home" / "hub" / "models--a--b"
    link(smollm2_path, hub / "snapshots" / "c1" / "sub" / "b.gguf")  # a regular file, in a subfolder
    (hub / "refs").mkdir(parents=True)
    (hub / "refs" / "main").write_text("c1\n")
    cache = tmp_path / "llama-cache"
    link(smollm2_path, cache / "own.gguf")
    env = {"OLLAMA_MODELS": str(ollama), "HF_HOME": str(tmp_path / "hf-home"), "LLAMA_CACHE": str(cache)}
    scan = ModelLibrary(home, env).scan(include_bundled=False)
    assert len(scan.models) == 1
    assert {(p.source, p.label) for p in scan.models[0].places} == {
        ("Ollama", "smollm2:135m"), ("Hugging Face", "a/b"), ("llama.cpp", "own"),
    }


def test_added_folders_and_files_opened_before_are_listed(tmp_path, smollm2_path):
    folder = tmp_path / "mine"
    link(smollm2_path, folder / "deep" / "x.gguf")
    opened = tmp_path / "copy.gguf"
    shutil.copyfile(smollm2_path, opened)
    scan = ModelLibrary(tmp_path / "empty-home", env={}).scan([folder], [opened], include_bundled=False)
    assert [(m.places[0].source, m.name) for m in scan.models] == [("Opened before", "copy"), ("Added folder", "x")]
    missing = ModelLibrary(tmp_path / "empty-home", env={}).scan([tmp_path / "nope"], include_bundled=False)
    assert [(s.path.name, s.reason) for s in missing.skipped] == [("nope", "folder not found")]


def test_facts_of_the_bundled_models_match_their_known_values(smollm2_path, gemma_path):
    scan = ModelLibrary(Path("/nonexistent-home"), env={}).scan()
    smol, gemma = (next(m for m in scan.models if m.path == path) for path in (smollm2_path, gemma_path))
    assert smol.facts.to_json() | {"sampling": {}} == {
        "architecture": "llama", "name": "Smollm2 135M 8k Lc100K Mix1 Ep2", "kind": "chat", "parameters": 134515008,
        "file_type": "Q4_1", "context_length": 8192, "vocabulary": 49152, "license": "apache-2.0", "base_model": None,
        "layers": 30, "kv_heads": [3] * 30, "heads": 9, "key_length": 64, "value_length": 64, "sampling": {},
        "chat_template": True, "block_bytes": 66493440, "output_bytes": 30081024,
    }
    assert smol.facts.parameter_label == "135M" and smol.size == os.path.getsize(smollm2_path)
    assert (gemma.facts.architecture, gemma.facts.kind, gemma.facts.file_type) == ("gemma3", "completion", "Q4_K_M")
    assert (gemma.facts.vocabulary, gemma.facts.context_length, gemma.facts.layers) == (262144, 32768, 18)
    assert (gemma.facts.kv_heads[0], gemma.facts.key_length, gemma.facts.value_length) == (1, 256, 256)
    assert gemma.facts.parameter_label == "268M" and gemma.facts.license == "gemma"


def test_a_rescan_reads_no_header_again_unless_the_file_changed(fake_home, monkeypatch):
    home, where = fake_home
    library = ModelLibrary(home, env={})
    first = library.scan()
    import desktop.core.models.library as module

    reads = []
    real = module.read_header
    monkeypatch.setattr(module, "read_header", lambda path, **kw: reads.append(path) or real(path, **kw))
    again = library.scan()
    assert reads == [] and [m.key for m in again.models] == [m.key for m in first.models]
    changed = where["lmstudio"] / "models/bartowski/Big-GGUF/Big-Q4_K_M-00003-of-00003.gguf"
    write_gguf(changed, {"general.architecture": "llama", "general.name": "Big", "split.no": 2, "llama.block_count": 3})
    library.scan()
    assert reads == [changed.resolve()]


def test_find_resolves_names_labels_and_keys(fake_home):
    home, _ = fake_home
    scan = ModelLibrary(home, env={}).scan()
    assert [m.key for m in scan.find("gemma3:270m")] == [f"sha256:{HEX_GEMMA}"]
    assert [m.key for m in scan.find("SMOLLM2 (jan)")] == [f"sha256:{HEX_SMOL}"]
    assert [m.name for m in scan.find("big-q4")] == ["Big-Q4_K_M"]
    assert scan.find("no such model") == []


NOBODY_SCAN = """
import json, os, sys
sys.path.insert(0, sys.argv[2])
from desktop.core.models.library import ModelLibrary  # imported first: nobody may not read the interpreter's folders
os.setgid(65534); os.setuid(65534)
scan = ModelLibrary(sys.argv[1], env={}).scan(include_bundled=False)
print(json.dumps({"models": [m.name for m in scan.models], "skipped": [[str(s.path), s.reason] for s in scan.skipped]}))
"""


@pytest.mark.skipif(not hasattr(os, "setuid"), reason="needs POSIX users")
def test_a_folder_the_user_cannot_read_is_listed_with_the_reason(smollm2_path):
    """Run as `nobody` (root reads every folder; a regular user would just run the scan)."""
    if os.geteuid() != 0 and os.access("/", os.W_OK):
        pytest.skip("cannot drop to another user")
    base = Path(tempfile.mkdtemp(prefix="inkling-nobody-"))
    try:
        base.chmod(0o755)
        models = base / ".lmstudio" / "models"
        link(smollm2_path, models / "pub" / "ok" / "ok.gguf")
        link(smollm2_path, models / "pub" / "locked" / "hidden.gguf")
        (models / "pub" / "locked").chmod(0o700)
        for folder in (base / ".lmstudio", models, models / "pub", models / "pub" / "ok"):
            folder.chmod(0o755)
        if os.geteuid() == 0:
            command = [sys.executable, "-c", NOBODY_SCAN, str(base), str(ROOT)]
        else:
            command = [sys.executable, "-c", NOBODY_SCAN.replace("os.setgid(65534); os.setuid(65534)", ""), str(base), str(ROOT)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["models"] == ["ok"]
        assert result["skipped"] == [[str(models / "pub" / "locked"), "permission denied: the folder cannot be read"]]
    finally:
        shutil.rmtree(base)


def test_a_fifo_where_an_app_keeps_a_small_file_does_not_hang_the_scan(fake_home):
    """Jan's model.yml, the hub's refs/main, LM Studio's home pointer: reading a FIFO there would block forever."""
    home, where = fake_home
    for path in (where["jan"] / "model.yml", where["hf"] / "refs" / "main", home / ".lmstudio-home-pointer"):
        path.unlink()
        os.mkfifo(path)
    seen = []
    scan = ModelLibrary(home, env={}).scan(progress=seen.append)
    assert seen == ["LM Studio", "Ollama", "Hugging Face", "llama.cpp", "Jan", "GPT4All", "model headers"]
    jan = next(p for m in scan.models for p in m.places if p.source == "Jan")
    assert jan.label == "HuggingFaceTB/SmolLM2-135M"  # its folder names it when model.yml cannot be read
