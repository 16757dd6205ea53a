"""Prompt budgeting, property-based: within budget, system and newest message kept, whole turns dropped oldest-first in large steps."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.engine.types import PromptTooLongError
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve, trim_points, trim_step


class WordFormat:
    """A stand-in template and tokenizer: one token per word plus one per message header."""

    def render(self, messages):
        return "\n".join(f"<{m['role']}> {m['content']}" for m in messages)

    def tokenize(self, text):
        return text.split()


words = st.lists(st.sampled_from(["alpha", "beta", "gamma", "δ", "中文"]), min_size=1, max_size=30).map(" ".join)


@st.composite
def conversations(draw) -> list[ChatMessage]:
    """Turns of one user message and zero to two replies (a stopped reply and a retry), ending with the new message."""
    history = []
    for _ in range(draw(st.integers(0, 8))):
        history.append(ChatMessage("user", draw(words)))
        history += [ChatMessage("assistant", draw(words)) for _ in range(draw(st.integers(0, 2)))]
    history.append(ChatMessage("user", draw(words)))
    return history


def rendered_length(system: str, history: list[ChatMessage]) -> int:
    fmt = WordFormat()
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": m.role, "content": m.content} for m in history
    ]
    return len(fmt.tokenize(fmt.render(messages)))


@settings(deadline=None, max_examples=300)
@given(conversations(), st.one_of(st.just(""), words), st.integers(1, 400))
def test_budget_is_respected_and_only_whole_old_turns_are_dropped(history, system, budget):
    try:
        built = build_prompt(WordFormat(), system, history, budget)
    except PromptTooLongError:
        # only when even the system prompt with the newest message alone cannot fit
        assert rendered_length(system, history[-1:]) > budget
        return
    assert len(built.tokens) <= budget
    kept = history[built.dropped_messages:]
    assert built.tokens == WordFormat().tokenize(built.text)
    assert built.text == WordFormat().render(
        ([{"role": "system", "content": system}] if system else []) + [{"role": m.role, "content": m.content} for m in kept]
    )
    assert kept[-1] == history[-1]  # the newest user message is always there
    assert kept[0].role == "user"  # a turn is never cut in half
    # dropping less, at any earlier trim point, would not have fit: nothing was left out needlessly
    points = trim_points(WordFormat(), history, budget)
    assert built.dropped_messages in points
    for point in points:
        if point < built.dropped_messages:
            assert rendered_length(system, history[point:]) > budget


def content_tokens(messages: list[ChatMessage]) -> int:
    return sum(len(m.content.split()) for m in messages)


@settings(deadline=None, max_examples=200)
@given(conversations(), st.integers(1, 400))
def test_trim_points_are_turn_starts_a_large_step_apart(history, budget):
    points = trim_points(WordFormat(), history, budget)
    assert points == sorted(set(points)) and points[-1] == len(history) - 1
    assert all(history[p].role == "user" for p in points)
    for before, after in zip(points, points[1:-1]):
        assert content_tokens(history[before:after]) >= trim_step(budget)


@settings(deadline=None, max_examples=150)
@given(conversations(), st.one_of(st.just(""), words), st.integers(20, 300))
def test_a_growing_conversation_keeps_its_start_until_a_large_step(history, system, budget):
    """Turn after turn, the kept history starts at the same message (a stable KV-cache prefix) or jumps far."""
    turn_ends = [i + 1 for i, m in enumerate(history) if m.role == "user"]
    previous = 0
    for end in turn_ends:
        grown = history[:end]
        try:
            start = build_prompt(WordFormat(), system, grown, budget).dropped_messages
        except PromptTooLongError:
            continue
        assert start >= previous
        if start != previous and start != end - 1:
            assert content_tokens(grown[previous:start]) >= trim_step(budget)
        previous = start


def test_history_must_end_with_a_user_message():
    with pytest.raises(ValueError):
        build_prompt(WordFormat(), "", [ChatMessage("assistant", "hi")], 100)


@given(st.integers(1, 100_000), st.integers(2, 100_000))
def test_reply_reserve_never_takes_more_than_half_the_window(max_tokens, n_ctx):
    reserve = reply_reserve(max_tokens, n_ctx)
    assert reserve <= max_tokens and reserve <= n_ctx // 2


def test_real_template_prompt_fits_and_keeps_the_system_prompt(smollm2):
    history = [ChatMessage("user" if i % 2 == 0 else "assistant", f"message number {i} " * 40) for i in range(21)]
    built = build_prompt(smollm2, "You are terse.", history, 300)
    assert len(built.tokens) <= 300
    assert built.text.startswith("<|im_start|>system\nYou are terse.<|im_end|>")
    assert built.text.endswith("message number 20 " * 40 + "<|im_end|>\n<|im_start|>assistant\n")
    assert built.dropped_messages % 2 == 0 and built.dropped_messages > 0


def test_real_template_trims_at_the_same_point_for_consecutive_turns(smollm2):
    """The prefix the KV cache holds survives the next turn once the history overflows."""
    history = [ChatMessage("user" if i % 2 == 0 else "assistant", f"message number {i} " * 30) for i in range(31)]
    first = build_prompt(smollm2, "You are terse.", history, 600)
    grown = history + [ChatMessage("assistant", "short reply"), ChatMessage("user", "and another question")]
    second = build_prompt(smollm2, "You are terse.", grown, 600)
    assert first.dropped_messages > 0
    assert second.dropped_messages == first.dropped_messages
    assert second.tokens[: len(first.tokens) - 8] == first.tokens[: len(first.tokens) - 8]


def test_a_message_far_over_the_budget_is_never_tokenized():
    # tokenizing a 50 MB message took the meter a minute and kept Quit waiting for it
    sizes = []

    class CountingFormat(WordFormat):
        def tokenize(self, text):
            sizes.append(len(text))
            return super().tokenize(text)

    huge = "word " * 200_000
    history = [ChatMessage("user", "hi"), ChatMessage("assistant", huge), ChatMessage("user", "and now?")]
    built = build_prompt(CountingFormat(), "", history, 100)
    assert built.text.endswith("and now?")
    assert max(sizes) < len(huge)
