"""Per-model settings, remembered in the settings table: context, GPU layers, threads, batch, flash attention, KV type, samplers, system prompt."""

import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from desktop.core.engine.types import DEFAULT_CONTEXT, EngineConfig, ModelLoadError, default_threads
from desktop.core.models.facts import ModelFacts, read_facts
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.settings import load_threads
from desktop.core.store import Store
from desktop.core.words import joined, translate

KEY_PREFIX = "model_settings:"
FOLDERS_KEY = "model_library_folders"
OPENED_KEY = "model_library_opened"
MAX_OPENED = 20
KV_TYPES = ("f16", "q8_0")
ALL_LAYERS = -1
# What flash attention on does to the probabilities, measured by tests/bench/bench_fidelity.py: chosen-token
# |Δ logprob| (mean, max) against llama.cpp's logits_all reference with it off, 4 prompts x 64 greedy tokens.
# Other architectures: the larger figures.
FLASH_ATTENTION_DRIFT = {"llama": (0.035, 0.23), "gemma3": (0.044, 0.72)}
KV_Q8_DRIFT = {"llama": (0.034, 0.22), "gemma3": (0.047, 0.78)}  # a q8_0 KV cache, flash attention off (K quantized)
CPU_BUILD = translate("core", "CPU build: see README to build with CUDA or Vulkan")
# The one threads rule: a model follows Model → CPU threads unless its library settings give it a number of its own.
FOLLOW_MENU = 0
SAMPLER_FIELDS = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty")  # what a model may bring; seed and length are the user's
SETTINGS_FORMAT = 2  # 1 (no "format" key) saved n_threads always, chosen or not: it is read as following the menu
# changing these rebuilds llama.cpp's context: the model is reloaded
RELOAD_FIELDS = ("n_ctx", "n_gpu_layers", "n_threads", "n_batch", "flash_attention", "kv_type")


@dataclass(frozen=True)
class ModelSettings:
    n_ctx: int = DEFAULT_CONTEXT
    n_gpu_layers: int = 0  # ALL_LAYERS: every layer (in a GPU build)
    n_threads: int = FOLLOW_MENU
    n_batch: int = 512
    flash_attention: bool = False
    kv_type: str = "f16"
    sampling: dict = field(default_factory=dict)  # SamplerSettings fields this model starts a conversation with
    system_prompt: str | None = None  # None: the app's default

    def engine_config(self, menu_threads: int | None = None) -> EngineConfig:
        """`menu_threads`: Model → CPU threads (None: automatic), used unless this model has its own number."""
        return EngineConfig(
            n_ctx=self.n_ctx, n_threads=self.n_threads or menu_threads or default_threads(), n_gpu_layers=self.n_gpu_layers, n_batch=self.n_batch,
            flash_attention=self.flash_attention, kv_type=self.kv_type,
        )

    def needs_reload(self, other: "ModelSettings") -> bool:
        return any(getattr(self, name) != getattr(other, name) for name in RELOAD_FIELDS)

    def validated(self, facts: ModelFacts | None = None) -> "ModelSettings":
        problems = []
        limit = facts.context_length if facts and facts.context_length else None
        if self.n_ctx < 64 or (limit and self.n_ctx > limit):
            problems.append(translate("core", "context must be between 64 and {limit} tokens").format(limit=limit) if limit
                            else translate("core", "context must be between 64 and the training context tokens"))
        if self.n_gpu_layers < ALL_LAYERS:
            problems.append(translate("core", "GPU layers must be 0 or more (or all)"))
        if not FOLLOW_MENU <= self.n_threads <= 512:
            problems.append(translate("core", "threads must be between 1 and 512 (or follow Model → CPU threads)"))
        if not 1 <= self.n_batch <= 8192:
            problems.append(translate("core", "batch size must be between 1 and 8192"))
        if self.kv_type not in KV_TYPES:
            problems.append(translate("core", "KV cache type must be one of {types}").format(types=", ".join(KV_TYPES)))
        try:
            if set(self.sampling) - set(SAMPLER_FIELDS):
                raise ValueError(translate("core", "samplers must be among {names}").format(names=", ".join(SAMPLER_FIELDS)))
            SamplerSettings(**self.sampling).validated()
        except TypeError as error:
            problems.append(str(error))
        except ValueError as error:
            problems.append(error.args[0])  # the core's words (SamplerSettings.validated): translated when shown
        if problems:
            raise ValueError(joined("; ", problems))
        return self


def settings_key(path: Path) -> str:
    """Settings follow the file's bytes wherever it was opened from (links and hub snapshots resolved)."""
    return KEY_PREFIX + os.path.realpath(path)


def defaults_for(facts: ModelFacts | None) -> ModelSettings:
    """The training context up to Inkling's default, and the GGUF's own recommended samplers (general.sampling.*)."""
    if facts is None:
        return ModelSettings()
    n_ctx = min(DEFAULT_CONTEXT, facts.context_length or DEFAULT_CONTEXT)
    recommended = {}
    for name in SAMPLER_FIELDS:  # a value out of Inkling's range is left out, not clamped
        value = facts.sampling.get(name)
        if value is None:
            continue
        try:
            SamplerSettings(**{name: value}).validated()
        except (TypeError, ValueError):
            continue
        recommended[name] = int(value) if name == "top_k" else round(float(value), 2)
    return ModelSettings(n_ctx=n_ctx, sampling=recommended)


def load_model_settings(store: Store, path: Path, facts: ModelFacts | None = None) -> ModelSettings:
    """What the user chose for this model, else its defaults; unreadable values fall back field by field."""
    base = defaults_for(facts)
    saved = store.get_setting(settings_key(path))
    if not isinstance(saved, dict):
        return base
    if saved.get("format") != SETTINGS_FORMAT:
        saved = {name: value for name, value in saved.items() if name != "n_threads"}
    known = {f.name for f in fields(ModelSettings)}
    chosen = base
    for name, value in saved.items():
        if name not in known:
            continue
        try:
            chosen = replace(chosen, **{name: value}).validated(facts)
        except (TypeError, ValueError):
            continue
    return chosen


def save_model_settings(store: Store, path: Path, settings: ModelSettings, facts: ModelFacts | None = None) -> None:
    store.set_setting(settings_key(path), {**asdict(settings.validated(facts)), "format": SETTINGS_FORMAT})


def settings_for_file(store: Store, path: Path) -> ModelSettings:
    """load_model_settings with the file's own facts (read from its header) when it can be read."""
    try:
        facts = read_facts(Path(path))
    except ModelLoadError:
        facts = None  # the engine says why when it loads the file
    return load_model_settings(store, Path(path), facts)


def model_engine_config(store: Store, path: Path, fallback: EngineConfig | None = None) -> EngineConfig:
    """The settings saved for this model file; with none saved, `fallback` if given, else the model's defaults.

    Threads: the model's own number, else Model → CPU threads (the one rule, also for `fallback`).
    """
    menu = load_threads(store)
    if fallback is not None and not isinstance(store.get_setting(settings_key(path)), dict):
        return replace(fallback, n_threads=menu or default_threads())
    return settings_for_file(store, path).engine_config(menu)


def model_samplers(store: Store, path: Path, base: SamplerSettings) -> SamplerSettings:
    """`base` with the sampler values this model brings (its file's general.sampling.*, or the user's edits of them)."""
    return replace(base, **settings_for_file(store, path).sampling)


def flash_attention_label(facts: ModelFacts | None) -> str:
    return translate("core", "faster decoding; {drift}").format(drift=_drift(FLASH_ATTENTION_DRIFT, facts))


def kv_type_label(facts: ModelFacts | None) -> str:
    return translate("core", "q8_0: about half the KV cache's memory; {drift}").format(drift=_drift(KV_Q8_DRIFT, facts))


def _drift(measured: dict, facts: ModelFacts | None) -> str:
    mean, most = measured.get(facts.architecture if facts else None, max(measured.values()))
    return translate("core", "probabilities approximate, typically ±{mean} nats on this model (up to {most})").format(
        mean=f"{mean:g}", most=f"{most:g}")


def library_folders(store: Store) -> list[Path]:
    return [Path(p) for p in store.get_setting(FOLDERS_KEY, []) if isinstance(p, str)]


def add_library_folder(store: Store, folder: Path) -> None:
    folders = [str(p) for p in library_folders(store)]
    if str(folder) not in folders:
        store.set_setting(FOLDERS_KEY, folders + [str(folder)])


def opened_models(store: Store) -> list[Path]:
    return [Path(p) for p in store.get_setting(OPENED_KEY, []) if isinstance(p, str)]


def remember_opened(store: Store, path: Path) -> None:
    """Newest first, at most MAX_OPENED; the library lists them under "Opened before"."""
    paths = [str(path)] + [str(p) for p in opened_models(store) if str(p) != str(path)]
    store.set_setting(OPENED_KEY, paths[:MAX_OPENED])
