"""App settings kept in the store: the Sampling panel's values and engine options."""

from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store

SAMPLER_KEY = "sampler"


def load_sampler_settings(store: Store) -> SamplerSettings:
    """The last values the user chose; anything unreadable falls back to the defaults."""
    try:
        return SamplerSettings.from_dict(store.get_setting(SAMPLER_KEY)).validated()
    except (TypeError, ValueError):
        return SamplerSettings()


def save_sampler_settings(store: Store, settings: SamplerSettings) -> None:
    store.set_setting(SAMPLER_KEY, settings.validated().to_dict())


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
