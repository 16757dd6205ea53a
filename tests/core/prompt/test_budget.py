"""The budget split on the real SmolLM2: the next turn's template tokens are framing, the typed text is the message."""

import pytest

from desktop.core.prompt.budget import BudgetRequest, measure_budget

pytestmark = pytest.mark.slow


def test_an_empty_box_is_all_framing_and_typing_adds_only_the_typed_tokens(smollm2):
    empty = measure_budget(smollm2, 2048, BudgetRequest(1, "You are a helpful assistant.", (), "", 256))
    assert empty.message == 0 and empty.framing > 0  # "<|im_start|>user … <|im_start|>assistant" is not a message
    typed = "one two three four five"
    split = measure_budget(smollm2, 2048, BudgetRequest(2, "You are a helpful assistant.", (), typed, 256))
    assert split.message == len(smollm2.tokenize(typed)) == 5  # SmolLM2 adds no BOS; one token a word here
    assert split.framing == empty.framing and split.system == empty.system
    assert split.used == split.system + split.message + split.framing
