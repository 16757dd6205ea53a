"""`inkling models` and `inkling ask --model NAME` end to end: a real process over a fake home with other apps' models."""

import json

from desktop.core.models.settings import ModelSettings, save_model_settings
from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.core.models.homes import HEX_GEMMA, link, ollama_manifest, with_metadata
from tests.e2e.runner import inkling


def test_models_json_lists_every_model_with_facts_places_fit_and_the_gpu_note(tmp_path, inkling_home, gemma_path):
    home = tmp_path / "home"
    ollama = home / ".ollama" / "models"
    link(gemma_path, ollama / "blobs" / f"sha256-{HEX_GEMMA}")
    ollama_manifest(ollama, "gemma3", "270m", [("application/vnd.ollama.image.model", HEX_GEMMA)])
    done = inkling("models", "--json", "--memory-limit", "0.25", home=inkling_home, HOME=str(home))
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert listing["gpu"] == "CPU build: see README to build with CUDA or Vulkan"
    gemma = next(m for m in listing["models"] if m["key"] == f"sha256:{HEX_GEMMA}")
    assert [(p["source"], p["label"]) for p in gemma["places"]][1] == ("Ollama", "gemma3:270m")
    assert gemma["mode"] == "completion" and gemma["facts"]["file_type"] == "Q4_K_M"
    assert gemma["fit"]["verdict"] == "won't fit"  # 241 MiB of weights and 512 MiB of buffers in 256 MiB
    text = inkling("models", home=inkling_home, HOME=str(home))
    assert text.returncode == 0 and "Ollama: gemma3:270m" in text.stdout and "won't fit" not in text.stdout


def test_ask_model_resolves_a_library_name_and_uses_its_settings(tmp_path, inkling_home, gemma_path):
    home = tmp_path / "home"
    link(gemma_path, home / ".cache" / "lm-studio" / "models" / "google" / "gemma-3-270m-GGUF" / "gemma-3-270m-Q4_K_M.gguf")
    store = open_store(database_path())
    save_model_settings(store, gemma_path, ModelSettings(n_ctx=256))
    store.close()
    done = inkling("ask", "--json", "The capital of France is", "--model", "gemma-3-270m-Q4_K_M", "--max-tokens", "4",
                   home=inkling_home, HOME=str(home))
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["stats"]["n_ctx"] == 256  # the remembered context, through the same bytes under another name
    unknown = inkling("ask", "hi", "--model", "no-such-model", home=inkling_home, HOME=str(home))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "inkling: error: no model file or library model named 'no-such-model' (`inkling models` lists them)"
    )


def test_ask_starts_from_the_models_recommended_samplers_and_the_flags_win(tmp_path, inkling_home, smollm2_path):
    recommending = with_metadata(smollm2_path, tmp_path / "recommends.gguf", {"general.sampling.temp": 0.6})
    plain = inkling("ask", "--json", "hi", "--model", str(recommending), "--max-tokens", "2", "--seed", "1")
    flagged = inkling("ask", "--json", "hi", "--model", str(recommending), "--max-tokens", "2", "--temperature", "0")
    assert plain.returncode == 0 and flagged.returncode == 0, plain.stderr + flagged.stderr
    store = open_store(database_path())
    try:
        used = [store.get_message(json.loads(done.stdout)["message_id"]).sampler for done in (plain, flagged)]
    finally:
        store.close()
    assert used[0]["temperature"] == 0.6 and used[0]["seed"] == 1  # the file's recommendation; the user's seed
    assert used[1]["temperature"] == 0.0
