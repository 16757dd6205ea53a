"""The declared shape of a lab experiment's data (score, sample, compare), checked before it is shown or imported."""

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, ValidationError, with_config
from typing_extensions import NotRequired, TypedDict

from desktop.core.store.shapes import OPEN, Count, Int64, SamplerJson, SourceJson, first_problem
from desktop.core.words import translate

TokenId = Annotated[int, Field(ge=0, le=2**31 - 1)]
MAX_ALTERNATIVES = 64  # as in a conversation export: the engines keep at most 20


@with_config(OPEN)
class AlternativeJson(TypedDict):
    id: TokenId
    text: str
    logprob: float
    eog: NotRequired[bool]


@with_config(OPEN)
class LabTokenJson(TypedDict):
    """A drawn token (desktop.core.lab.keep.token_json) or a scored one (with its rank instead of sampler figures)."""

    id: TokenId
    text: str
    logprob: float
    sampled_prob: NotRequired[float]
    entropy: NotRequired[float]
    eog: NotRequired[bool]
    rank: NotRequired[Count | None]  # None: below the top alternatives a server sent
    top: Annotated[list[AlternativeJson], Field(max_length=MAX_ALTERNATIVES)]


@with_config(OPEN)
class LabEngineJson(TypedDict):
    """Which engine ran it: in-process (a model file) or a server."""

    kind: str
    model: str


@with_config(OPEN)
class CandidateJson(TypedDict):
    text: str
    logprob: float
    perplexity: float
    tokens: list[LabTokenJson]


@with_config(OPEN)
class ScoreData(TypedDict):
    kind: Literal["score"]
    prompt_tokens: list[TokenId]
    engine: LabEngineJson
    exact: NotRequired[bool]
    candidates: list[CandidateJson]


@with_config(OPEN)
class SampleJson(TypedDict):
    seed: Int64
    text: str
    finish_reason: str
    tokens: list[LabTokenJson]


@with_config(OPEN)
class GroupJson(TypedDict):
    text: str
    count: Count


@with_config(OPEN)
class FirstTokenJson(TypedDict):
    id: TokenId
    text: str
    model_prob: float
    count: Count


@with_config(OPEN)
class SampleData(TypedDict):
    kind: Literal["sample"]
    prompt_tokens: list[TokenId]
    engine: LabEngineJson
    first_seed: Int64
    settings: SamplerJson
    samples: list[SampleJson]
    groups: list[GroupJson]
    first_token: list[FirstTokenJson]


@with_config(OPEN)
class SetupJson(TypedDict):
    overrides: dict
    system_prompt: str | None
    examples: list[Annotated[list[str], Field(min_length=2, max_length=2)]]
    notes: NotRequired[bool]
    engine: NotRequired[str | None]  # "model:PATH" or "server:NAME"; absent or None: the experiment's engine


@with_config(OPEN)
class ColumnJson(TypedDict):
    setup: SetupJson
    label: str
    settings: SamplerJson
    text: str
    finish_reason: str
    ttft_ms: float
    mean_logprob: float | None
    perplexity: float | None
    prompt_tokens: list[TokenId]
    tokens: list[LabTokenJson]
    engine: NotRequired[LabEngineJson]  # absent: the experiment's engine (every column on one)
    sources_used: NotRequired[Count]  # notes in its prompt (a setup with notes on)


@with_config(OPEN)
class CompareData(TypedDict):
    kind: Literal["compare"]
    engine: LabEngineJson
    first_divergence: Count | None
    sources: NotRequired[list[SourceJson]]  # the notes found for the message, for the columns with notes on
    divergence: NotRequired[list[Count | None]]  # each column's token where they part (absent before models per column)
    columns: list[ColumnJson]


DATA = TypeAdapter(Annotated[ScoreData | SampleData | CompareData, Field(discriminator="kind")])


def check_experiment_data(kind: str, data) -> None:
    """ValueError saying in one line what is wrong when `data` is not what a `kind` experiment keeps."""
    if not isinstance(data, dict):
        raise ValueError(translate("core", "its data is not a JSON object"))
    try:
        DATA.validate_python({**data, "kind": kind})
    except ValidationError as error:
        raise ValueError(first_problem(error, leave_out=kind)) from None
