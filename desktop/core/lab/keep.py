"""A lab reply kept as a branch of the conversation: its tokens in JSON with everything the trace needs, and back."""

from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken
from desktop.core.store import Message, Store


def token_json(record: TokenRecord) -> dict:
    """A drawn token with its end-of-generation marks, so a kept reply's heatmap says what the live one said."""
    return {
        "id": record.id, "text": record.text, "logprob": record.logprob, "sampled_prob": record.sampled_prob,
        "entropy": record.entropy, "eog": record.eog,
        "top": [{"id": t.id, "text": t.text, "logprob": t.logprob, "eog": t.eog} for t in record.top],
    }


def token_record(data: dict) -> TokenRecord:
    top = tuple(TopToken(t["id"], t["text"], t["logprob"], t.get("eog", False)) for t in data["top"])
    return TokenRecord(data["id"], data["text"], data["logprob"], data["sampled_prob"], data["entropy"], top,
                       data.get("eog", False))


def keep_as_branch(store: Store, user_message_id: int, reply: dict, model: str) -> Message:
    """Add a compare column or a sample as a reply to the user's message (a new branch, shown); returns it.

    `reply`: {"text", "tokens" (token_json), "settings", "finish_reason", "prompt_tokens"}, as the lab keeps it.
    """
    user = store.get_message(user_message_id)
    if user is None or user.role != "user":
        raise KeyError(f"no message of yours with id {user_message_id}")
    settings = SamplerSettings.from_dict(reply["settings"])
    message = store.add_message(
        user.conversation_id, "assistant", reply["text"], parent_id=user.id, model=model,
        sampler=settings.to_dict(), status="complete",
    )
    store.update_message(message.id, finish_reason=reply["finish_reason"])
    store.save_trace(message.id, [token_record(t) for t in reply["tokens"]])
    if reply.get("prompt_tokens"):
        store.save_prompt_tokens(message.id, list(reply["prompt_tokens"]))
    return store.get_message(message.id)
