"""The declared shapes of the JSON values stored with messages (sampler, stats, sources), checked by pydantic."""

import json
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from desktop.core.words import Words, joined, translate

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


def first_problem(error: ValidationError, leave_out: str = "") -> Words:
    """pydantic's first complaint in one line: where (messages[3].trace[0].id), what, and the value found.

    `leave_out`: a first step of the path not to name (the experiment kind a check added). Said in the
    core's words where pydantic's are known (the window translates them), else in pydantic's own.
    """
    problems = error.errors(include_url=False)
    problem = problems[0]
    where = where_text(problem["loc"])
    if leave_out and where.startswith(leave_out + "."):
        where = where[len(leave_out) + 1:]
    found = problem.get("input")
    shown = json.dumps(found, ensure_ascii=False, default=repr)  # as it was written in the JSON
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if problem["type"] == "missing":
        line = translate("core", "{where}: missing").format(where=where)
    else:
        what = _said_problem(problem)
        line = (translate("core", "{where}: {problem}, found {value}").format(where=where, problem=what, value=shown) if where
                else translate("core", "{problem}, found {value}").format(problem=what, value=shown))
    if len(problems) > 1:
        more = (translate("core", "(and {count} more problem)") if len(problems) == 2
                else translate("core", "(and {count} more problems)")).format(count=len(problems) - 1)
        return joined(" ", [line, more])
    return line


def _said_problem(problem: dict) -> Words | str:
    """pydantic's message for the kinds of problem a damaged or hand-edited value has, in words the window translates."""
    kind, ctx = problem["type"], problem.get("ctx") or {}
    number = {key: format(value, "g") if isinstance(value, float) else value for key, value in ctx.items()}  # as pydantic
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return translate("core", "input should be a valid integer")
    if kind in ("float_type", "float_parsing"):
        return translate("core", "input should be a valid number")
    if kind == "string_type":
        return translate("core", "input should be a valid string")
    if kind in ("bool_type", "bool_parsing"):
        return translate("core", "input should be a valid boolean")
    if kind == "list_type":
        return translate("core", "input should be a valid array")
    if kind in ("dict_type", "model_type"):
        return translate("core", "input should be an object")
    if kind == "greater_than_equal":
        return translate("core", "input should be greater than or equal to {limit}").format(limit=number["ge"])
    if kind == "greater_than":
        return translate("core", "input should be greater than {limit}").format(limit=number["gt"])
    if kind == "less_than_equal":
        return translate("core", "input should be less than or equal to {limit}").format(limit=number["le"])
    if kind == "less_than":
        return translate("core", "input should be less than {limit}").format(limit=number["lt"])
    if kind == "literal_error":
        # pydantic joins the last two with " or " ('a', 'b' or 'c'): a list reads in any language
        choices = ", ".join(str(ctx.get("expected", "")).rsplit(" or ", 1))
        return translate("core", "input should be one of {expected}").format(expected=choices)
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError) and isinstance(ctx["error"].args[0], Words):
        return ctx["error"].args[0]  # a check of the core's own (a number past float32), in its words
    if kind == "extra_forbidden":
        return translate("core", "extra inputs are not permitted")
    return problem["msg"][:1].lower() + problem["msg"][1:]


def where_text(loc: tuple) -> str:
    """('messages', 3, 'trace', 0, 'id') -> messages[3].trace[0].id"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
