"""The llama.cpp engine on the real bundled models: determinism, probability capture, sampler mirror, cancel, UTF-8, load errors."""

import ctypes
import math
import threading

import llama_cpp
import numpy as np
import pytest

from desktop.core.engine import Finished, ModelLoadError, TokenEvent
from desktop.core.engine.capture import PENALTY_WINDOW, ProbabilityCapture
from desktop.core.engine.llama_engine import MAX_TOP_LOGPROBS, LlamaEngine
from desktop.core.engine.types import EngineConfig, EngineError
from desktop.core.probability.sampling import SamplerSettings

pytestmark = pytest.mark.slow

ENGINES = ["smollm2", "gemma"]
SYSTEM = "You are a helpful assistant."


# --- helpers ------------------------------------------------------------------------------------


def prompt_tokens(engine: LlamaEngine, text: str, system: str = SYSTEM) -> list[int]:
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]
    return engine.tokenize(engine.render(messages))


def run(engine: LlamaEngine, tokens: list[int], settings: SamplerSettings, k: int = 5, cancel=None):
    """Drain one stream; return (token events, finished) after checking the event protocol."""
    events = list(engine.stream(tokens, settings, top_logprobs=k, cancel=cancel))
    *token_events, finished = events
    assert isinstance(finished, Finished)
    assert all(isinstance(event, TokenEvent) for event in token_events)
    assert [event.index for event in token_events] == list(range(len(token_events)))
    assert finished.stats.completion_tokens == len(token_events)
    return token_events, finished


def log_softmax(row: np.ndarray) -> np.ndarray:
    row = row.astype(np.float64)
    return row - np.logaddexp.reduce(row)


@pytest.fixture
def logits_log(monkeypatch):
    """Record (a copy of the full logits, the chosen id) at every step the engine measures."""
    log: list[tuple[np.ndarray, int]] = []
    original = ProbabilityCapture.measure

    def measure(self, logits, chosen):
        log.append((logits.copy(), int(chosen)))
        return original(self, logits, chosen)

    monkeypatch.setattr(ProbabilityCapture, "measure", measure)
    return log


# --- determinism and greedy decoding ------------------------------------------------------------


@pytest.mark.parametrize("name", ENGINES)
def test_same_seed_and_settings_give_the_same_tokens(request, name):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "Tell me a short story about a cat.")
    settings = SamplerSettings(temperature=0.8, seed=1234, max_tokens=12)
    # From an empty cache each time: what earlier tests left in a shared engine's cache must not matter.
    # (Reuse of a cached prefix is checked at temperature 0 in test_kv_reuse.py.)
    engine._llm.reset()
    first, finished_first = run(engine, tokens, settings)
    engine._llm.reset()
    second, finished_second = run(engine, tokens, settings)
    assert [e.token_id for e in first] == [e.token_id for e in second]
    assert finished_first.stats.seed == finished_second.stats.seed == 1234
    for a, b in zip(first, second):
        assert b.record.logprob == pytest.approx(a.record.logprob, abs=1e-3)
        assert b.record.sampled_prob == pytest.approx(a.record.sampled_prob, abs=1e-3)


@pytest.mark.parametrize("name", ENGINES)
def test_temperature_zero_draws_the_argmax_every_step(request, name):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "Name three fruits.")
    # repeat_penalty 1.0: with a penalty, greedy decoding takes the argmax of the *penalised* logits
    events, _ = run(engine, tokens, SamplerSettings(temperature=0.0, repeat_penalty=1.0, max_tokens=16), k=3)
    assert events
    for event in events:
        record = event.record
        assert record.id == event.token_id == record.top[0].id
        assert record.sampled_prob == 1.0
        assert record.logprob == pytest.approx(record.top[0].logprob, abs=1e-5)


# --- the numbers of a trace against llama-cpp-python's own logits_all path ----------------------


@pytest.mark.parametrize("name, path_fixture", [("smollm2", "smollm2_path"), ("gemma", "gemma_path")])
def test_logprobs_and_entropy_match_llama_cpp_logits_all(request, name, path_fixture):
    engine = request.getfixturevalue(name)
    path = request.getfixturevalue(path_fixture)
    tokens = prompt_tokens(engine, "The three primary colours are")
    k = 10
    # Start from an empty KV cache so the engine evaluates the prompt in one batch, as the reference
    # below does: on Gemma's Q4_K_M weights llama.cpp's logits depend on the shape of the batch a
    # position was computed in (up to ~0.8 nats), so both sides must follow the same schedule.
    engine._llm.reset()
    events, _ = run(engine, tokens, SamplerSettings(temperature=0.9, seed=7, repeat_penalty=1.0, max_tokens=8), k=k)
    generated = [e.token_id for e in events]
    assert len(generated) >= 2

    reference = llama_cpp.Llama(
        # the reference is the exact path, flash attention off: the engine's default must match it
        str(path), logits_all=True, n_ctx=512, flash_attn=False, verbose=False, n_threads=2,
    )
    try:
        reference.eval(tokens)  # the prompt as one batch, then token by token, like generate()
        for token in generated[:-1]:
            reference.eval([token])
        scores = np.array(reference.scores[: reference.n_tokens], dtype=np.float64)
    finally:
        reference.close()

    for step, event in enumerate(events):
        row = log_softmax(scores[len(tokens) - 1 + step])
        record = event.record
        assert record.logprob == pytest.approx(row[record.id], abs=1e-3), f"step {step}"
        probs = np.exp(row)
        entropy = float(-(probs * row).sum())
        assert record.entropy == pytest.approx(entropy, abs=1e-3), f"step {step}"
        assert len(record.top) == k
        best = np.sort(row)[::-1][:k]
        for rank, alt in enumerate(record.top):
            assert alt.logprob == pytest.approx(row[alt.id], abs=1e-3), f"step {step} rank {rank}"
            assert alt.logprob == pytest.approx(best[rank], abs=1e-3), f"step {step} rank {rank}"


@pytest.mark.parametrize("name", ENGINES)
def test_top_k_list_is_sorted_full_and_never_below_the_chosen_token(request, name):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "Write a sentence about the sea.")
    k = 7
    settings = SamplerSettings(temperature=1.5, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=99, max_tokens=16)
    events, _ = run(engine, tokens, settings, k=k)
    for event in events:
        record = event.record
        values = [alt.logprob for alt in record.top]
        assert len(values) == k
        assert values == sorted(values, reverse=True)
        assert len({alt.id for alt in record.top}) == k
        assert record.logprob <= values[0] + 1e-4
        assert 0.0 <= record.entropy <= math.log(engine.info.n_vocab) + 1e-6
        assert all(v <= 1e-6 for v in values)
        if record.id in {alt.id for alt in record.top}:
            match = next(alt for alt in record.top if alt.id == record.id)
            assert match.logprob == pytest.approx(record.logprob, abs=1e-4)


def test_top_logprobs_zero_gives_no_records_and_large_k_is_clamped(smollm2):
    tokens = prompt_tokens(smollm2, "Hi!")
    settings = SamplerSettings(temperature=0.0, max_tokens=3)
    events, _ = run(smollm2, tokens, settings, k=0)
    assert all(event.record is None for event in events)
    events, _ = run(smollm2, tokens, settings, k=500)
    assert all(len(event.record.top) == MAX_TOP_LOGPROBS for event in events)


# --- sampled_prob mirrors llama.cpp's sampler chain ---------------------------------------------


class LlamaCppChain:
    """llama.cpp's own chain, in the order llama-cpp-python builds it: penalties, top-k, typical, top-p, min-p, temp."""

    def __init__(self, settings: SamplerSettings, n_vocab: int):
        self.n_vocab = n_vocab
        self.chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        for sampler in (
            llama_cpp.llama_sampler_init_penalties(n_vocab, PENALTY_WINDOW, settings.repeat_penalty, 0.0, 0.0),
            llama_cpp.llama_sampler_init_top_k(settings.top_k),
            llama_cpp.llama_sampler_init_typical(1.0, 1),
            llama_cpp.llama_sampler_init_top_p(settings.top_p, 1),
            llama_cpp.llama_sampler_init_min_p(settings.min_p, 1),
            llama_cpp.llama_sampler_init_temp(settings.temperature),
        ):
            llama_cpp.llama_sampler_chain_add(self.chain, sampler)

    def probabilities(self, logits: np.ndarray) -> dict[int, float]:
        """Apply the chain to `logits`; softmax the survivors (which are already divided by the temperature)."""
        data = (llama_cpp.llama_token_data * self.n_vocab)()
        view = np.ctypeslib.as_array(data).view(np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)]))
        view["id"] = np.arange(self.n_vocab, dtype=np.int32)
        view["logit"] = logits
        view["p"] = 0.0
        array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(data, llama_cpp.llama_token_data_p), size=self.n_vocab, selected=-1, sorted=False,
        )
        llama_cpp.llama_sampler_apply(self.chain, ctypes.byref(array))
        ids = np.array([array.data[i].id for i in range(array.size)])
        values = np.array([array.data[i].logit for i in range(array.size)], dtype=np.float64)
        probs = np.exp(values - np.logaddexp.reduce(values))
        return dict(zip(ids.tolist(), probs.tolist()))

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self.chain, token)

    def close(self) -> None:
        llama_cpp.llama_sampler_free(self.chain)


def numpy_reference(logits: np.ndarray, recent: list[int], settings: SamplerSettings) -> dict[int, float]:
    """Brute force over the full vocabulary: penalty, full sort, top-k, top-p, min-p, temperature."""
    values = logits.astype(np.float32).copy()
    if settings.repeat_penalty != 1.0:
        for token in set(recent[-PENALTY_WINDOW:]):
            value = values[token]
            values[token] = value / settings.repeat_penalty if value > 0 else value * settings.repeat_penalty
    ids = np.argsort(-values, kind="stable")
    values = values[ids]
    if settings.top_k > 0:
        ids, values = ids[: settings.top_k], values[: settings.top_k]
    if settings.top_p < 1.0:
        shifted = values.astype(np.float64) - values[0]
        cumulative = np.cumsum(np.exp(shifted) / np.exp(shifted).sum())
        last = int(np.flatnonzero(cumulative >= settings.top_p)[0]) if cumulative[-1] >= settings.top_p else len(values) - 1
        ids, values = ids[: last + 1], values[: last + 1]
    if settings.min_p > 0.0:
        keep = values >= values[0] + np.float32(math.log(settings.min_p))
        ids, values = ids[keep], values[keep]
    scaled = values.astype(np.float64) / settings.temperature
    probs = np.exp(scaled - np.logaddexp.reduce(scaled))
    return dict(zip(ids.tolist(), probs.tolist()))


SAMPLER_CASES = [
    pytest.param("smollm2", SamplerSettings(temperature=1.0, top_k=20, top_p=0.9, min_p=0.0, repeat_penalty=1.0, seed=11, max_tokens=20), id="smollm2-topk20-topp0.9"),
    pytest.param("smollm2", SamplerSettings(temperature=1.0, top_k=0, top_p=0.9, min_p=0.05, repeat_penalty=1.0, seed=12, max_tokens=20), id="smollm2-topk0-topp0.9-minp0.05"),
    pytest.param("smollm2", SamplerSettings(temperature=0.7, top_k=0, top_p=0.9, min_p=0.05, repeat_penalty=1.3, seed=13, max_tokens=24), id="smollm2-topk0-penalty1.3"),
    pytest.param("smollm2", SamplerSettings(temperature=1.2, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.3, seed=14, max_tokens=24), id="smollm2-topk40-penalty1.3"),
    pytest.param("smollm2", SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=15, max_tokens=8), id="smollm2-no-truncation"),
    pytest.param("gemma", SamplerSettings(temperature=0.8, top_k=0, top_p=0.9, min_p=0.05, repeat_penalty=1.3, seed=16, max_tokens=12), id="gemma-topk0-penalty1.3"),
]


@pytest.mark.parametrize("name, settings", SAMPLER_CASES)
def test_sampled_prob_mirrors_llama_cpp_sampler_chain(request, logits_log, name, settings):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "List some animals that live in the forest, and say something about each.")
    events, _ = run(engine, tokens, settings, k=5)
    assert len(logits_log) == len(events)

    chain = LlamaCppChain(settings, engine.info.n_vocab)
    drawn: list[int] = []
    penalty_mattered = 0
    try:
        for step, (event, (logits, chosen)) in enumerate(zip(events, logits_log)):
            record = event.record
            assert chosen == record.id == event.token_id
            llama_probs = chain.probabilities(logits)
            reference = numpy_reference(logits, drawn, settings)
            assert chosen in llama_probs, f"step {step}: llama.cpp's chain would never draw token {chosen}"
            assert record.sampled_prob == pytest.approx(llama_probs[chosen], abs=1e-4), f"step {step}"
            assert record.sampled_prob == pytest.approx(reference.get(chosen, 0.0), abs=1e-4), f"step {step}"
            if settings.temperature == 1.0:
                # truncation only renormalises upward at temperature 1
                assert record.sampled_prob >= math.exp(record.logprob) - 1e-6
                if settings.top_k == 0 and settings.top_p == 1.0 and settings.min_p == 0.0:
                    assert record.sampled_prob == pytest.approx(math.exp(record.logprob), abs=1e-5)
            if settings.repeat_penalty != 1.0:
                plain = numpy_reference(logits, [], settings)
                penalty_mattered += abs(plain.get(chosen, 0.0) - reference.get(chosen, 0.0)) > 1e-3
            chain.accept(chosen)
            drawn.append(chosen)
    finally:
        chain.close()
    if settings.repeat_penalty != 1.0:
        assert penalty_mattered, "the run never drew a repeated token: the penalty branch went untested"


# --- cancellation -------------------------------------------------------------------------------


def test_cancel_inside_the_loop_stops_within_two_tokens(smollm2):
    tokens = prompt_tokens(smollm2, "Write a long story about a dragon who learns to bake bread.")
    cancel = threading.Event()
    settings = SamplerSettings(temperature=0.0, max_tokens=64)
    seen = 0
    finished = None
    for event in smollm2.stream(tokens, settings, top_logprobs=3, cancel=cancel):
        if isinstance(event, Finished):
            finished = event
            break
        seen += 1
        if seen == 3:
            cancel.set()
    assert finished is not None
    assert finished.finish_reason == "cancelled"
    assert 3 <= seen <= 5
    assert finished.stats.completion_tokens == seen


def long_prompt(engine: LlamaEngine, n_tokens: int = 1500) -> list[int]:
    sentence = "The quick brown fox jumps over the lazy dog near the quiet river bank. "
    tokens = prompt_tokens(engine, sentence * (2 * n_tokens // len(engine.tokenize(sentence)) + 1))
    return tokens[: n_tokens]


def test_cancel_before_a_long_prefill_aborts_it(smollm2):
    tokens = long_prompt(smollm2)
    assert len(tokens) == 1500
    smollm2._llm.reset()  # nothing reusable in the cache: the whole prompt must be evaluated
    cancel = threading.Event()
    cancel.set()
    events, finished = run(smollm2, tokens, SamplerSettings(temperature=0.0, max_tokens=8), cancel=cancel)
    assert finished.finish_reason == "cancelled"
    assert events == []
    # the abort callback stopped the very first batch: nothing of the prompt reached the KV cache
    assert smollm2._llm.n_tokens == 0


def test_cancel_from_another_thread_during_prefill_and_engine_still_works(smollm2):
    short = prompt_tokens(smollm2, "What colour is the sky?")
    greedy = SamplerSettings(temperature=0.0, repeat_penalty=1.0, max_tokens=6)
    smollm2._llm.reset()
    before, _ = run(smollm2, short, greedy)

    tokens = long_prompt(smollm2)
    smollm2._llm.reset()
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    timer.start()
    try:
        events, finished = run(smollm2, tokens, SamplerSettings(temperature=0.0, max_tokens=8), cancel=cancel)
    finally:
        timer.cancel()
    assert finished.finish_reason == "cancelled"
    assert events == []

    # an aborted decode must leave the engine usable and the cache consistent
    after, finished = run(smollm2, short, greedy)
    assert [e.token_id for e in after] == [e.token_id for e in before]
    assert finished.finish_reason in ("stop", "length")


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, max_tokens", [("smollm2", 40), ("gemma", 16)])
def test_chinese_reply_streams_valid_utf8_at_every_chunk(request, name, max_tokens):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "请用中文介绍一下北京。")
    events, finished = run(engine, tokens, SamplerSettings(temperature=0.0, max_tokens=max_tokens))
    for event in events:
        assert isinstance(event.delta, str)
        assert "\ufffd" not in event.delta
        event.delta.encode("utf-8")  # no lone surrogates either
    text = "".join(event.delta for event in events) + finished.tail
    ids = [event.token_id for event in events if not event.end_of_text]
    # a reply cut off by max_tokens inside a character ends with one replacement character, as decoding does
    assert text == engine._llm.detokenize(ids).decode("utf-8", errors="replace")
    assert any(ord(ch) > 0x2E80 for ch in text), f"expected some CJK text, got {text!r}"


def test_greedy_chat_reply_stops_on_end_of_generation(smollm2):
    tokens = prompt_tokens(smollm2, "What is the capital of France? Answer in one word.")
    events, finished = run(smollm2, tokens, SamplerSettings(temperature=0.0, max_tokens=64))
    assert finished.finish_reason == "stop"
    last = events[-1]
    assert last.end_of_text and last.delta == ""
    assert last.record.text == "<|im_end|>"
    assert not any(event.end_of_text for event in events[:-1])
    assert "Paris" in "".join(event.delta for event in events)


def test_length_limit_finishes_with_length(smollm2):
    tokens = prompt_tokens(smollm2, "Write a long story about a dragon.")
    events, finished = run(smollm2, tokens, SamplerSettings(temperature=0.0, max_tokens=4))
    assert finished.finish_reason == "length"
    assert len(events) == 4


def test_prompt_filling_the_context_is_an_engine_error(smollm2):
    with pytest.raises(EngineError, match="fills the whole context"):
        next(smollm2.stream([1] * smollm2.info.n_ctx, SamplerSettings(temperature=0.0, max_tokens=4)))


# --- model modes --------------------------------------------------------------------------------


def test_smollm2_is_a_chat_model(smollm2):
    assert smollm2.info.mode == "chat"
    assert smollm2.info.n_vocab == 49152
    text = smollm2.render([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    assert text == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_gemma_base_model_uses_completion_mode(gemma):
    assert gemma.info.chat_template is None
    assert gemma.info.mode == "completion"
    assert gemma.template is None
    messages = [
        {"role": "system", "content": "A list of facts."},
        {"role": "user", "content": "The capital of France is"},
        {"role": "assistant", "content": " Paris."},
        {"role": "user", "content": "The capital of Italy is"},
    ]
    document = gemma.render(messages)
    assert document == "A list of facts.\n\nThe capital of France is Paris.\n\nThe capital of Italy is"
    assert "<start_of_turn>" not in document and "<|im_start|>" not in document
    tokens = gemma.tokenize(document)
    assert tokens[0] == gemma._llm.token_bos()
    assert tokens.count(gemma._llm.token_bos()) == 1


# --- load errors --------------------------------------------------------------------------------


def _truncated_copy(source, target, size=1_000_000):
    with open(source, "rb") as handle:
        target.write_bytes(handle.read(size))
    return target


@pytest.mark.parametrize("config", [EngineConfig(), EngineConfig(n_ctx=256)], ids=["auto-ctx", "fixed-ctx"])
@pytest.mark.parametrize("kind", ["not-gguf", "empty", "truncated", "tiny-header", "missing", "directory"])
def test_bad_model_files_raise_model_load_error(tmp_path, smollm2_path, kind, config):
    if kind == "not-gguf":
        path = tmp_path / "notes.gguf"
        path.write_text("this is a text file, not a model\n" * 100)
    elif kind == "empty":
        path = tmp_path / "empty.gguf"
        path.write_bytes(b"")
    elif kind == "truncated":
        path = _truncated_copy(smollm2_path, tmp_path / "truncated.gguf")
    elif kind == "tiny-header":
        path = _truncated_copy(smollm2_path, tmp_path / "tiny.gguf", size=100)
    elif kind == "missing":
        path = tmp_path / "missing.gguf"
    else:
        path = tmp_path
    with pytest.raises(ModelLoadError) as caught:
        LlamaEngine(path, config)
    message = str(caught.value)
    assert message and "\n" not in message
    assert path.name in message
    assert not message.endswith("()")


# --- the capture kernel on recorded logits, against float64 -------------------------------------


@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize("offset", [0.0, 100.0, -80.0])
def test_capture_matches_a_float64_log_softmax_whatever_the_logits_offset(request, logits_log, name, offset):
    engine = request.getfixturevalue(name)
    tokens = prompt_tokens(engine, "Describe a harbour at dawn.")
    run(engine, tokens, SamplerSettings(temperature=0.0, repeat_penalty=1.0, max_tokens=6), k=10)
    capture = ProbabilityCapture(SamplerSettings(temperature=0.0, repeat_penalty=1.0), 10, engine.info.n_vocab)
    for logits, chosen in list(logits_log):  # measure() below logs too
        # a common offset changes no probability; the sweep centres on the max, so no digits are lost to it
        shifted = logits + np.float32(offset)
        row = log_softmax(shifted)
        logprob, _, entropy, top, top_logprobs, _ = capture.measure(shifted, chosen)
        assert logprob == pytest.approx(row[chosen], abs=1e-4)
        assert entropy == pytest.approx(float(-(np.exp(row) * row).sum()), abs=1e-4)
        assert top_logprobs.tolist() == pytest.approx(np.sort(row)[::-1][:10].tolist(), abs=1e-4)
        assert top[0] == int(np.argmax(shifted))
