"""How likely is this? on llama-server: each token of a given text forced in turn, its raw log-probability read back.

llama-server returns no log-probabilities for a prompt's own tokens: its OpenAI endpoint refuses them
(`echo` answers "Only no echo is supported", tools/server/server-common.cpp) and /completion asks llama.cpp
for logits at a prompt's last position only. It does return, for a token it generates with `n_probs` and
`post_sampling_probs: false`, the model's own distribution at that position (a softmax over the whole
vocabulary of the raw logits, before any sampler: server-context.cpp populate_token_probs). So each token of
the text is generated once, after the prompt and the text's tokens before it, with a logit bias that makes
the sampler pick it; the bias acts in the sampler chain, after those numbers are taken. The server's prompt
cache keeps the prefix, so each request evaluates one new token: teacher forcing a token at a time, the
in-process engine's exact mode.
"""

import threading

from desktop.core.engine.llama_scoring import ScoredPosition
from desktop.core.engine.remote.http import RemoteError, request_json
from desktop.core.engine.remote.probe import LLAMA_SERVER_MAX_PROBS
from desktop.core.engine.remote.engine import entropy_lower_bound
from desktop.core.engine.types import EngineError
from desktop.core.probability.trace import TopToken
from desktop.core.words import translate

FORCE = 1.0e4  # added to the wanted token's logit: no other token comes near it


def continuation_tokens(engine, prompt_text: str, prompt_tokens: list[int], text: str) -> list[int]:
    """The tokens `text` adds after the prompt, split together with it as in-process (llama_scoring)."""
    joined = engine.tokenize(prompt_text + text)
    if joined[: len(prompt_tokens)] == list(prompt_tokens):
        return joined[len(prompt_tokens):]
    return engine._tokenize_raw(text, add_special=False)


def score_continuations(engine, prompt_tokens: list[int], continuations: list[list[int]], top: int = 10,
                        cancel: threading.Event | None = None, exact: bool = True) -> list[list[ScoredPosition]]:
    """For each continuation, every token's log-probability after the prompt and the tokens before it.

    Always a token at a time (`exact` is accepted for the protocol's sake). A rank is known within the
    top alternatives the server sends (at most 20); beyond them it is None ("below the top n").
    """
    if not prompt_tokens:
        raise EngineError(translate("core", "Scoring needs a prompt to score the text after."))
    longest = max((len(c) for c in continuations), default=0)
    if engine.info.n_ctx and len(prompt_tokens) + longest > engine.info.n_ctx:
        raise EngineError(translate("core", "The prompt and the longest text need {tokens} tokens; the server's context "
                                            "holds {n_ctx}.").format(tokens=len(prompt_tokens) + longest, n_ctx=engine.info.n_ctx))
    top = max(1, min(top, LLAMA_SERVER_MAX_PROBS))
    results = []
    for tokens in continuations:
        positions = []
        for index, token in enumerate(tokens):
            if cancel is not None and cancel.is_set():
                return results
            positions.append(_forced(engine, list(prompt_tokens) + list(tokens[:index]), token, top, index > 0))
        results.append(positions)
    return results


def _forced(engine, prompt: list[int], token: int, top: int, cached: bool) -> ScoredPosition:
    # The prompt is read afresh for the first token (cache_prompt false), as a generation from an empty cache
    # reads it; after that the cache holds all but the newest token, which is evaluated alone.
    body = {"prompt": prompt, "n_predict": 1, "n_probs": top, "post_sampling_probs": False, "cache_prompt": cached,
            "temperature": 0.0, "logit_bias": [[token, FORCE]], "return_tokens": True, "model": engine.info.name}
    answer = request_json(engine._client, "POST", "/completion", engine.address.url, json=body)
    entries = answer.get("completion_probabilities") or ()
    if not entries and _part_of_a_character(engine.token_bytes(token)):
        # llama-server sends nothing for a token that ends inside a character (it holds its text back)
        raise RemoteError(translate("core", "{url} sends no probabilities for a token that is only part of a character "
                                            "(token {token}), so this text cannot be scored on it token by token; "
                                            "score it with the model on this laptop.").format(url=engine.address.url,
                                                                                              token=token))
    if not entries or entries[0].get("id") != token:
        raise RemoteError(translate("core", "{url} did not score token {token} as asked (it sent {sent}); the server "
                                            "may not honour logit_bias.").format(
            url=engine.address.url, token=token, sent=entries[0].get("id") if entries else "∅"))
    entry = entries[0]
    alternatives = tuple(TopToken(a["id"], engine._shown(a), float(a["logprob"]), engine.is_eog(a["id"]))
                         for a in entry.get("top_logprobs") or ())
    logprob = float(entry["logprob"])
    rank = next((n for n, a in enumerate(alternatives, start=1) if a.id == token), None)
    known = [a.logprob for a in alternatives] + ([] if rank else [logprob])
    return ScoredPosition(token, engine._shown(entry), logprob, rank, alternatives, entropy_lower_bound(known))


def _part_of_a_character(piece: bytes) -> bool:
    """A token's bytes that are not whole UTF-8 characters: a byte token of a character split over several."""
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
