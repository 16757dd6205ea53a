"""The llama.cpp engine: loads a GGUF, builds prompts with its template, streams tokens with probabilities."""

import codecs
import ctypes
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import llama_cpp
import numpy as np
from llama_cpp import _logger as llama_logger
from llama_cpp import llama_cpp as bindings

from desktop.core.engine import llama_scoring
from desktop.core.engine.capture import ProbabilityCapture
from desktop.core.engine.gguf import training_context
from desktop.core.engine.runtime import LoadReport, gpu_offload_supported, parse_load_log
from desktop.core.engine.template import ChatTemplate
from desktop.core.engine.types import (
    DEFAULT_CONTEXT, IN_PROCESS, EngineConfig, EngineError, Finished, GenerationStats, ModelInfo,
    ModelLoadError, TokenEvent,
)
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken, piece_text
from desktop.core.words import translate

MAX_TOP_LOGPROBS = 20
KV_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0}
_LOADING = threading.Lock()  # the hooks below swap a module function and the global logger: one load at a time
MAX_LOG_LINES = 100_000  # a load logs a few lines per tensor; a bound keeps a strange build from filling memory


@contextmanager
def _loading(progress, cancelled: threading.Event, log: list[str]):
    """One load at a time, with llama.cpp's log kept in `log` (what it actually did) and its progress reported.

    llama-cpp-python's Llama() has no parameter for the progress callback, but it builds its model
    parameters with llama_model_default_params(): for this one load, that returns them with our callback set.
    """
    def report(fraction: float, _data) -> bool:
        try:
            keep_going = progress(fraction) is not False
        except Exception:  # an exception cannot cross the C boundary; stop the load and say so
            keep_going = False
        if not keep_going:
            cancelled.set()
        return keep_going

    def keep(_level: int, text: bytes, _data) -> None:
        if len(log) < MAX_LOG_LINES:
            log.append(text.decode("utf-8", errors="replace"))

    callback = llama_cpp.llama_progress_callback(report)
    logger = llama_cpp.llama_log_callback(keep)
    original = bindings.llama_model_default_params

    def with_progress():
        params = original()
        params.progress_callback = callback
        return params

    with _LOADING:
        if progress is not None:
            bindings.llama_model_default_params = with_progress
        llama_cpp.llama_log_set(logger, ctypes.c_void_p(0))
        try:
            yield
        finally:
            bindings.llama_model_default_params = original
            # back to llama-cpp-python's own logger (it prints only when verbose)
            llama_cpp.llama_log_set(llama_logger.llama_log_callback, ctypes.c_void_p(0))


def check_model_file(path: Path) -> None:
    """Fail early, with a readable reason, before llama.cpp sees a file it would reject less clearly."""
    if not path.exists():
        raise ModelLoadError(translate("core", "Model file not found: {path}").format(path=path))
    if not path.is_file():
        raise ModelLoadError(translate("core", "Not a file: {path}").format(path=path))


class LlamaEngine:
    """One loaded model (an Engine). Not thread-safe: exactly one thread (the worker) may use it."""

    capabilities = IN_PROCESS  # the model's own ids and the full last-position logits

    def __init__(self, path: str | Path, config: EngineConfig = EngineConfig()):
        # absolute, not resolved: a split model in the HF cache is a folder of links whose targets are hashes
        path = Path(os.path.abspath(Path(path).expanduser()))
        check_model_file(path)
        n_ctx = config.n_ctx or min(DEFAULT_CONTEXT, training_context(path) or DEFAULT_CONTEXT)
        if config.kv_type not in KV_TYPES:
            raise ModelLoadError(f"Unknown KV cache type {config.kv_type!r} (choose {' or '.join(KV_TYPES)})")
        cancelled, log = threading.Event(), []
        try:
            with _loading(config.progress, cancelled, log):
                self._llm = _Llama(
                    str(path), n_ctx=n_ctx, n_threads=config.n_threads, n_threads_batch=config.n_threads,
                    n_gpu_layers=config.n_gpu_layers, n_batch=min(config.n_batch, n_ctx),
                    logits_all=False, verbose=False, swa_full=True,
                    # Off unless asked for: on the CPU it decodes 10-20% faster early in a reply but moves
                    # the log-probabilities (tests/bench/bench_fidelity.py) and slows a short follow-up
                    # after a long history (it reads a reused cache one query at a time).
                    flash_attn=config.flash_attention,
                    # llama.cpp quantizes the V cache only with flash attention; without it, K alone.
                    type_k=KV_TYPES[config.kv_type],
                    type_v=KV_TYPES[config.kv_type if config.flash_attention else "f16"],
                )
        except (ValueError, RuntimeError, OSError) as error:
            if cancelled.is_set():
                raise ModelLoadError(translate("core", "Loading {name} was cancelled").format(name=path.name)) from error
            raise ModelLoadError(translate("core", "llama.cpp could not load {name}: {error}").format(name=path.name, error=error)) from error
        metadata = self._llm.full_metadata
        self._vocab = self._llm._model.vocab
        self._ctx = self._llm._ctx.ctx
        self.runtime = LoadReport(
            threads=llama_cpp.llama_n_threads(self._ctx), threads_batch=llama_cpp.llama_n_threads_batch(self._ctx),
            gpu_build=gpu_offload_supported(), **parse_load_log("".join(log)),
        )
        self._special_pieces: dict[int, bytes] = {}
        self._text_pieces: dict[int, bytes] = {}
        self._eog: dict[int, bool] = {}
        self._cancel: threading.Event | None = None
        # Called as prompt_progress(read, total) while a long prompt is read (the worker sets it; optional).
        self.prompt_progress: Callable[[int, int], None] | None = None
        self._abort_callback = llama_cpp.ggml_abort_callback(self._should_abort)
        bos, eos = self._llm.token_bos(), self._llm.token_eos()
        template_source = metadata.get("tokenizer.chat_template")
        self.info = ModelInfo(
            path=path,
            name=metadata.get("general.name") or path.stem,
            n_ctx=self._llm.n_ctx(),
            n_ctx_train=self._llm._model.n_ctx_train(),
            n_vocab=self._llm.n_vocab(),
            chat_template=template_source,
            runtime=self.runtime,
        )
        try:
            self.template = ChatTemplate(
                template_source, self._token_text(bos), self._token_text(eos)
            ) if template_source else None
        except EngineError:  # a template over its budget (or unreadable): the model is refused, freed now
            self._llm.close()
            raise
        self._bos_text = self._token_text(bos) if bos >= 0 else ""
        self._adds_bos = metadata.get("tokenizer.ggml.add_bos_token", "true") != "false" and bos >= 0

    # --- prompt side -------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        """Tokenize a rendered prompt; special tokens in it are parsed, and BOS is added once if the model wants it."""
        add_bos = self._adds_bos and not (self._bos_text and text.startswith(self._bos_text))
        return self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def render(self, messages: list[dict[str, str]]) -> str:
        """Turn messages into prompt text: the model's chat template, or a plain document for a base model."""
        if self.template is not None:
            return self.template.render(messages)
        return render_completion_document(messages)

    def token_text(self, token_id: int) -> str:
        """How a token reads in a list of alternatives (special tokens by their name)."""
        return piece_text(self._special_piece(token_id))

    def token_piece(self, token_id: int) -> bytes:
        """The bytes a token adds to the reply's text (special tokens add none)."""
        return self._text_piece(token_id)

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes a token stands for in a prompt, special tokens included (`<|im_start|>`)."""
        return self._special_piece(token_id)

    def continuation_tokens(self, prompt_text: str, prompt_tokens: list[int], text: str) -> list[int]:
        """The tokens a text adds after a prompt (the lab scores them)."""
        return llama_scoring.continuation_tokens(self, prompt_text, prompt_tokens, text)

    def score_continuations(self, prompt_tokens: list[int], continuations: list[list[int]], top: int = 10,
                            cancel: threading.Event | None = None, exact: bool = False) -> list:
        """Each continuation's tokens with their log-probabilities after the prompt (llama_scoring)."""
        return llama_scoring.score_continuations(self, prompt_tokens, continuations, top, cancel, exact)

    def clear_cache(self) -> None:
        """Forget the KV cache, so the next prompt is evaluated in full (tests and benchmarks compare with this)."""
        self._llm.reset()

    def is_eog(self, token_id: int) -> bool:
        """Whether drawing this token ends the reply."""
        eog = self._eog.get(token_id)
        if eog is None:
            eog = self._eog[token_id] = bool(llama_cpp.llama_vocab_is_eog(self._vocab, token_id))
        return eog

    # --- generation ----------------------------------------------------------------------------
    def stream(
        self,
        prompt_tokens: list[int],
        settings: SamplerSettings,
        *,
        top_logprobs: int = 10,
        cancel: threading.Event | None = None,
    ) -> Iterator[TokenEvent | Finished]:
        """Yield a TokenEvent per drawn token, then one Finished; stops on any end-of-generation token."""
        settings = settings.validated()
        top_logprobs = max(0, min(top_logprobs, MAX_TOP_LOGPROBS))
        cancel = cancel or threading.Event()
        seed = settings.seed if settings.seed is not None else random.randrange(2**31)
        budget = min(settings.max_tokens, self.info.n_ctx - len(prompt_tokens))
        if budget <= 0:
            raise EngineError(translate("core", "The prompt ({tokens} tokens) fills the whole context ({n_ctx}).").format(
                tokens=len(prompt_tokens), n_ctx=self.info.n_ctx))
        capture = ProbabilityCapture(settings, top_logprobs, self.info.n_vocab) if top_logprobs else None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._llm.set_seed(seed)
        started = time.perf_counter()
        first_token_at = None
        count = 0
        finish = "length"
        self._arm_abort(cancel)
        tokens = self._llm.generate(
            prompt_tokens, top_k=settings.top_k, top_p=settings.top_p, min_p=settings.min_p,
            temp=settings.temperature, repeat_penalty=settings.repeat_penalty, reset=True,
        )
        try:
            self._read_prompt(prompt_tokens, cancel)
            for token in tokens:
                if first_token_at is None:
                    first_token_at = time.perf_counter()
                    self._disarm_abort()  # the callback costs a GIL round-trip per graph node: prefill only
                if cancel.is_set():
                    finish = "cancelled"
                    break
                end_of_text = llama_cpp.llama_vocab_is_eog(self._vocab, token)
                record = self._record(capture, token) if capture else None
                delta = "" if end_of_text else decoder.decode(self._text_piece(token))
                yield TokenEvent(count, token, delta, record, end_of_text)
                count += 1
                if end_of_text:
                    finish = "stop"
                    break
                if count >= budget:
                    break
        except RuntimeError as error:
            if not cancel.is_set():
                raise EngineError(translate("core", "llama.cpp failed while generating: {error}").format(error=error)) from error
            finish = "cancelled"  # llama_decode was aborted during the prompt
        finally:
            tokens.close()
            self._disarm_abort()
        ended = time.perf_counter()
        first = first_token_at or ended
        decode_seconds = ended - first
        stats = GenerationStats(
            prompt_tokens=len(prompt_tokens), completion_tokens=count,
            ttft_ms=(first - started) * 1000.0,
            tokens_per_s=(count - 1) / decode_seconds if count > 1 and decode_seconds > 0 else 0.0,
            seed=seed, n_ctx=self.info.n_ctx,
        )
        yield Finished(finish, stats, decoder.decode(b"", final=True))

    def _read_prompt(self, prompt: list[int], cancel: threading.Event) -> None:
        """Evaluate a long prompt ahead of generate(), a batch at a time, telling prompt_progress how far it got.

        The batches are the ones generate() would make (n_batch tokens from the first one the KV cache
        lacks), so the logits are the same; generate() then finds the whole prompt cached and samples.
        """
        hook, llm = self.prompt_progress, self._llm
        cached = llm._input_ids
        common = min(len(cached), len(prompt))
        differ = np.flatnonzero(cached[:common] != np.asarray(prompt[:common], dtype=cached.dtype))
        common = int(differ[0]) if differ.size else common
        if hook is None or len(prompt) - common <= llm.n_batch:
            return  # one batch: nothing worth reporting, generate() reads it
        if not (common > 0 and llm._ctx.kv_cache_seq_rm(-1, common, -1)):
            llm.reset()
            common = 0
        llm.n_tokens = common
        hook(common, len(prompt))
        for start in range(common, len(prompt), llm.n_batch):
            if cancel.is_set():
                return  # generate()'s next decode is aborted at once
            llm.eval(prompt[start:start + llm.n_batch])
            hook(min(start + llm.n_batch, len(prompt)), len(prompt))

    def _record(self, capture: ProbabilityCapture, token: int) -> TokenRecord:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._ctx, -1), shape=(self.info.n_vocab,))
        logprob, sampled_prob, entropy, top_ids, top_logprobs, penalised = capture.measure(logits, token)
        top = tuple(
            TopToken(alt, self.token_text(alt), lp, self.is_eog(alt))
            for alt, lp in zip(top_ids.tolist(), top_logprobs.tolist())
        )
        log_z, pairs = None, ()
        if penalised is not None:
            log_z, pairs = penalised[0], tuple(zip(penalised[1].tolist(), penalised[2].tolist()))
        return TokenRecord(token, self.token_text(token), logprob, sampled_prob, entropy, top, self.is_eog(token),
                           log_z, pairs)

    # --- cancellation during a long prompt evaluation ------------------------------------------
    def _should_abort(self, _data) -> bool:
        cancel = self._cancel
        return cancel is not None and cancel.is_set()

    def _arm_abort(self, cancel: threading.Event) -> None:
        self._cancel = cancel
        llama_cpp.llama_set_abort_callback(self._ctx, self._abort_callback, None)

    def _disarm_abort(self) -> None:
        self._cancel = None
        llama_cpp.llama_set_abort_callback(self._ctx, ctypes.cast(None, llama_cpp.ggml_abort_callback), None)

    # --- token pieces (cached: the vocabulary is fixed) -----------------------------------------
    def _special_piece(self, token_id: int) -> bytes:
        piece = self._special_pieces.get(token_id)
        if piece is None:
            piece = self._special_pieces[token_id] = _token_to_piece(self._vocab, token_id, special=True)
        return piece

    def _text_piece(self, token_id: int) -> bytes:
        piece = self._text_pieces.get(token_id)
        if piece is None:
            piece = self._text_pieces[token_id] = _token_to_piece(self._vocab, token_id, special=False)
        return piece

    def _token_text(self, token_id: int) -> str:
        return self.token_text(token_id) if token_id >= 0 else ""

    def close(self) -> None:
        self._disarm_abort()
        self._llm.close()


class _Llama(llama_cpp.Llama):
    """llama_cpp.Llama without its chat formatters.

    Its __init__ compiles every `tokenizer.chat_template*` key of `self.metadata` with its own, unguarded
    Jinja environment (a huge constant took 12 GB there). Inkling renders templates itself, within
    budgets (template.py), so `metadata` hides those keys from it; `full_metadata` has them.
    """

    @property
    def metadata(self) -> dict[str, str]:
        return self._metadata_without_templates

    @metadata.setter
    def metadata(self, value: dict[str, str]) -> None:
        self.full_metadata = value
        self._metadata_without_templates = {
            key: text for key, text in value.items() if not key.startswith("tokenizer.chat_template")
        }


def _token_to_piece(vocab, token_id: int, special: bool) -> bytes:
    size = 64
    while True:
        buffer = ctypes.create_string_buffer(size)
        written = llama_cpp.llama_token_to_piece(vocab, token_id, buffer, size, 0, special)
        if written >= 0:
            return buffer.raw[:written]
        size = -written  # a negative result is the size the piece needs


def render_completion_document(messages: list[dict[str, str]]) -> str:
    """A base model continues a document: the system text, then each reply continues the user's text directly."""
    text, previous_role = "", None
    for message in messages:
        if message["role"] == "system":
            text += message["content"] + "\n\n" if message["content"] else ""
            continue
        if message["role"] == "user" and previous_role == "assistant":
            text += "\n\n"
        text += message["content"]
        previous_role = message["role"]
    return text
