"""The prompt record (exact text, token boundaries, parts) and the budget meter's split, on both real tokenizers."""

from dataclasses import dataclass

import pytest
from hypothesis import given, settings, strategies as st

from desktop.core.prompt.budget import BudgetRequest, measure_budget
from desktop.core.prompt.build import ChatMessage, build_prompt
from desktop.core.prompt.record import PromptRecord, record_prompt
from tests.core.prompt.test_build import WordFormat, conversations, words


@dataclass(frozen=True)
class Note:
    title: str
    text: str


HISTORY = [
    ChatMessage("user", "Hello there, who are you?"),
    ChatMessage("assistant", "I am a small model. Ça va? 中文也可以。"),
    ChatMessage("user", "Tell me about llamas."),
]


@pytest.mark.parametrize("name", ["smollm2", "gemma"])
def test_record_text_is_the_tokens_and_parts_cover_every_token(request, name):
    engine = request.getfixturevalue(name)
    built = build_prompt(engine, "Be brief.", HISTORY, 500, [Note("Llamas", "Llamas are camelids from South America.")])
    record = record_prompt(engine, built, HISTORY[-1].content, engine.info.n_ctx, 100)
    assert record.exact
    assert record.text.endswith(built.text)
    assert record.text.startswith("<bos>") == (name == "gemma")  # the BOS the model reads is shown
    pieces = record.token_texts()
    assert len(pieces) == len(built.tokens) and "".join(pieces) == record.text
    assert [p for p, _, _ in record.parts] == ["system", "history", "notes", "message"]
    assert sum(record.counts().values()) == len(built.tokens)
    notes = "".join(pieces[record.parts[2][1]:record.parts[2][2]])
    assert "South America" in notes and "Tell me about llamas" not in notes
    message = "".join(pieces[record.parts[3][1]:])
    assert "Tell me about llamas." in message
    assert "Be brief." in "".join(pieces[:record.parts[0][2]])
    assert PromptRecord.decode(record.encode()) == record


def test_a_character_split_across_tokens_keeps_offsets_in_step(smollm2):
    history = [ChatMessage("user", "🦙🦙 emoji and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢")]
    built = build_prompt(smollm2, "", history, 500)
    record = record_prompt(smollm2, built, history[0].content, 2048, 100)
    assert record.exact and record.text == built.text
    assert list(record.token_ends) == sorted(record.token_ends) and record.token_ends[-1] == len(record.text)


@settings(deadline=None, max_examples=100)
@given(conversations(), st.one_of(st.just(""), words), st.integers(1, 400))
def test_without_token_bytes_the_parts_still_cover_every_token_in_order(history, system, budget):
    try:
        built = build_prompt(WordFormat(), system, history, budget)
    except Exception:
        return
    record = record_prompt(WordFormat(), built, history[-1].content, 1000, 100)
    assert not record.exact and record.text == built.text
    assert sum(record.counts().values()) == len(built.tokens)
    order = [p for p, _, _ in record.parts]
    assert order == sorted(order, key=["system", "history", "notes", "message"].index)
    assert record.parts[-1][0] == "message"


def test_budget_split_counts_each_part_and_grows_with_the_typed_message(smollm2):
    base = BudgetRequest(1, "Be brief.", tuple(HISTORY[:2]), "", 256, notes_tokens=120)
    empty = measure_budget(smollm2, 2048, base)
    typed = measure_budget(smollm2, 2048, BudgetRequest(2, "Be brief.", tuple(HISTORY[:2]), "word " * 50, 256, 120))
    assert empty.system > 0 and empty.history > 0 and empty.notes == 120 and empty.reserve == 256
    assert typed.message - empty.message >= 45 and typed.history == empty.history
    assert typed.used + typed.reply_room == 2048 and typed.dropped_messages == 0 and not typed.too_long


def test_budget_split_names_the_turns_that_will_be_left_out(smollm2):
    history = []
    for n in range(12):
        history += [ChatMessage("user", f"Question {n}: " + "tell me more " * 20), ChatMessage("assistant", "sure " * 60)]
    split = measure_budget(smollm2, 1024, BudgetRequest(1, "Be brief.", tuple(history), "And now?", 256, 400))
    assert split.dropped_messages > 0 and split.dropped_messages % 2 == 0
    assert split.dropped_turns[0].startswith("Question 0: tell me more")
    assert len(split.dropped_turns) == split.dropped_messages // 2
    assert split.used <= 1024 - 256 and split.notes < 400  # notes get only what history left
    huge = measure_budget(smollm2, 1024, BudgetRequest(2, "", (), "word " * 2000, 256))
    assert huge.too_long and "tokens" in huge.too_long
