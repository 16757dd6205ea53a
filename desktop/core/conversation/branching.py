"""Continue a reply from an alternative token: a sibling reply fed the exact token ids up to that point."""

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
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from desktop.core.probability.trace import TokenRecord, TraceFormatError
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


@dataclass(frozen=True)
class BranchReady(PromptReady):
    """PromptReady for a branch, with the text its prefix tokens make."""

    prefix_text: str = ""


def start_branch(
    store: Store, message_id: int, position: int, token_id: int, model_name: str, *, request_id: int = 0,
) -> tuple[BranchRequest, list[TokenRecord]]:
    """Save a new `streaming` sibling of the reply whose token at `position` is `token_id`; return its request and trace so far."""
    source = store.get_message(message_id)
    if source is None or source.role != "assistant":
        raise BranchError(translate("core", "Only a reply of the model can be continued from another token."))
    if source.status == "streaming":
        raise BranchError(translate("core", "Wait until the reply is finished."))
    if source.model != model_name:
        raise BranchError(translate(
            "core", "This reply was written by {model}; open that model to continue it from another token."
        ).format(model=source.model or translate("core", "another model")))
    try:
        table = store.load_trace_table(message_id)
    except TraceFormatError as error:
        raise BranchError(translate("core", "This reply's token data cannot be read ({error}).").format(error=error)) from error
    if table is None or not 0 <= position < len(table):
        raise BranchError(translate("core", "This reply has no token data at that position."))
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

    conversation = store.get_conversation(source.conversation_id)
    history = history_before(store, source)
    reply = store.add_message(
        source.conversation_id, "assistant", "", parent_id=source.parent_id, status="streaming",
        model=model_name, sampler=source.sampler, branch_of=source.id, branch_position=position,
        engine=source.engine,
    )
    store.save_trace(reply.id, records)
    try:
        prompt_ids = store.load_prompt_tokens(source.id)
    except DamagedDataError:  # the engine renders the prompt again from the history instead
        prompt_ids = None
    request = BranchRequest(
        request_id=request_id, conversation_id=source.conversation_id, message_id=reply.id,
        system_prompt=conversation.system_prompt, history=tuple(history), settings=settings,
        top_logprobs=len(alternatives), prompt_ids=None if prompt_ids is None else tuple(prompt_ids),
        prefix_ids=tuple(int(t) for t in table.ids[:position]) + (alt.id,), ends=alt.eog,
    )
    return request, records



def generate_branch(engine, request: BranchRequest, cancel: threading.Event) -> Iterator[PromptReady | TokenEvent | Finished]:
    """Worker side: the source's prompt ids, then the prefix ids, then stream the rest with the reply's settings."""
    n_ctx = engine.info.n_ctx
    prefix = list(request.prefix_ids)
    remaining = request.settings.max_tokens - len(prefix)
    if request.prompt_ids is not None:
        prompt, dropped = list(request.prompt_ids), 0
    else:
        budget = n_ctx - reply_reserve(max(remaining, 1), n_ctx) - len(prefix)
        built = build_prompt(engine, request.system_prompt, list(request.history), budget)
        prompt, dropped = built.tokens, built.dropped_messages
    if len(prompt) + len(prefix) >= n_ctx:
        raise EngineError(translate("core", "The prompt and the reply up to this token ({tokens} tokens) fill the context.").format(
            tokens=len(prompt) + len(prefix)))
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    prefix_text = decoder.decode(b"".join(engine.token_piece(t) for t in prefix))  # end-of-text pieces are empty
    yield BranchReady(prompt_tokens=len(prompt), dropped_messages=dropped, n_ctx=n_ctx, token_ids=tuple(prompt),
                      prefix_text=prefix_text)
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
