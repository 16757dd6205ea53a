"""`inkling --self-test` and `--version` from source: a real process, the real bundled models."""

import json

from desktop.core.models import bundled_models, models_dir
from desktop.core.models.settings import ModelSettings, save_model_settings
from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.e2e.runner import inkling


def test_self_test_checks_every_part_and_prints_one_json_line(inkling_home):
    done = inkling("--self-test")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["ok"] is True and report["packaged"] is False
    checks = report["checks"]
    assert set(checks) == {"llama_cpp", "model_files", "generate", "notes", "store"}
    assert all(check["ok"] for check in checks.values())
    assert checks["generate"]["tokens"] > 0 and 0.0 < checks["generate"]["first_token_prob"] <= 1.0
    assert checks["notes"]["found"] == "Lighthouse"
    assert set(report["timings_ms"]) == set(checks) | {"total"}
    assert not inkling_home.exists(), "the self-test must not write into the user's data folder"


def test_self_test_names_a_damaged_model_and_exits_non_zero(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "manifest.json").write_bytes((models_dir() / "manifest.json").read_bytes())
    for model in bundled_models():
        if model.role == "chat":
            (folder / model.path.name).write_bytes(b"GGUF" + bytes(1000))
        else:
            (folder / model.path.name).symlink_to(model.path)
    done = inkling("--self-test", INKLING_MODELS_DIR=str(folder))
    assert done.returncode == 1
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] is False
    assert "damaged" in report["checks"]["model_files"]["reason"]
    assert report["checks"]["generate"]["ok"] is False and report["checks"]["store"]["ok"] is True
    assert "self-test failed: model_files: bundled model file damaged" in done.stderr


def test_version_names_the_app_llama_cpp_and_each_bundled_model():
    done = inkling("--version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("inkling 0.")
    assert lines[1].startswith("llama.cpp ggml ") and "backends: CPU" in lines[1]
    for model in bundled_models():
        assert any(model.path.name in line and model.sha256[:12] in line for line in lines[2:])


def test_version_says_what_llama_cpp_has_and_actually_uses_with_the_remembered_settings(inkling_home, smollm2_path):
    store = open_store(database_path())
    save_model_settings(store, smollm2_path, ModelSettings(n_ctx=512, n_threads=1, kv_type="q8_0"))
    store.close()
    done = inkling("--version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("device CPU (CPU: ") for line in lines)  # ggml's backend registry
    assert "GPU offload: none — CPU build: see README to build with CUDA or Vulkan" in lines
    effect = next(line for line in lines if line.startswith("in effect for SmolLM2"))
    assert "with its remembered settings: 1 thread (prompt 1) · all 31 layers on the CPU" in effect
    assert "flash attention off · KV cache K q8_0, V f16, 8.6 MiB" in effect  # 512 cells, K at q8_0: llama.cpp's own report
