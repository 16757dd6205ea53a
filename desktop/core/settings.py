"""App settings kept in the store: the Sampling panel's values and engine options."""

from dataclasses import replace

from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store

SAMPLER_KEY = "sampler"
# Format 2: saved since the default repeat penalty became 1.0. The panel saves every field whenever one
# changes, so a format-1 value of 1.1 is the old default carried along, not a choice.
SAMPLER_FORMAT_KEY = "sampler_format"
SAMPLER_FORMAT = 2
OLD_DEFAULT_REPEAT_PENALTY = 1.1


def load_sampler_settings(store: Store) -> SamplerSettings:
    """The last values the user chose; anything unreadable falls back to the defaults."""
    try:
        settings = SamplerSettings.from_dict(store.get_setting(SAMPLER_KEY)).validated()
    except (TypeError, ValueError):
        return SamplerSettings()
    if store.get_setting(SAMPLER_FORMAT_KEY) != SAMPLER_FORMAT and settings.repeat_penalty == OLD_DEFAULT_REPEAT_PENALTY:
        return replace(settings, repeat_penalty=SamplerSettings().repeat_penalty)
    return settings


def save_sampler_settings(store: Store, settings: SamplerSettings) -> None:
    store.set_setting(SAMPLER_KEY, settings.validated().to_dict())
    store.set_setting(SAMPLER_FORMAT_KEY, SAMPLER_FORMAT)


THREADS_KEY = "n_threads"
MAX_THREADS = 256


def load_threads(store: Store) -> int | None:
    """The CPU threads the user chose for llama.cpp; None: automatic (default_threads())."""
    value = store.get_setting(THREADS_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_THREADS else None


def save_threads(store: Store, threads: int | None) -> None:
    if threads is not None and not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be between 1 and {MAX_THREADS}")
    store.set_setting(THREADS_KEY, threads)
