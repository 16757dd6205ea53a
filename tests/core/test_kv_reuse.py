"""KV-cache prefix reuse: a follow-up evaluates only its new tokens and draws what a fresh evaluation draws."""

import numpy as np
import pytest

from desktop.core.engine.types import Finished, TokenEvent
from desktop.core.prompt.build import ChatMessage, build_prompt
from desktop.core.probability.sampling import SamplerSettings

GREEDY = SamplerSettings(temperature=0.0, max_tokens=12, seed=1)


def reply(engine, tokens: list[int]):
    events = list(engine.stream(tokens, GREEDY, top_logprobs=5))
    drawn = [e for e in events if isinstance(e, TokenEvent)]
    assert isinstance(events[-1], Finished)
    return [e.token_id for e in drawn], np.array([e.record.logprob for e in drawn]), "".join(e.delta for e in drawn)


def common_prefix(a, b) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


@pytest.mark.parametrize("name", ["smollm2", "gemma"])
def test_follow_up_reuses_the_prefix_and_matches_a_fresh_evaluation(request, name):
    engine = request.getfixturevalue(name)
    history = [ChatMessage("user", "Write a short note about the moon and its phases.")]
    previous_prompt_length = 0
    for turn in range(2):
        built = build_prompt(engine, "You are a helpful assistant.", history, 700)
        cached = list(engine._llm._input_ids[: engine._llm.n_tokens])
        reused = common_prefix(cached, built.tokens)
        ids, logprobs, text = reply(engine, built.tokens)
        if turn:
            # everything up to the previous reply was already in the cache: only the new turn is evaluated
            assert reused >= previous_prompt_length
        engine.clear_cache()
        fresh_ids, fresh_logprobs, _ = reply(engine, built.tokens)
        assert ids == fresh_ids
        # Not bit-identical: llama.cpp's CPU matrix kernels round differently for a batch of one token
        # (how the cached reply was evaluated) than for a batch of many (a fresh prompt), by up to ~0.5
        # in a logit. A stale or misaligned cache would be far off, and would change the tokens.
        np.testing.assert_allclose(logprobs, fresh_logprobs, atol=0.5)
        previous_prompt_length = len(built.tokens)
        history += [ChatMessage("assistant", text or "…"), ChatMessage("user", f"And tell me one more thing ({turn}).")]
