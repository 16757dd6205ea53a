"""The declared shape of a conversation export (version 1), checked whole by pydantic before an import writes."""

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import NotRequired, TypedDict

from desktop.core.blobs import damage_reason
from desktop.core.prompt.record import PromptRecord, RecordJson
from desktop.core.store.experiment_shapes import check_experiment_data
from desktop.core.store.shapes import STRICT, EngineJson, Int64, SamplerJson, SourceJson, StatsJson, first_problem
from desktop.core.words import Words, translate

FORMAT = "inkling.conversation"
VERSION = 1

# Token ids are stored as int32 columns; -1 marks "no alternative", so a real id is never negative.
TokenId = Annotated[int, Field(ge=0, le=2**31 - 1)]
Position = Annotated[int, Field(ge=0, le=2**31 - 1)]
FLOAT32_MAX = 3.4028234663852886e38
# The engines keep at most 20 alternatives. A trace is stored as n tokens x the most alternatives any
# position has, so one position with 100,000 of them in a 10 MB file would ask for gigabytes.
MAX_ALTERNATIVES = 64


def _float32(value: float) -> float:
    # a trace keeps its numbers as float32: a finite value past its range would be stored as infinity
    if math.isfinite(value) and abs(value) > FLOAT32_MAX:
        raise ValueError(translate("core", "does not fit a 32-bit float"))
    return value


Float32 = Annotated[float, AfterValidator(_float32)]
# Alternatives keep theirs as float16, very negative ones clamped; a log-probability is at most 0 (1 allows rounding).
TopLogprob = Annotated[float, Field(le=1.0)]


@with_config(STRICT)
class TopJson(TypedDict):
    id: TokenId
    text: str
    logprob: TopLogprob
    eog: NotRequired[bool]


@with_config(STRICT)
class TokenJson(TypedDict):
    id: TokenId
    text: str
    logprob: Float32
    sampled_prob: Float32
    entropy: Float32
    eog: NotRequired[bool]
    top: Annotated[list[TopJson], Field(max_length=MAX_ALTERNATIVES)]


@with_config(STRICT)
class PromptJson(TypedDict):
    token_ids: list[TokenId] | None
    record: RecordJson | None


@with_config(STRICT)
class MessageJson(TypedDict):
    """One message; ids are the export's own numbers (1..), parents always before their children."""

    id: Int64
    parent_id: NotRequired[Int64 | None]
    role: Literal["system", "user", "assistant"]
    content: str
    status: Literal["streaming", "complete", "cancelled", "error", "interrupted"]
    model: NotRequired[str | None]
    sampler: NotRequired[SamplerJson | None]
    stats: NotRequired[StatsJson | None]
    engine: NotRequired[EngineJson | None]  # absent: in-process (and every export before m006)
    finish_reason: NotRequired[str | None]
    error: NotRequired[str | None]
    created_at: str
    updated_at: str
    branch_of: NotRequired[Int64 | None]
    branch_position: NotRequired[Position | None]
    sources: NotRequired[list[SourceJson]]
    trace: NotRequired[list[TokenJson] | None]
    prompt: NotRequired[PromptJson | None]


@with_config(STRICT)
class ConversationJson(TypedDict):
    title: str
    system_prompt: str
    created_at: str
    updated_at: str
    pinned: NotRequired[bool]
    kind: NotRequired[Literal["chat", "notebook"]]  # absent: a chat (exports before notebooks)


@with_config(STRICT)
class ExperimentJson(TypedDict):
    """A lab run kept under the conversation; its data is checked by desktop.core.store.experiment_shapes."""

    kind: Literal["compare", "sample", "score"]
    title: str
    created_at: str
    message_id: NotRequired[Int64 | None]  # the export's number of the message it answered
    data: NotRequired[dict[str, Any]]  # absent: it was damaged in the database it came from
    damaged: NotRequired[bool]


@with_config(STRICT)
class ExportJson(TypedDict):
    """The whole file `inkling export --format json` writes; unknown keys are ignored."""

    format: Literal["inkling.conversation"]
    version: int
    conversation: ConversationJson
    leaf: Int64 | None
    messages: list[MessageJson]
    experiments: NotRequired[list[ExperimentJson]]  # absent: an export made before the lab


EXPORT = TypeAdapter(ExportJson)


@with_config(STRICT)
class EnvelopeJson(TypedDict):
    format: Literal["inkling.conversation"]
    version: NotRequired[Any]  # any: a version that is not a number is a damaged export, not another format


ENVELOPE = TypeAdapter(EnvelopeJson)


def read_export(data: bytes | str) -> ExportJson:
    """The export in `data`, checked whole; ValueError saying in one line what is wrong, and where."""
    try:
        export = EXPORT.validate_json(data)
    except ValidationError as error:
        raise ValueError(_explain(error, data)) from None
    check_version(export["version"])
    _check_links(export)
    _check_experiments(export)
    return export


def _explain(error: ValidationError, data: bytes | str) -> Words:
    first = error.errors(include_url=False)[0]
    if first["type"] == "json_invalid":
        return translate("core", "is not valid JSON ({detail})").format(detail=first['msg'].removeprefix('Invalid JSON: '))
    try:  # only on the way to an error: is it an export at all, and of which version?
        envelope = ENVELOPE.validate_json(data)
    except ValidationError:
        return translate("core", "is not an Inkling conversation export")
    version = envelope.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        check_version(version)
    return translate("core", "is damaged: {problem}").format(problem=first_problem(error))


def check_version(version: int) -> None:
    if version != VERSION:
        raise ValueError(translate("core", "has export format version {version}; this Inkling reads version {readable}").format(
            version=version, readable=VERSION))


def _check_links(export: ExportJson) -> None:
    """Every message's parent and branch source come before it, so the tree can be written in file order."""
    seen: set[int] = set()
    for index, message in enumerate(export["messages"]):
        check_message(index, message, seen)
    check_leaf(export["leaf"], seen)


def check_message(index: int, message: MessageJson, seen: set[int]) -> None:
    """One message whose shape is checked: its links name messages before it (`seen`, which it joins) and
    its prompt record reads."""
    for link in ("parent_id", "branch_of"):
        target = message.get(link)
        if target is not None and target not in seen:
            raise ValueError(translate("core", "is damaged: {where} names message {target}, which does not come before it")
                             .format(where=f"messages[{index}].{link}", target=target))
    if message["id"] in seen:
        raise ValueError(translate("core", "is damaged: {where} {id} is used twice").format(
            where=f"messages[{index}].id", id=message['id']))
    seen.add(message["id"])
    record = (message.get("prompt") or {}).get("record")
    if record is not None:
        try:
            PromptRecord.from_json(record)
        except ValueError as error:
            raise ValueError(translate("core", "is damaged: {where}: {problem}").format(
                where=f"messages[{index}].prompt.record", problem=damage_reason(error))) from None


def check_leaf(leaf: int | None, seen: set[int]) -> None:
    if leaf is not None and leaf not in seen:
        raise ValueError(translate("core", "is damaged: its leaf names message {target}, which it does not hold").format(
            target=leaf))


def _check_experiments(export: ExportJson) -> None:
    numbers = {message["id"] for message in export["messages"]}
    for index, experiment in enumerate(export.get("experiments", [])):
        check_experiment(index, experiment, numbers)


def check_experiment(index: int, experiment: ExperimentJson, numbers: set[int]) -> None:
    """One experiment whose shape is checked: the message it names is in the export, and its data reads."""
    if experiment.get("message_id") is not None and experiment["message_id"] not in numbers:
        raise ValueError(translate("core", "is damaged: {where} names message {target}, which it does not hold").format(
            where=f"experiments[{index}].message_id", target=experiment['message_id']))
    if "data" in experiment:
        try:
            check_experiment_data(experiment["kind"], experiment["data"])
        except ValueError as error:
            raise ValueError(translate("core", "is damaged: {where}: {problem}").format(
                where=f"experiments[{index}].data", problem=damage_reason(error))) from None
