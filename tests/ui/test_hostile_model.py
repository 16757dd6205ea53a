"""A model whose chat template loops for hours: the window says why it cannot open it instead of "Loading…" forever."""

import pytest

from desktop.core.engine.llama_engine import LlamaEngine
from tests.reliability.hostile_gguf import with_metadata
from tests.reliability.test_hostile_templates import NESTED_LOOPS

pytestmark = pytest.mark.slow


def test_opening_a_model_with_a_hostile_template_ends_in_words(make_window, smollm2_path, tmp_path, qtbot):
    hostile = with_metadata(smollm2_path, tmp_path / "loops.gguf", {"tokenizer.chat_template": NESTED_LOOPS})
    window = make_window(LlamaEngine, hostile)  # waits until the model loaded or an error was shown
    [(title, text)] = window.errors
    assert title == "Cannot open model"
    assert "chat template was stopped and is refused: it ran for more than 1 s" in text
    assert text.endswith("Opening SmolLM2-135M-Instruct (Q4_1) instead.")  # the worker is free again: a sound model opens
    qtbot.waitUntil(lambda: window.models.info is not None, timeout=120000)
    assert window.models.info.path.resolve() == smollm2_path.resolve() and len(window.errors) == 1
