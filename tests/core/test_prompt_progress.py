"""A long prompt is read in batches with progress (LlamaEngine.prompt_progress), stoppable, with the same tokens."""

import threading

import pytest

from desktop.core.engine import Finished, TokenEvent
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig
from desktop.core.probability.sampling import SamplerSettings

pytestmark = pytest.mark.slow

GREEDY = SamplerSettings(temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=1, max_tokens=6)


@pytest.fixture(scope="module")
def smollm2(smollm2_path):
    """Batches of 64 tokens: a prompt of a few hundred is "long" and the tests stay quick."""
    engine = LlamaEngine(smollm2_path, EngineConfig(n_ctx=512, n_batch=64))
    yield engine
    engine.close()


def long_prompt(engine) -> list[int]:
    text = " ".join(f"Line {n}: the otter swims past the old mill and dives." for n in range(16))
    tokens = engine.tokenize(engine.render([{"role": "user", "content": text + "\nWhat does the otter do?"}]))
    assert engine._llm.n_batch * 2 < len(tokens) < engine.info.n_ctx - 50
    return tokens


def drawn(engine, tokens, cancel=None) -> tuple[list[int], Finished]:
    events = list(engine.stream(tokens, GREEDY, top_logprobs=3, cancel=cancel))
    return [e.token_id for e in events if isinstance(e, TokenEvent)], events[-1]


def test_a_long_prompt_reports_its_reading_and_draws_the_same_tokens(smollm2):
    tokens = long_prompt(smollm2)
    smollm2.clear_cache()
    plain, _ = drawn(smollm2, tokens)
    seen = []
    smollm2.prompt_progress = lambda done, total: seen.append((done, total))
    try:
        smollm2.clear_cache()
        reported, finished = drawn(smollm2, tokens)
    finally:
        smollm2.prompt_progress = None
    assert reported == plain  # batches as generate() makes them: the same logits
    assert seen[0] == (0, len(tokens)) and seen[-1] == (len(tokens), len(tokens))
    assert len(seen) >= 3 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert finished.finish_reason != "cancelled"


def test_only_the_part_the_cache_lacks_is_read(smollm2):
    tokens = long_prompt(smollm2)
    smollm2.clear_cache()
    drawn(smollm2, tokens[:100])
    seen = []
    smollm2.prompt_progress = lambda done, total: seen.append(done)
    try:
        drawn(smollm2, tokens)
    finally:
        smollm2.prompt_progress = None
    assert seen[0] >= 100 and seen[-1] == len(tokens)  # what the cache holds is counted as read, not read again


def test_stop_while_reading_ends_the_reply_with_no_token(smollm2):
    tokens = long_prompt(smollm2)
    smollm2.clear_cache()
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 0:
            cancel.set()  # Stop pressed after the first batch

    smollm2.prompt_progress = progress
    try:
        ids, finished = drawn(smollm2, tokens, cancel)
    finally:
        smollm2.prompt_progress = None
        smollm2.clear_cache()
    assert ids == [] and finished.finish_reason == "cancelled"
    assert seen[-1] < len(tokens)
