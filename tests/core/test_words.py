"""Core messages: English text for the CLI that keeps its template and fields for the window's translation."""

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig, ModelLoadError
from desktop.core.errors import InklingError
from desktop.core.words import Words, joined, translate


def test_a_message_is_its_english_text_and_remembers_how_it_was_made():
    words = translate("core", "Cannot read {name}: {error}").format(name="a.json", error="gone")
    assert words == "Cannot read a.json: gone" and isinstance(words, str)
    assert (words.context, words.template, words.fields) == ("core", "Cannot read {name}: {error}",
                                                             {"name": "a.json", "error": "gone"})
    assert str(InklingError(words)) == "Cannot read a.json: gone"  # what the CLI prints


def test_joined_parts_stay_separately_translatable():
    line = joined(" · ", ["T 0.7", translate("core", "notes off")])
    assert line == "T 0.7 · notes off" and line.template == "{part0} · {part1}" and line.context == ""
    assert isinstance(line.fields["part1"], Words)


def test_a_real_error_of_the_core_carries_its_template(tmp_path):
    with pytest.raises(ModelLoadError) as raised:
        LlamaEngine(tmp_path / "missing.gguf", EngineConfig())
    message = raised.value.args[0]
    assert isinstance(message, Words) and message.template == "Model file not found: {path}"
    assert str(raised.value) == f"Model file not found: {tmp_path / 'missing.gguf'}"
