"""`inkling --self-test` and `--version` from source: a real process, the real bundled models."""

import json

from desktop.core.models import bundled_models, models_dir
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
