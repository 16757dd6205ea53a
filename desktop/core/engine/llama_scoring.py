"""Teacher forcing on llama.cpp: the model's log-probability of each token of given continuations, in one pass each."""

import threading

import llama_cpp
import numpy as np

from desktop.core.engine.capture import ProbabilityCapture
from desktop.core.engine.types import EngineError
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TopToken
from desktop.core.words import translate


class ScoredPosition:
    """What the model gave one token of a continuation: its log-probability, its rank, the best alternatives."""

    __slots__ = ("id", "text", "logprob", "rank", "top", "entropy")

    def __init__(self, token_id: int, text: str, logprob: float, rank: int, top: tuple[TopToken, ...], entropy: float):
        self.id, self.text, self.logprob, self.rank, self.top, self.entropy = token_id, text, logprob, rank, top, entropy


def continuation_tokens(engine, prompt_text: str, prompt_tokens: list[int], text: str) -> list[int]:
    """The tokens `text` adds after the prompt, as the tokenizer splits the two together.

    Tokenized with the prompt so that a word at the seam is split as generation would have written it;
    when the seam merges across the prompt's last token, the text alone (no BOS, no space prefix).
    """
    joined = engine.tokenize(prompt_text + text)
    if joined[: len(prompt_tokens)] == list(prompt_tokens):
        return joined[len(prompt_tokens):]
    return engine._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)


def score_continuations(
    engine, prompt_tokens: list[int], continuations: list[list[int]], top: int = 10,
    cancel: threading.Event | None = None, exact: bool = False,
) -> list[list[ScoredPosition]]:
    """For each continuation, every token's log-probability after the prompt and the tokens before it.

    The prompt is evaluated once (reusing what the KV cache already holds) with logits for its last
    position only; each continuation is then evaluated in batches that ask for logits at its own
    positions alone, and cut from the cache before the next. No logits for the whole context, and no
    row kept: each batch's rows are measured in place (float32, as generation's capture) before the next
    decode, where a float64 copy of every row held 1.2 GB at the peak for 1,900 tokens of SmolLM2 (its
    49k vocabulary; Gemma's 262k would need 4 GB) and was 0.77x llama.cpp's prompt speed (now 1.0-1.2x).

    A batch and a token at a time are different kernels on the CPU: on the bundled SmolLM2 (Q4_1) a
    batched score differs from what generation recorded by up to ~0.25 nats a token (tests/core/lab).
    `exact` reads the prompt afresh and then one token per step, as a generation from an empty cache
    does, and agrees with it to 1e-6 on SmolLM2 (Gemma 3's sliding-window cache: within 0.1 nats).
    """
    llm = engine._llm
    if not prompt_tokens:
        raise EngineError(translate("core", "Scoring needs a prompt to score the text after."))
    longest = max((len(c) for c in continuations), default=0)
    if len(prompt_tokens) + longest > engine.info.n_ctx:
        raise EngineError(translate("core", "The prompt and the longest text need {tokens} tokens; the context holds {n_ctx}.")
                          .format(tokens=len(prompt_tokens) + longest, n_ctx=engine.info.n_ctx))
    first = _prompt_logits(llm, prompt_tokens, fresh=exact).copy()  # the continuations' batches overwrite it
    # generation's own maths (float32, one sweep of the vocabulary, the head preselected), so a score and the
    # capture of the same token agree; greedy and unpenalised: nothing of the sampler is computed
    measure = ProbabilityCapture(SamplerSettings(temperature=0.0, repeat_penalty=1.0), top, engine.info.n_vocab)
    results = []
    for tokens in continuations:
        if cancel is not None and cancel.is_set():
            break
        positions = [_position(engine, measure, first, tokens[0])] if tokens else []
        for offset, rows in _continuation_logits(llm, tokens[:-1], 1 if exact else llm.n_batch):
            # each batch's rows measured before the next decode overwrites them: no copy of a row is kept
            positions += [_position(engine, measure, row, token) for row, token in zip(rows, tokens[offset + 1:])]
        results.append(positions)
        _truncate(llm, len(prompt_tokens))
    return results


def _prompt_logits(llm, prompt: list[int], fresh: bool) -> np.ndarray:
    cached = llm.input_ids[: llm.n_tokens]
    common = 0
    for a, b in zip(cached.tolist(), prompt):
        if a != b:
            break
        common += 1
    common = 0 if fresh else min(common, len(prompt) - 1)  # the last prompt token is evaluated again: its logits are the first row
    if not llm._ctx.kv_cache_seq_rm(-1, common, -1):
        llm.reset()
        llm._ctx.kv_cache_clear()
        common = 0
    llm.n_tokens = common
    llm.eval(prompt[common:])
    return _row(llm, -1)


def _continuation_logits(llm, tokens: list[int], step: int):
    """Evaluate `tokens` in batches with logits at each of their positions; yields (offset, rows) per batch,
    the rows float32 views into llama.cpp's output buffer, valid until the next batch."""
    for start in range(0, len(tokens), step):
        batch = tokens[start:start + step]
        n_past = llm.n_tokens
        llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
        try:
            llm._ctx.decode(llm._batch)
        except RuntimeError as error:
            raise EngineError(translate("core", "llama.cpp failed while scoring: {error}").format(error=error)) from error
        llm.input_ids[n_past:n_past + len(batch)] = batch
        llm.n_tokens = n_past + len(batch)
        yield start, (_row(llm, i) for i in range(len(batch)))


def _truncate(llm, length: int) -> None:
    llm._ctx.kv_cache_seq_rm(-1, length, -1)
    llm.n_tokens = length


def _row(llm, index: int) -> np.ndarray:
    pointer = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, index)
    return np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),))


def _position(engine, measure: ProbabilityCapture, logits: np.ndarray, token: int) -> ScoredPosition:
    logprob, _drawn, entropy, best, best_logprobs, _penalised = measure.measure(logits, token)
    rank = int(np.count_nonzero(logits > logits[token])) + 1
    alternatives = tuple(TopToken(int(i), engine.token_text(int(i)), float(value), engine.is_eog(int(i)))
                         for i, value in zip(best.tolist(), best_logprobs.tolist()))
    return ScoredPosition(token, engine.token_text(token), logprob, rank, alternatives, entropy)
