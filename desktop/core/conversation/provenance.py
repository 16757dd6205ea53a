"""How a reply was made, in words: model, sampler settings, seed, system prompt and notes, short and in full."""

from desktop.core.errors import DamagedDataError
from desktop.core.presets import PRESETS
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.prompt.record import PromptRecord
from desktop.core.store import Message, Store
from desktop.core.words import Words, joined, translate


def system_prompt_name(text: str | None) -> str | None:
    """A preset's name when the text is one, "custom system prompt" otherwise; None for no system prompt."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        return translate("core", "no system prompt")
    return next((name for name, preset in PRESETS.items() if preset.strip() == stripped),
                translate("core", "custom system prompt"))


def recorded_system_prompt(record: PromptRecord | None, presets: dict[str, str] = PRESETS) -> str | None:
    """The system prompt the reply's recorded prompt held: a preset's text if one is in it, else its part's text."""
    if record is None:
        return None
    starts = (0, *record.token_ends)
    system = "".join(record.text[starts[first]:starts[end]] for part, first, end in record.parts if part == "system")
    if not system:
        return ""
    if not record.exact:
        system = record.text  # the parts' offsets are estimates: look in the whole prompt
    # the part includes the template's framing (<|im_start|>system …): a preset is found inside it
    return next((preset for preset in presets.values() if preset.strip() and preset.strip() in system), system)


def made_with(message: Message, system_prompt: str | None = None, notes: int | None = None) -> tuple[Words, Words]:
    """(one short line, the full settings) for a reply; `system_prompt`/`notes` when known from its prompt record.

    The short line leaves the model out: the message's header already names it as the author.
    """
    settings = SamplerSettings.from_dict(message.sampler) if message.sampler else None
    stats = message.stats or {}
    seed = settings.seed if settings is not None and settings.seed is not None else stats.get("seed")
    off = translate("core", "off")
    short = []
    if settings is not None:
        short.append(f"T {settings.temperature:g}")
    if seed is not None:
        short.append(translate("core", "seed {seed}").format(seed=seed))
    name = system_prompt_name(system_prompt)
    if name is not None:
        short.append(name)
    if notes is not None:
        short.append(translate("core", "notes on ({tokens} tokens)").format(tokens=notes) if notes
                     else translate("core", "notes off"))
    textless = stats.get("textless_tokens") or 0
    if textless:
        short.append(translate("core", "characters missing: {count} tokens came without their text").format(count=textless))
    held_back = stats.get("held_back_at")
    if held_back is not None:
        short.append(translate("core", "branching after token {token} unavailable").format(token=held_back + 1))
    full = [translate("core", "Model: {model}").format(model=message.model or translate("core", "unknown"))]
    if settings is not None:
        full += [
            translate("core", "Temperature {temperature} · top-k {top_k} · top-p {top_p} · min-p {min_p} · "
                              "repeat penalty {repeat_penalty}").format(
                temperature=f"{settings.temperature:g}", top_k=settings.top_k or off, top_p=f"{settings.top_p:g}",
                min_p=f"{settings.min_p:g}",
                repeat_penalty=f"{settings.repeat_penalty:g}" if settings.repeat_penalty != 1.0 else off),
            (translate("core", "Seed {seed} (random) · at most {tokens} tokens") if settings.seed is None and seed is not None
             else translate("core", "Seed {seed} · at most {tokens} tokens")).format(
                seed=seed if seed is not None else translate("core", "not recorded"), tokens=settings.max_tokens),
        ]
    if name is not None:
        full.append(translate("core", "System prompt: {name}").format(name=name))
    if notes is not None:
        full.append(translate("core", "Notes: {tokens} tokens of notes in the prompt").format(tokens=notes) if notes
                    else translate("core", "Notes: none in the prompt"))
    if textless:
        full.append(translate("core", "The server sent {count} tokens with neither their text nor their bytes (pieces "
                                      "of characters split over several tokens) and left them out of the reply too: "
                                      "characters are missing, and those tokens show as ∅. llama-cpp-python's server "
                                      "does this while it sends log-probabilities.").format(count=textless))
    if held_back is not None:
        full.append(translate("core", "From token {token} on, the server sent each character that the model wrote as "
                                      "several tokens as its last token only (llama-server holds the others back): "
                                      "such a character's number is its last token's, and the reply cannot be "
                                      "branched or continued after token {token}.").format(token=held_back + 1))
    return joined(" · ", short), joined("\n", full)


def prompt_facts(store: Store, message: Message) -> tuple[str | None, int | None]:
    """(system prompt text, notes tokens) from the reply's recorded prompt (a continued reply: its source's)."""
    blob = store.load_prompt_record(message.id)
    if blob is None and message.branch_of is not None:
        blob = store.load_prompt_record(message.branch_of)
    if blob is None:
        return None, None
    try:
        record = PromptRecord.decode(blob)
    except DamagedDataError:
        return None, None  # the prompt panel says so; the line keeps what the message itself knows
    return recorded_system_prompt(record), record.counts()["notes"]
