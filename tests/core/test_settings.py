"""Saved app settings: the Sampling panel's values across versions."""

from sqlite_utils import Database

from desktop.core.probability.sampling import SamplerSettings
from desktop.core.settings import SAMPLER_KEY, load_sampler_settings, save_sampler_settings
from desktop.core.store import Store


def make_store() -> Store:
    return Store(Database(memory=True))


def test_old_default_repeat_penalty_saved_by_an_older_version_becomes_the_new_default():
    store = make_store()
    old = {**SamplerSettings(temperature=0.3).to_dict(), "repeat_penalty": 1.1}
    store.set_setting(SAMPLER_KEY, old)  # what the panel saved before the default became 1.0

    loaded = load_sampler_settings(store)

    assert loaded.repeat_penalty == 1.0
    assert loaded.temperature == 0.3


def test_a_repeat_penalty_chosen_since_is_kept():
    store = make_store()
    save_sampler_settings(store, SamplerSettings(repeat_penalty=1.1))
    assert load_sampler_settings(store).repeat_penalty == 1.1


def test_other_old_penalties_were_choices_and_are_kept():
    store = make_store()
    store.set_setting(SAMPLER_KEY, {**SamplerSettings().to_dict(), "repeat_penalty": 1.3})
    assert load_sampler_settings(store).repeat_penalty == 1.3
