"""Continue a reply from an alternative token, or resume a failed one: a sibling fed the exact token ids up to there.

An engine that knows tokens only by their text (a server without ids) is fed the text instead, by text. Either
way the sibling reads the source's own prompt (its ids, or its recorded text), so it keeps the source's notes.
"""

import codecs
import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.conversation.turns import PromptReady, ReplyRequest
from desktop.core.conversation.edits import history_before
from desktop.core.engine.types import EngineError, Finished, GenerationStats, TokenEvent
from desktop.core.errors import DamagedDataError, InklingError
from desktop.core.prompt.build import build_prompt, reply_reserve
from desktop.core.prompt.record import PromptRecord, PromptRecordError
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from desktop.core.probability.trace import TokenRecord, TraceFormatError, piece_bytes
from desktop.core.probability.whatif import sampler_view
from desktop.core.words import translate


class BranchError(InklingError):
    """The branch cannot be made; the message says why in the user's terms."""


@dataclass(frozen=True)
class BranchRequest(ReplyRequest):
    """A reply that starts with given token ids instead of being generated from the prompt alone."""

    prompt_ids: tuple[int, ...] | None = None  # the source reply's stored prompt; None: rebuild from history
    prefix_ids: tuple[int, ...] = ()  # the source's tokens before the branch point, then the alternative
    ends: bool = False  # the alternative is an end-of-generation token: nothing follows it
    prefix_text: str = ""  # the prefix as text, for an engine without token ids (continued by text)
    prompt_record: PromptRecord | None = None  # the source's prompt as it was laid out (its text, with its notes)
    sources: int = 0  # how many notes the source's prompt held (kept with the sibling)


@dataclass(frozen=True)
class BranchReady(PromptReady):
    """PromptReady for a branch, with the text its prefix tokens make."""

    prefix_text: str = ""


# llama-server streams a character split over several tokens as its last token only: the ids before it are unknown
HELD_BACK = translate("core", "The server sent token {token} of this reply as a whole character without the tokens "
                              "before it, so the tokens after it cannot be given back to the model exactly. Branch at "
                              "or before token {token}, or use the model on this laptop.")


def start_branch(
    store: Store, message_id: int, position: int, token_id: int, model_name: str, *, request_id: int = 0,
) -> tuple[BranchRequest, list[TokenRecord]]:
    """Save a new `streaming` sibling of the reply whose token at `position` is `token_id`; return its request and trace so far."""
    source = _source(store, message_id, model_name, translate(
        "core", "This reply was written by {model}; open that model to continue it from another token."))
    branching = (source.engine or {}).get("branching", "exact")
    if branching.startswith("none"):
        raise BranchError(translate("core", "This reply's server cannot continue it from another token ({reason}).").format(
            reason=branching.split(": ", 1)[-1]))
    table = _table(store, source)
    if not 0 <= position < len(table):
        raise BranchError(translate("core", "This reply has no token data at that position."))
    held_back = (source.stats or {}).get("held_back_at")
    if held_back is not None and position > held_back:
        raise BranchError(HELD_BACK.format(token=held_back + 1))
    alternatives = table.top(position)
    index = next((i for i, alt in enumerate(alternatives) if alt.id == token_id), None)
    if index is None:
        raise BranchError(translate("core", "That token is not among the alternatives stored for this position."))
    if token_id == int(table.ids[position]):
        raise BranchError(translate("core", "That is the token the reply already has."))
    settings = SamplerSettings.from_dict(source.sampler)
    alt = alternatives[index]
    drawn = sampler_view([a.logprob for a in alternatives], settings).probs[index]
    chosen = table.record(position)
    records = [table.record(row) for row in range(position)]
    records.append(TokenRecord(alt.id, alt.text, alt.logprob, float(drawn), chosen.entropy, chosen.top, alt.eog))
    return _sibling(store, source, records, position, request_id, len(alternatives)), records


def start_resume(store: Store, message_id: int, model_name: str, *, request_id: int = 0) -> tuple[BranchRequest, list[TokenRecord]]:
    """Continue a reply that failed midway (a server that went away): a sibling with all its tokens, generated on."""
    source = _source(store, message_id, model_name, translate(
        "core", "This reply was written by {model}; open that model to continue it."))
    if source.status != "error":
        raise BranchError(translate("core", "Only a reply that failed midway can be continued."))
    if (source.stats or {}).get("held_back_at") is not None:
        raise BranchError(HELD_BACK.format(token=source.stats["held_back_at"] + 1))
    table = _table(store, source)
    records = [table.record(row) for row in range(len(table))]
    if not records:
        raise BranchError(translate("core", "This reply failed before its first token: regenerate it instead."))
    if records[-1].eog:
        raise BranchError(translate("core", "This reply had already ended."))
    top = max((len(table.top(row)) for row in range(len(table))), default=0)
    return _sibling(store, source, records, None, request_id, top), records


def _source(store: Store, message_id: int, model_name: str, wrong_model: str):
    """The reply to continue, if it is one and its model is loaded (`wrong_model`: the words, with {model}, if not)."""
    source = store.get_message(message_id)
    if source is None or source.role != "assistant":
        raise BranchError(translate("core", "Only a reply of the model can be continued."))
    if source.status == "streaming":
        raise BranchError(translate("core", "Wait until the reply is finished."))
    if source.model != model_name:
        raise BranchError(wrong_model.format(model=source.model or translate("core", "another model")))
    return source


def _table(store: Store, source):
    try:
        table = store.load_trace_table(source.id)
    except TraceFormatError as error:
        raise BranchError(translate("core", "This reply's token data cannot be read ({error}).").format(error=error)) from error
    if table is None:
        raise BranchError(translate("core", "This reply has no token data."))
    return table


def _sibling(store: Store, source, records: list[TokenRecord], position: int | None, request_id: int,
             top_logprobs: int) -> BranchRequest:
    """Save the new `streaming` sibling with its trace so far; its request starts from those tokens."""
    conversation = store.get_conversation(source.conversation_id)
    history = history_before(store, source)
    reply = store.add_message(
        source.conversation_id, "assistant", "", parent_id=source.parent_id, status="streaming",
        model=source.model, sampler=source.sampler, branch_of=source.id, branch_position=position,
        engine=source.engine,
    )
    store.save_trace(reply.id, records)
    try:
        prompt_ids = store.load_prompt_tokens(source.id)
    except DamagedDataError:  # the engine renders the prompt again from the history instead
        prompt_ids = None
    try:
        blob = store.load_prompt_record(source.id)
        record = PromptRecord.decode(blob) if blob is not None else None
    except PromptRecordError:
        record = None
    try:
        sources = store.load_sources(source.id)
    except DamagedDataError:
        sources = []
    if sources:  # the same notes as the source: its prompt held them (a prompt built again drops them at the end)
        store.save_sources(reply.id, sources)
    text = b"".join(piece_bytes(r.text) for r in records if not r.eog).decode("utf-8", errors="replace")
    return BranchRequest(
        request_id=request_id, conversation_id=source.conversation_id, message_id=reply.id,
        system_prompt=conversation.system_prompt, history=tuple(history),
        settings=SamplerSettings.from_dict(source.sampler), top_logprobs=top_logprobs,
        prompt_ids=tuple(prompt_ids) if prompt_ids else None, prefix_ids=tuple(r.id for r in records),
        ends=records[-1].eog, prefix_text=text, prompt_record=record, sources=len(sources),
    )


def generate_branch(engine, request: BranchRequest, cancel: threading.Event) -> Iterator[PromptReady | TokenEvent | Finished]:
    """Worker side: the source's prompt ids, then the prefix ids, then stream the rest with the reply's settings."""
    if not engine.capabilities.token_ids:
        yield from _generate_by_text(engine, request, cancel)
        return
    n_ctx = engine.info.n_ctx
    prefix = list(request.prefix_ids)
    remaining = request.settings.max_tokens - len(prefix)
    if request.prompt_ids is not None:
        prompt, dropped, sources = list(request.prompt_ids), 0, request.sources
    else:
        budget = n_ctx - reply_reserve(max(remaining, 1), n_ctx) - len(prefix)
        built = build_prompt(engine, request.system_prompt, list(request.history), budget)
        prompt, dropped, sources = built.tokens, built.dropped_messages, 0
    if len(prompt) + len(prefix) >= n_ctx:
        raise EngineError(translate("core", "The prompt and the reply up to this token ({tokens} tokens) fill the context.").format(
            tokens=len(prompt) + len(prefix)))
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    prefix_text = decoder.decode(b"".join(engine.token_piece(t) for t in prefix))  # end-of-text pieces are empty
    yield BranchReady(prompt_tokens=len(prompt), dropped_messages=dropped, n_ctx=n_ctx, token_ids=tuple(prompt),
                      sources_used=sources, prefix_text=prefix_text)
    if request.ends or remaining <= 0:
        stats = GenerationStats(len(prompt) + len(prefix), 0, 0.0, 0.0, request.settings.seed or 0, n_ctx)
        yield Finished("stop" if request.ends else "length", stats, decoder.decode(b"", final=True))
        return
    settings = dataclasses.replace(request.settings, max_tokens=remaining)
    for event in engine.stream(prompt + prefix, settings, top_logprobs=request.top_logprobs, cancel=cancel):
        if isinstance(event, TokenEvent):
            # re-decoded here, so a character split across the branch point still comes out whole
            delta = "" if event.end_of_text else decoder.decode(engine.token_piece(event.token_id))
            yield dataclasses.replace(event, delta=delta)
        else:
            yield dataclasses.replace(event, tail=decoder.decode(b"", final=True))


def _generate_by_text(engine, request: BranchRequest, cancel: threading.Event) -> Iterator[PromptReady | TokenEvent | Finished]:
    """The same for an engine without token ids: the source's recorded prompt text (else the prompt rendered
    again from the history, without notes), the prefix sent as text."""
    n_ctx = engine.info.n_ctx
    prefix = len(request.prefix_ids)
    remaining = request.settings.max_tokens - prefix
    record = request.prompt_record
    if record is not None:  # what the source was generated from, notes and all: rendered by the same template
        messages, rendered, prompt_tokens = [], record.text, len(record.token_ends)
        dropped, sources = record.dropped_messages, request.sources
    else:
        built = build_prompt(engine, request.system_prompt, list(request.history),
                             n_ctx - reply_reserve(max(remaining, 1), n_ctx) - prefix)
        messages, rendered, prompt_tokens = list(built.messages), None, len(built.tokens)
        dropped, sources = built.dropped_messages, 0
    yield BranchReady(prompt_tokens=prompt_tokens, dropped_messages=dropped, n_ctx=n_ctx, sources_used=sources,
                      record=record, prefix_text=request.prefix_text)
    if request.ends or remaining <= 0:
        stats = GenerationStats(prompt_tokens + prefix, 0, 0.0, 0.0, request.settings.seed or 0, n_ctx)
        yield Finished("stop" if request.ends else "length", stats)
        return
    settings = dataclasses.replace(request.settings, max_tokens=remaining)
    yield from engine.stream_continuation(messages, request.prefix_text, settings, top_logprobs=request.top_logprobs,
                                          cancel=cancel, prompt_tokens=prompt_tokens + prefix, rendered=rendered)
