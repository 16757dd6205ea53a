"""A lab reply kept as a branch of the conversation: its tokens in JSON with everything the trace needs, and back."""

from pathlib import Path

from desktop.core.engine.remote.engine import remote_model_name
from desktop.core.models import display_name
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


def reply_model(engine: dict) -> tuple[str, dict | None]:
    """How the window names the model of a run's engine (describe_engine), and what a reply keeps of the
    engine (None: in-process). The same name the window gives its loaded model, so a kept reply can be
    continued from another token when that model is open."""
    if engine.get("kind") == "in-process":
        return (display_name(Path(engine["path"])) if engine.get("path") else engine["model"]), None
    return remote_model_name(engine["model"], engine.get("server", "")), engine


def keep_as_branch(store: Store, user_message_id: int, reply: dict) -> Message:
    """Add a compare column or a sample as a reply to the user's message (a new branch, shown); returns it.

    `reply`: {"text", "tokens" (token_json), "settings", "finish_reason", "prompt_tokens", "engine"}, as the
    lab keeps them (engine: the column's or the run's, describe_engine).
    """
    model, engine = reply_model(reply["engine"])
    user = store.get_message(user_message_id)
    if user is None or user.role != "user":
        raise KeyError(f"no message of yours with id {user_message_id}")
    settings = SamplerSettings.from_dict(reply["settings"])
    message = store.add_message(
        user.conversation_id, "assistant", reply["text"], parent_id=user.id, model=model,
        sampler=settings.to_dict(), status="complete", engine=engine,
    )
    store.update_message(message.id, finish_reason=reply["finish_reason"])
    store.save_trace(message.id, [token_record(t) for t in reply["tokens"]])
    if reply.get("prompt_tokens"):
        store.save_prompt_tokens(message.id, list(reply["prompt_tokens"]))
    return store.get_message(message.id)
