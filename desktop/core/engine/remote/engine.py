"""RemoteEngine: the Engine protocol over llama-server's own endpoints (/tokenize, /completion with token ids)."""

import dataclasses
import math
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np

from desktop.core.engine.llama_engine import render_completion_document
from desktop.core.engine.remote.http import (
    RemoteError, ServerAddress, describe_transport_error, json_events, open_client, open_stream, request_json, unfinished_stream,
)
from desktop.core.engine.remote.probe import IDS, LLAMA_SERVER_MAX_PROBS, ServerProfile
from desktop.core.engine.template import ChatTemplate
from desktop.core.engine.types import Capabilities, EngineError, Finished, GenerationStats, ModelInfo, TokenEvent
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken, piece_text
from desktop.core.probability.whatif import sampler_view
from desktop.core.words import translate

# Ids and exact branching as in-process; log-probabilities are exact (llama-server takes the softmax over
# the whole vocabulary), but it sends no entropy, so the entropy is a lower bound from the top-k.
LLAMA_SERVER = Capabilities(token_ids=True, exact_branching=True, full_vocabulary_entropy=False)
# llama-cpp-python's sampler chain, which the in-process engine runs: the same draws for the same seed.
SAMPLERS = ["penalties", "top_k", "top_p", "min_p", "temperature"]
PENALTY_WINDOW = 64  # llama-cpp-python's last_n_tokens_size
FINISH = {"eos": "stop", "word": "stop", "limit": "length"}


def remote_model_name(model: str, server: str) -> str:
    """How a server's reply names its model: the model and the server, so a branch finds the same engine again."""
    return f"{model} @ {server}"


class RemoteEngine:
    """One model on a llama-server (an Engine). Like LlamaEngine, one consumer thread at a time."""

    capabilities = LLAMA_SERVER

    def __init__(self, address: ServerAddress, profile: ServerProfile, model: str | None = None, label: str = ""):
        if profile.kind != "llama-server" or profile.probabilities != IDS:
            raise RemoteError(
                f"{address.url} is an OpenAI-compatible server without llama-server's token endpoints: "
                "open it with target.connect, which chats with it by messages (ChatServerEngine)."
            )
        model = self._open(address, profile, model, label)
        self._bytes: dict[int, bytes] = {}  # id -> bytes with special tokens by name (from /tokenize, /detokenize)
        self._pieces: dict[int, bytes] = {}  # id -> bytes a token adds to a reply (from the stream's entries)
        self._texts: dict[int, str] = {}  # id -> how it reads as an alternative (its own bytes): read once
        self.held_back_at: int | None = None  # the last reply's first token sent for a held-back character
        self._split_texts: dict[str, bool] = {}  # a chunk's text -> whether the server's tokenizer splits it
        self.last_timings: dict = {}  # the server's own timings of the last reply (benchmarks compare with them)
        self.template = ChatTemplate(profile.chat_template, profile.bos_token, profile.eos_token) \
            if profile.chat_template else None
        bos = self._tokenize_raw("", add_special=True)
        self._bos_id = bos[0] if bos else None
        self._bos_text = profile.bos_token if bos else ""
        self._eog = set(self._tokenize_raw(profile.eos_token, add_special=False)[:1]) if profile.eos_token else set()
        n_ctx = profile.n_ctx or 0
        described = {"kind": "llama-server", "server": self.label, "model": model,
                     "entropy": "lower bound from the stored alternatives", "token_ids": True, "branching": "exact"}
        self.info = ModelInfo(path=Path(model), name=model, n_ctx=n_ctx, n_ctx_train=n_ctx,
                              n_vocab=profile.n_vocab or 0, chat_template=profile.chat_template, engine=described)

    def _open(self, address: ServerAddress, profile: ServerProfile, model: str | None, label: str) -> str:
        """Check the model against the probe, keep the server's particulars, open its client; the model's name."""
        model = model or profile.models[0]
        if model not in profile.models:
            raise RemoteError(translate("core", "{url} has no model “{model}”; it serves {models}.").format(
                url=address.url, model=model, models=", ".join(profile.models)))
        self.address = address
        self.profile = profile
        self.label = label or address.url
        self._client = open_client(address)
        return model

    def describe(self) -> dict:
        """What a reply keeps about the engine that wrote it (store.shapes.EngineJson): never the address or key."""
        return self.info.engine

    # --- prompt side ---------------------------------------------------------------------------
    def render(self, messages: list[dict[str, str]]) -> str:
        """The server's own GGUF template (from /props) rendered in Inkling's sandbox, as in-process."""
        if self.template is not None:
            return self.template.render(messages)
        return render_completion_document(messages)

    def tokenize(self, text: str) -> list[int]:
        """The server's tokenizer; BOS added once if the model wants it, exactly as LlamaEngine decides."""
        add_bos = self._bos_id is not None and not (self._bos_text and text.startswith(self._bos_text))
        return self._tokenize_raw(text, add_special=add_bos)

    def _tokenize_raw(self, text: str, add_special: bool) -> list[int]:
        body = request_json(self._client, "POST", "/tokenize", self.address.url, json={
            "content": text, "add_special": add_special, "parse_special": True, "with_pieces": True,
        })
        ids = []
        for entry in body.get("tokens") or ():
            piece = entry["piece"]
            self._bytes[entry["id"]] = piece.encode("utf-8") if isinstance(piece, str) else bytes(piece)
            ids.append(entry["id"])
        return ids

    def token_text(self, token_id: int) -> str:
        return piece_text(self.token_bytes(token_id))

    def token_bytes(self, token_id: int) -> bytes:
        known = self._bytes.get(token_id)
        if known is None:
            body = request_json(self._client, "POST", "/detokenize", self.address.url, json={"tokens": [token_id]})
            known = self._bytes[token_id] = str(body.get("content", "")).encode("utf-8")
        return known

    def token_piece(self, token_id: int) -> bytes:
        known = self._pieces.get(token_id)
        if known is not None:
            return known
        return b"" if token_id in self._eog else self.token_bytes(token_id)

    def is_eog(self, token_id: int) -> bool:
        return token_id in self._eog

    # --- scoring (the lab's "How likely is this?": remote/scoring.py, which imports this module) ------
    def continuation_tokens(self, prompt_text: str, prompt_tokens: list[int], text: str) -> list[int]:
        from desktop.core.engine.remote import scoring
        return scoring.continuation_tokens(self, prompt_text, prompt_tokens, text)

    def score_continuations(self, prompt_tokens: list[int], continuations: list[list[int]], top: int = 10,
                            cancel: threading.Event | None = None, exact: bool = True) -> list:
        from desktop.core.engine.remote import scoring
        return scoring.score_continuations(self, prompt_tokens, continuations, top, cancel, exact)

    # --- generation ----------------------------------------------------------------------------
    def stream(self, prompt_tokens: list[int], settings: SamplerSettings, *, top_logprobs: int = 10,
               cancel: threading.Event | None = None) -> Iterator[TokenEvent | Finished]:
        """POST the prompt as token ids to /completion and yield its streamed tokens; Stop closes the stream."""
        settings = settings.validated()
        top_logprobs = max(0, min(top_logprobs, LLAMA_SERVER_MAX_PROBS))
        cancel = cancel or threading.Event()
        seed = settings.seed if settings.seed is not None else random.randrange(2**31)
        budget = min(settings.max_tokens, self.info.n_ctx - len(prompt_tokens)) if self.info.n_ctx else settings.max_tokens
        if budget <= 0:
            raise EngineError(translate("core", "The prompt ({tokens} tokens) fills the server's context ({n_ctx}).").format(
                tokens=len(prompt_tokens), n_ctx=self.info.n_ctx))
        body = {
            "prompt": list(prompt_tokens), "n_predict": budget, "stream": True, "return_tokens": True,
            "cache_prompt": True, "n_probs": top_logprobs, "post_sampling_probs": False, "seed": seed,
            "temperature": settings.temperature, "top_k": settings.top_k, "top_p": settings.top_p,
            "min_p": settings.min_p, "repeat_penalty": settings.repeat_penalty, "repeat_last_n": PENALTY_WINDOW,
            "samplers": SAMPLERS, "model": self.info.name,
        }
        started = time.perf_counter()
        first_at, count, finish, final = None, 0, None, {}
        self.held_back_at = None
        try:
            with open_stream(self._client, "/completion", body, self.address.url, cancel) as response:
                for chunk in json_events(response, self.address.url):
                    if chunk.get("stop"):
                        final = chunk
                        break
                    for event in self._events(chunk, count, settings):
                        if first_at is None:
                            first_at = time.perf_counter()
                        yield event
                        count += 1
                    if cancel.is_set():
                        break
        except httpx.HTTPError as error:
            if not cancel.is_set():
                raise RemoteError(describe_transport_error(error, self.address.url)) from None
        if cancel.is_set():
            finish = "cancelled"
        elif not final:
            raise unfinished_stream(self.address.url)
        else:
            finish = FINISH.get(final.get("stop_type"), "stop")
        self.last_timings = final.get("timings") or {}
        stats = stream_stats(len(prompt_tokens), count, started, first_at, seed, self.info.n_ctx)
        yield Finished(finish, dataclasses.replace(stats, held_back_at=self.held_back_at))

    def _events(self, chunk: dict, index: int, settings: SamplerSettings) -> Iterator[TokenEvent]:
        """One partial chunk carries one token (its id, its text, its probabilities when asked)."""
        entries = chunk.get("completion_probabilities") or ()
        tokens = chunk.get("tokens") or [entry["id"] for entry in entries]
        text = chunk.get("content") or ""
        for offset, token in enumerate(tokens):
            entry = entries[offset] if offset < len(entries) else None
            record = self._record(entry, settings) if entry is not None else None
            end = token in self._eog
            if offset == 0 and self.held_back_at is None and self._holds_back(token, text):
                self.held_back_at = index
            yield TokenEvent(index + offset, token, "" if end or offset else text, record, end)

    def _holds_back(self, token: int, text: str) -> bool:
        """Whether the chunk's text is more than its token: llama-server holds back the tokens of a character split
        over several and sends the whole character with its last token only, without the others' ids or numbers."""
        if text.isascii():
            return False
        piece = self._pieces.get(token) if token in self._texts else None  # its own bytes, known from an alternative
        if piece is None:  # asked once per text: a reply without probabilities would ask for every such token
            if text not in self._split_texts:
                self._split_texts[text] = len(self._tokenize_raw(text, add_special=False)) > 1
            return self._split_texts[text]
        return len(piece) < len(text.encode("utf-8"))

    def _record(self, entry: dict, settings: SamplerSettings) -> TokenRecord:
        token = entry["id"]
        top = [TopToken(alt["id"], self._shown(alt), float(alt["logprob"]), alt["id"] in self._eog)
               for alt in entry.get("top_logprobs") or ()]
        # the drawn entry's bytes are the chunk's text: with a held-back character, more than the token's own, so
        # its text is its own as an alternative when known (a stored trace keeps one text per token id)
        own = bytes(entry.get("bytes") or ())
        self._pieces.setdefault(token, own)
        text = self._texts.get(token) or (piece_text(own) if own else self.token_text(token))
        logprob = float(entry["logprob"])
        known = [t.logprob for t in top] + ([logprob] if all(t.id != token for t in top) else [])
        return TokenRecord(token, text, logprob,
                           drawn_probability(known, top, token, logprob, settings), entropy_lower_bound(known),
                           tuple(top), token in self._eog)

    def _shown(self, entry: dict) -> str:
        """How an alternative reads: special tokens by name (their bytes are empty), others by their own bytes."""
        token = entry["id"]
        shown = self._texts.get(token)
        if shown is None:
            piece = self._pieces[token] = bytes(entry.get("bytes") or ())
            shown = self._texts[token] = piece_text(piece) if piece else self.token_text(token)
        return shown

    def close(self) -> None:
        self._client.close()


def stream_stats(prompt_tokens: int, count: int, started: float, first_at: float | None, seed: int,
                 n_ctx: int) -> GenerationStats:
    """A streamed reply's figures, measured on this side from perf_counter times (the server's own may differ)."""
    ended = time.perf_counter()
    first = first_at or ended
    return GenerationStats(
        prompt_tokens=prompt_tokens, completion_tokens=count, ttft_ms=(first - started) * 1000.0,
        tokens_per_s=(count - 1) / (ended - first) if count > 1 and ended > first else 0.0, seed=seed, n_ctx=n_ctx,
    )


def drawn_probability(known: list[float], top: list[TopToken], token: int, logprob: float,
                      settings: SamplerSettings) -> float:
    """The sampler's probability for the drawn token from the known head (exact when the cut lies inside it)."""
    if settings.temperature <= 0.0:
        return 1.0
    view = sampler_view(np.asarray(known), settings)
    index = next((i for i, t in enumerate(top) if t.id == token), len(known) - 1)
    return float(view.probs[index])


def entropy_lower_bound(logprobs: list[float]) -> float:
    """Entropy in nats of the known head plus its remainder counted as one outcome: a lower bound."""
    # plain floats: at most 21 values per token, where numpy's per-call cost is most of the work
    probs = [math.exp(lp) for lp in logprobs]
    head = -math.fsum(p * lp for p, lp in zip(probs, logprobs))
    rest = 1.0 - math.fsum(probs)
    return head - rest * math.log(rest) if rest > 1e-12 else head
