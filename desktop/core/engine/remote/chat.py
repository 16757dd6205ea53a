"""ChatServerEngine: any OpenAI-compatible server (Ollama, vLLM, …) through /v1/chat/completions, known by token texts."""

import dataclasses
import hashlib
import math
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from desktop.core.engine.remote.engine import RemoteEngine, drawn_probability, entropy_lower_bound, stream_stats
from desktop.core.engine.remote.http import (
    ContextExceeded, RemoteError, ServerAddress, context_refusal, describe_transport_error, json_events, open_stream,
    unfinished_stream,
)
from desktop.core.engine.remote.probe import NONE, ServerProfile
from desktop.core.engine.template import ChatTemplate
from desktop.core.engine.types import ASSUMED, KNOWN, LEARNED, Capabilities, EngineError, Finished, ModelInfo, TokenEvent
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken, piece_text
from desktop.core.words import translate

# No token ids: a token is known by its text, so branching is by text and entropy a lower bound from the top-k.
TEXT_SERVER = Capabilities(token_ids=False, exact_branching=False, full_vocabulary_entropy=False)
CHARS_PER_TOKEN = 4  # the estimate when the server cannot count tokens (English text averages about 4 bytes)
MAX_TOP_LOGPROBS = 20  # OpenAI's own limit; vLLM and llama-server accept at least that many
BY_TEXT = "by text, may re-tokenize"
# Where servers count tokens: llama-server's and vLLM's /tokenize, llama-cpp-python's server's /extras/tokenize.
TOKENIZE_PATHS = ("/tokenize", "/extras/tokenize")


def text_id(piece: bytes) -> int:
    """A token known only by its bytes gets a stable id from them: the same text, the same id, after a restart too.

    Two different alternatives at one position share an id with a chance of about k²/2³² (1e-7 for 20).
    """
    return int.from_bytes(hashlib.blake2b(piece, digest_size=4).digest(), "big") & 0x7FFFFFFF


class ChatServerEngine:
    """One model on an OpenAI-compatible server without token ids (an Engine whose replies stream from messages).

    With `capabilities.token_ids` False, callers send messages (stream_messages) instead of token ids, and
    `tokenize` only counts: the server's own /tokenize when it has one (`counts_exactly`), else an estimate
    of one token per four bytes whose list holds no ids.
    """

    capabilities = TEXT_SERVER

    def __init__(self, address: ServerAddress, profile: ServerProfile, model: str | None = None, label: str = ""):
        model = RemoteEngine._open(self, address, profile, model, label)
        self._pieces: dict[int, bytes] = {}  # text id -> the bytes it stands for (from the streamed entries)
        self.last_timings: dict = {}
        # The server's GGUF template (llama-server's /props) lets a branch render the prompt as the server does.
        self.template = ChatTemplate(profile.chat_template, profile.bos_token, profile.eos_token) \
            if profile.chat_template else None
        self._tokenize_path: str | None = None
        self.counts_exactly = any(self._count("Hi", path) is not None for path in TOKENIZE_PATHS)
        n_ctx, source = profile.context_of(model)  # a server that names none: DEFAULT_CONTEXT, marked assumed
        entropy = "none" if profile.probabilities == NONE else f"estimated from the top {self.top_k}"
        described = {"kind": profile.kind, "server": self.label, "model": model, "entropy": entropy,
                     "token_ids": False, "branching": self.branching}
        self.info = ModelInfo(path=Path(model), name=model, n_ctx=n_ctx, n_ctx_train=n_ctx, n_vocab=0,
                              chat_template=profile.chat_template or "(the server's own chat template)", engine=described,
                              ignored_samplers=profile.ignored_samplers, n_ctx_source=source)

    @property
    def top_k(self) -> int:
        return 0 if self.profile.probabilities == NONE else min(self.profile.top_k or MAX_TOP_LOGPROBS, MAX_TOP_LOGPROBS)

    @property
    def branching(self) -> str:
        """How a reply can continue from another token here, or why it cannot."""
        if self.profile.probabilities == NONE:
            return "none: the server returns no alternatives"
        if self.template is None:
            return "none: the server does not say how it renders a chat, so a reply cannot be continued by text"
        return BY_TEXT

    describe = RemoteEngine.describe
    # the server's template when it reported one, else a plain document that counts about the same
    render = RemoteEngine.render

    def tokenize(self, text: str) -> list[int]:
        """A count as a list: the server's token ids when it counts (/tokenize), else one 0 per four bytes."""
        ids = self._count(text) if self.counts_exactly else None
        return ids if ids is not None else [0] * max(1, math.ceil(len(text.encode("utf-8")) / CHARS_PER_TOKEN))

    def _count(self, text: str, path: str | None = None) -> list[int] | None:
        """The server's token ids of `text` through `path` (default: the one that answered), None where it has none.

        The body names the text as llama-server ("content"), vLLM ("prompt") and llama-cpp-python ("input") take it.
        """
        path = path or self._tokenize_path
        if path is None:
            return None
        try:
            response = self._client.post(path, json={"content": text, "prompt": text, "input": text,
                                                     "model": self.profile.models[0]})
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        try:
            tokens = response.json().get("tokens")
        except (ValueError, AttributeError):
            return None
        if not isinstance(tokens, list):
            return None
        self._tokenize_path = path
        return [t if isinstance(t, int) else t.get("id", 0) if isinstance(t, dict) else 0 for t in tokens]

    def token_text(self, token_id: int) -> str:
        return piece_text(self.token_bytes(token_id))

    def token_bytes(self, token_id: int) -> bytes:
        return self._pieces.get(token_id, b"")

    def token_piece(self, token_id: int) -> bytes:
        return self.token_bytes(token_id)

    def is_eog(self, token_id: int) -> bool:
        return False  # the server ends the stream itself; its end-of-text token is never among the entries

    # --- generation ----------------------------------------------------------------------------
    def stream(self, prompt_tokens: list[int], settings: SamplerSettings, *, top_logprobs: int = 10,
               cancel: threading.Event | None = None) -> Iterator[TokenEvent | Finished]:
        raise EngineError(translate("core", "{url} takes messages, not token ids: this needs a llama-server.").format(
            url=self.address.url))

    def stream_messages(self, messages: list[dict[str, str]], settings: SamplerSettings, *, top_logprobs: int = 10,
                        cancel: threading.Event | None = None, prompt_tokens: int = 0) -> Iterator[TokenEvent | Finished]:
        """A reply to the messages from /v1/chat/completions, streamed, with the top alternatives as texts."""
        body = {"messages": messages}
        yield from self._generate("/v1/chat/completions", body, settings, top_logprobs, cancel, prompt_tokens)

    def stream_continuation(self, messages: list[dict[str, str]], prefix: str, settings: SamplerSettings, *,
                            top_logprobs: int = 10, cancel: threading.Event | None = None,
                            prompt_tokens: int = 0, rendered: str | None = None) -> Iterator[TokenEvent | Finished]:
        """The reply continued after `prefix` by text, through /v1/completions on the rendered prompt.

        `rendered`: the prompt already rendered (a reply's recorded prompt, its notes included) instead of `messages`.
        """
        if self.branching != BY_TEXT:
            raise EngineError(translate("core", "This server cannot continue a reply from another token ({reason}).").format(
                reason=self.branching.split(": ", 1)[-1]))
        body = {"prompt": (self.template.render(messages) if rendered is None else rendered) + prefix}
        yield from self._generate("/v1/completions", body, settings, top_logprobs, cancel, prompt_tokens)

    def _generate(self, path: str, body: dict, settings: SamplerSettings, top_logprobs: int,
                  cancel: threading.Event | None, prompt_tokens: int) -> Iterator[TokenEvent | Finished]:
        # Samplers the server ignores are neither sent nor counted in the drawn probabilities.
        settings = settings.validated().without(self.info.ignored_samplers)
        cancel = cancel or threading.Event()
        top = max(0, min(top_logprobs, self.top_k))
        seed = settings.seed if settings.seed is not None else random.randrange(2**31)
        chat = path.endswith("chat/completions")
        budget = min(settings.max_tokens, self.info.n_ctx - prompt_tokens) if prompt_tokens else settings.max_tokens
        if budget <= 0:
            raise EngineError(translate("core", "The prompt (about {tokens} tokens) fills the server's context ({n_ctx}).").format(
                tokens=prompt_tokens, n_ctx=self.info.n_ctx))
        body = {**body, **self._sampling(settings, seed, budget), "model": self.info.name, "stream": True,
                "stream_options": {"include_usage": True}}
        if top:
            body.update({"logprobs": True, "top_logprobs": top} if chat else {"logprobs": top})
        started = time.perf_counter()
        first_at, count, finish, usage, textless = None, 0, None, {}, 0
        try:
            with open_stream(self._client, path, body, self.address.url, cancel) as response:
                for chunk in json_events(response, self.address.url):
                    usage = chunk.get("usage") or usage
                    self.last_timings = chunk.get("timings") or self.last_timings
                    for choice in chunk.get("choices") or ():
                        for event in self._events(choice, chat, count, settings):
                            first_at = first_at or time.perf_counter()
                            # llama-cpp-python's server, with log-probabilities on, sends each byte of a character
                            # split over tokens as "" and drops it from the text too: counted, and said on the reply
                            textless += event.record is not None and not event.record.text
                            yield event
                            count += 1
                        finish = choice.get("finish_reason") or finish
                    if cancel.is_set():
                        break
        except ContextExceeded as refused:
            raise self._learn(refused, prompt_tokens) from None
        except httpx.HTTPError as error:
            if not cancel.is_set():
                raise RemoteError(describe_transport_error(error, self.address.url)) from None
        if cancel.is_set():
            finish = "cancelled"
        elif finish is None:
            refused = self._why_nothing(path, body) if count == 0 and self.info.n_ctx_source != KNOWN else None
            raise self._learn(refused, prompt_tokens) if refused is not None else unfinished_stream(self.address.url)
        stats = dataclasses.replace(stream_stats(int(usage.get("prompt_tokens") or prompt_tokens), count, started,
                                                 first_at, seed, self.info.n_ctx), textless_tokens=textless,
                                    n_ctx_assumed=self.info.n_ctx_source == ASSUMED)
        yield Finished(finish if finish in ("length", "cancelled") else "stop", stats)

    def _why_nothing(self, path: str, body: dict) -> ContextExceeded | None:
        """Why a stream ended before its first token, when the server named no context: its refusal of the prompt.

        llama-cpp-python's server starts the stream (200) before it reads the prompt, so a prompt longer than its
        context ends the stream with no word said; asked again without streaming, it answers 400 and names its
        context. It refuses before reading the prompt, so the question costs a tokenization; where the prompt fits
        (the stream failed for another reason) it costs reading the prompt and one token.
        """
        once = {k: v for k, v in body.items() if k not in ("stream", "stream_options", "logprobs", "top_logprobs")}
        try:
            response = self._client.post(path, json={**once, "stream": False, "max_tokens": 1})
            error = response.json().get("error") if response.status_code >= 400 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        return context_refusal(error, self.address.url)

    def _learn(self, refused: ContextExceeded, prompt_tokens: int) -> ContextExceeded:
        """Keep the context the server named for this model (the budget and the trimming use it from now on) and say
        so; the profile carries it, so whoever keeps the server's entry keeps it too (servers.remember_context)."""
        model = self.info.name
        self.profile = self.profile.with_learned({model: refused.n_ctx})
        self.info = dataclasses.replace(self.info, n_ctx=refused.n_ctx, n_ctx_train=refused.n_ctx, n_ctx_source=LEARNED)
        tokens = refused.prompt_tokens or prompt_tokens
        return ContextExceeded(translate(
            "core", "{url} refused the prompt: {model} there holds {n_ctx} tokens of context, and the prompt was about "
                    "{tokens}. Inkling uses {n_ctx} for it from now on: send again (or Regenerate) and the oldest turns "
                    "are left out to fit. Nothing written is lost.").format(
            url=self.address.url, model=model, n_ctx=f"{refused.n_ctx:,}", tokens=f"{tokens:,}"),
            refused.n_ctx, refused.prompt_tokens)

    def _sampling(self, settings: SamplerSettings, seed: int, budget: int) -> dict:
        """OpenAI's samplers always; top_k, min_p and the repeat penalty when set (OpenAI itself refuses them, and a
        server that ignores them has them turned off already), or when the server turns them on if left out."""
        body = {"temperature": settings.temperature, "top_p": settings.top_p, "seed": seed,
                "max_tokens": budget}
        always = set(self.profile.on_by_default)
        if settings.top_k > 0 or "top_k" in always:
            body["top_k"] = settings.top_k
        if settings.min_p > 0 or "min_p" in always:
            body["min_p"] = settings.min_p
        if settings.repeat_penalty != 1.0 or "repeat_penalty" in always:
            body["repeat_penalty"] = body["repetition_penalty"] = settings.repeat_penalty  # llama-server's, vLLM's
        return body

    def _events(self, choice: dict, chat: bool, index: int, settings: SamplerSettings) -> Iterator[TokenEvent]:
        """A chunk's visible text and its tokens' entries (the chat or the legacy completions shape)."""
        text = ((choice.get("delta") or {}).get("content") if chat else choice.get("text")) or ""
        records = self._records(choice.get("logprobs"), settings)
        if not records:
            if text:
                piece = text.encode("utf-8")
                self._pieces.setdefault(text_id(piece), piece)
                yield TokenEvent(index, text_id(piece), text, None, False)
            return
        for offset, record in enumerate(records):
            yield TokenEvent(index + offset, record.id, "" if offset else text, record, False)

    def _records(self, logprobs, settings: SamplerSettings) -> list[TokenRecord]:
        if not isinstance(logprobs, dict):
            return []
        if isinstance(logprobs.get("content"), list):  # chat shape (and llama-server's completions)
            return [self._record(entry, settings) for entry in logprobs["content"] if isinstance(entry, dict)]
        tokens = logprobs.get("tokens") or ()  # legacy completions shape (vLLM): parallel lists, alternatives by text
        values = logprobs.get("token_logprobs") or ()
        tops = logprobs.get("top_logprobs") or ()
        records = []
        for i, token in enumerate(tokens):
            top = [{"token": t, "logprob": lp} for t, lp in (tops[i] or {}).items()] if i < len(tops) else []
            records.append(self._record({"token": token, "logprob": values[i], "top_logprobs": top}, settings))
        return records

    def _record(self, entry: dict, settings: SamplerSettings) -> TokenRecord:
        token = self._intern(entry)
        top = [TopToken(self._intern(alt), self._text(alt), _logprob(alt), False) for alt in entry.get("top_logprobs") or ()]
        logprob = _logprob(entry)
        known = [t.logprob for t in top] + ([logprob] if all(t.id != token for t in top) else [])
        return TokenRecord(token, self._text(entry), logprob, drawn_probability(known, top, token, logprob, settings),
                           entropy_lower_bound(known), tuple(top), False)

    def _intern(self, entry: dict) -> int:
        piece = _piece(entry)
        token = text_id(piece)
        self._pieces.setdefault(token, piece)
        return token

    @staticmethod
    def _text(entry: dict) -> str:
        return piece_text(_piece(entry))

    def close(self) -> None:
        self._client.close()


def _piece(entry: dict) -> bytes:
    """A token's bytes: the entry's "bytes" when sent (exact for a character split over tokens), else its text."""
    raw = entry.get("bytes")
    return bytes(raw) if isinstance(raw, list) and raw else str(entry.get("token", "")).encode("utf-8")


def _logprob(entry: dict) -> float:
    value = entry.get("logprob")
    return float(value) if isinstance(value, (int, float)) and value > -1e30 else -1e30
