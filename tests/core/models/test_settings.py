"""Per-model settings: the one threads rule, the GGUF's recommended samplers as defaults, remembered edits."""

from dataclasses import replace

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, default_threads
from desktop.core.models.facts import read_facts
from desktop.core.models.settings import (
    FOLLOW_MENU, ModelSettings, load_model_settings, model_engine_config, model_samplers, save_model_settings, settings_key,
)
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.settings import save_threads
from desktop.core.store import open_store
from tests.core.models.homes import with_metadata

RECOMMENDED = {"general.sampling.temp": 0.6, "general.sampling.top_p": 0.95, "general.sampling.top_k": 20,
               "general.sampling.penalty_repeat": 7.5}  # out of Inkling's range: left out, not clamped


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "inkling.db")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def recommending(smollm2_path, tmp_path_factory):
    return with_metadata(smollm2_path, tmp_path_factory.mktemp("sampling") / "smol-recommends.gguf", RECOMMENDED)


def test_a_model_follows_the_cpu_threads_menu_unless_it_has_its_own_number(store, smollm2_path):
    assert ModelSettings().n_threads == FOLLOW_MENU
    assert model_engine_config(store, smollm2_path).n_threads == default_threads()
    save_threads(store, 3)
    assert model_engine_config(store, smollm2_path).n_threads == 3  # the menu
    assert model_engine_config(store, smollm2_path, EngineConfig(n_threads=1)).n_threads == 3  # nothing saved: the menu too
    save_model_settings(store, smollm2_path, replace(load_model_settings(store, smollm2_path), n_ctx=1024))
    assert model_engine_config(store, smollm2_path).n_threads == 3  # settings saved, threads left to the menu
    save_model_settings(store, smollm2_path, replace(load_model_settings(store, smollm2_path), n_threads=5))
    assert model_engine_config(store, smollm2_path).n_threads == 5  # its own number wins
    save_threads(store, None)
    assert model_engine_config(store, smollm2_path).n_threads == 5


def test_settings_saved_before_the_rule_leave_threads_to_the_menu(store, smollm2_path):
    """The first library saved n_threads whether the user chose it or not: that number is not a choice."""
    store.set_setting(settings_key(smollm2_path), {"n_ctx": 1024, "n_threads": 1, "kv_type": "q8_0"})
    save_threads(store, 2)
    settings = load_model_settings(store, smollm2_path)
    assert (settings.n_ctx, settings.kv_type, settings.n_threads) == (1024, "q8_0", FOLLOW_MENU)
    assert model_engine_config(store, smollm2_path).n_threads == 2


def test_the_files_recommended_samplers_are_the_models_defaults(store, recommending, smollm2_path):
    facts = read_facts(recommending)
    assert facts.sampling == pytest.approx({"temperature": 0.6, "top_p": 0.95, "top_k": 20, "repeat_penalty": 7.5})
    defaults = load_model_settings(store, recommending, facts).sampling
    assert defaults == {"temperature": 0.6, "top_p": 0.95, "top_k": 20}  # 7.5 is out of range: Inkling's stays
    base = SamplerSettings(temperature=1.1, min_p=0.1, seed=7, max_tokens=33)
    applied = model_samplers(store, recommending, base)
    assert (applied.temperature, applied.top_p, applied.top_k, applied.min_p, applied.seed, applied.max_tokens) == (
        0.6, 0.95, 20, 0.1, 7, 33)  # the model's values over the user's; seed and length stay the user's
    assert model_samplers(store, smollm2_path, base) == base  # a file that recommends none changes nothing
    edited = replace(load_model_settings(store, recommending, facts), sampling={"temperature": 0.3, "top_p": 0.95, "top_k": 20})
    save_model_settings(store, recommending, edited, facts)
    assert model_samplers(store, recommending, base).temperature == 0.3  # overridden, remembered
    with pytest.raises(ValueError, match="temperature"):
        replace(edited, sampling={"temperature": 9.0}).validated(facts)


def test_the_copy_with_sampling_keys_still_loads_in_llama_cpp(recommending):
    engine = LlamaEngine(recommending, EngineConfig(n_ctx=256))
    try:
        assert engine.info.n_vocab == 49152 and engine._llm.metadata["general.sampling.temp"].startswith("0.6")
    finally:
        engine.close()
