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
