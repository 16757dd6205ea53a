"""Which notes ground a reply: the per-conversation "Use notes" switch, top-k and min-score, saved sources."""

from dataclasses import dataclass, replace

from desktop.core.conversation.turns import ReplyRequest
from desktop.core.store import Store

DEFAULT_TOP_K = 4
DEFAULT_MIN_SCORE = 0.25  # MiniLM cosine: unrelated text scores about 0-0.15, a relevant chunk 0.3 and up
MAX_TOP_K = 10
TOP_K_KEY = "notes_top_k"
MIN_SCORE_KEY = "notes_min_score"


@dataclass(frozen=True)
class RetrievalSettings:
    use_notes: bool
    top_k: int
    min_score: float


def _use_notes_key(conversation_id: int) -> str:
    return f"use_notes:{conversation_id}"


def retrieval_settings(store: Store, conversation_id: int | None, notes_exist: bool) -> RetrievalSettings:
    """The conversation's choice; a conversation that never chose uses notes whenever there are some."""
    chosen = None if conversation_id is None else store.get_setting(_use_notes_key(conversation_id))
    return RetrievalSettings(
        notes_exist if chosen is None else bool(chosen),
        int(store.get_setting(TOP_K_KEY, DEFAULT_TOP_K)),
        float(store.get_setting(MIN_SCORE_KEY, DEFAULT_MIN_SCORE)),
    )


def set_use_notes(store: Store, conversation_id: int, use: bool) -> None:
    store.set_setting(_use_notes_key(conversation_id), bool(use))


def save_limits(store: Store, top_k: int, min_score: float) -> None:
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValueError(f"top-k must be between 1 and {MAX_TOP_K}")
    if not 0.0 <= min_score <= 1.0:
        raise ValueError("the minimum score must be between 0 and 1")
    store.set_setting(TOP_K_KEY, top_k)
    store.set_setting(MIN_SCORE_KEY, min_score)


def attach_sources(store: Store, request: ReplyRequest, sources: list) -> ReplyRequest:
    """Save the sources with the reply before generation starts; the request then carries them to the prompt."""
    store.save_sources(request.message_id, [source.to_json() for source in sources])
    return replace(request, sources=tuple(sources))
