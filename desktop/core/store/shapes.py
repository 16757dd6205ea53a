"""The declared shapes of the JSON values stored with messages (sampler, stats, sources), checked by pydantic."""

import json
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

# Strict: "12" is not a number and true is not an integer (a lax validator would convert them).
STRICT = ConfigDict(strict=True)
# Unknown keys are kept: a newer Inkling may add a setting or a figure, and older readers ignore it.
OPEN = ConfigDict(strict=True, extra="allow")

Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]  # what an SQLite integer holds
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


@with_config(OPEN)
class SamplerJson(TypedDict, total=False):
    """desktop.core.probability.sampling.SamplerSettings.to_dict(); a test keeps the two in step."""

    temperature: float
    top_p: float
    top_k: Count
    min_p: float
    repeat_penalty: float
    seed: Int64 | None
    max_tokens: Count


@with_config(OPEN)
class StatsJson(TypedDict, total=False):
    """GenerationStats.to_dict() and what the session adds; only printed, so other keys may be anything."""

    prompt_tokens: Count
    completion_tokens: Count
    ttft_ms: float
    tokens_per_s: float
    seed: Int64
    n_ctx: Count
    dropped_messages: Count


@with_config(OPEN)
class EngineJson(TypedDict, total=False):
    """Which engine wrote a reply (a remote engine's describe(), desktop.core.engine.remote); absent: in-process."""

    kind: str  # "llama-server" | "openai-compatible"
    server: str  # the name the user gave the server (never its key)
    model: str
    entropy: str  # "exact" | "lower bound …" | "estimated from the top k" | "none": how the views label the entropy
    token_ids: bool  # False: the server gave token texts only (ids derived from the text)
    branching: str  # "exact" | "by text, may re-tokenize" | "none: why"


class EngineChoiceJson(TypedDict, total=False):
    """The engine a conversation chats with: a model file ("path"), or a server's model ("server", "model")."""

    path: str
    server: str  # the name the user gave the server
    model: str


@with_config(OPEN)
class SourceJson(TypedDict):
    """One notes chunk a reply was grounded on (Source.to_json()): the Sources row reads every key."""

    note_id: Int64
    title: str
    chunk: Count
    score: float
    snippet: str


SAMPLER = TypeAdapter(SamplerJson)
STATS = TypeAdapter(StatsJson)
ENGINE = TypeAdapter(EngineJson)
ENGINE_CHOICE = TypeAdapter(EngineChoiceJson)
SOURCES = TypeAdapter(list[SourceJson])


def parse_stored(adapter: TypeAdapter, text: str) -> Any:
    """A stored JSON value checked against its shape; ValueError (with pydantic's reason) when it does not fit."""
    try:
        return adapter.validate_json(text)
    except ValidationError as error:
        raise ValueError(first_problem(error)) from None


def first_problem(error: ValidationError) -> str:
    """pydantic's first complaint in one line: where (messages[3].trace[0].id), what, and the value found."""
    problems = error.errors(include_url=False)
    problem = problems[0]
    where = where_text(problem["loc"])
    found = problem.get("input")
    shown = json.dumps(found, ensure_ascii=False, default=repr)  # as it was written in the JSON
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    if problem["type"] == "missing":
        return f"{where}: missing{more}"
    message = problem["msg"][:1].lower() + problem["msg"][1:]
    return f"{where + ': ' if where else ''}{message}, found {shown}{more}"


def where_text(loc: tuple) -> str:
    """('messages', 3, 'trace', 0, 'id') -> messages[3].trace[0].id"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
