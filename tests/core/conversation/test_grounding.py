"""Grounding a reply: numbered sources in the prompt, trimmed before history, saved with the message."""

import threading

from desktop.core.conversation.turns import PromptReady, generate_reply, start_turn
from desktop.core.conversation.session import ReplySession
from desktop.core.engine.types import Finished
from desktop.core.conversation.grounding import attach_sources, retrieval_settings, save_limits, set_use_notes
from desktop.core.notes import Source
from desktop.core.prompt.build import ChatMessage, build_prompt
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from tests.fakes import FakeEngine


class WordFormat:
    def render(self, messages):
        return "\n".join(f"<{m['role']}> {m['content']}" for m in messages)

    def tokenize(self, text):
        return text.split()


def source(n: int, words: int = 20) -> Source:
    return Source(n, f"Note {n}", None, 0, 0.9 - n / 10, f"snippet {n}", " ".join(["fact"] * words))


HISTORY = [ChatMessage("user", "old question " * 10), ChatMessage("assistant", "old answer " * 10),
           ChatMessage("user", "new question")]


def test_sources_are_numbered_in_the_newest_message_with_the_citation_instruction():
    built = build_prompt(WordFormat(), "Be brief.", HISTORY, 1000, [source(1), source(2)])
    assert built.sources_used == 2 and built.dropped_messages == 0
    newest = built.text.split("<user>")[-1]
    assert "[1] Note 1" in newest and "[2] Note 2" in newest and "cite" in newest
    assert newest.rstrip().endswith("Question: new question")
    assert "[1]" not in built.text.split("<user>")[1]  # history stays as it was (a stable KV-cache prefix)


def test_chunks_are_trimmed_before_history_and_the_newest_message_is_kept():
    fmt = WordFormat()
    full = len(fmt.tokenize(build_prompt(fmt, "Be brief.", HISTORY, 10_000, [source(1), source(2)]).text))
    one_less = build_prompt(fmt, "Be brief.", HISTORY, full - 5, [source(1), source(2)])
    assert (one_less.sources_used, one_less.dropped_messages) == (1, 0)  # the lowest-ranked went first
    no_sources = len(fmt.tokenize(build_prompt(fmt, "Be brief.", HISTORY, 10_000).text))
    tight = build_prompt(fmt, "Be brief.", HISTORY, no_sources - 5, [source(1), source(2)])
    assert tight.sources_used == 0 and tight.dropped_messages == 2
    assert tight.text.startswith("<system> Be brief.") and tight.text.endswith("new question")


def test_sources_are_saved_before_generation_and_trimmed_to_those_sent(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    try:
        conversation = store.create_conversation()
        request = start_turn(store, conversation.id, "What about the cat?", SamplerSettings(), "fake")
        request = attach_sources(store, request, [source(1), source(2), source(3)])
        assert [s["note_id"] for s in store.load_sources(request.message_id)] == [1, 2, 3]
        assert set(store.load_sources(request.message_id)[0]) == {"note_id", "title", "chunk", "score", "snippet"}
        events = list(generate_reply(FakeEngine("fake.gguf"), request, threading.Event()))
        prompt = events[0]
        assert isinstance(prompt, PromptReady) and prompt.sources_used == 3
        session = ReplySession(store, request.message_id)
        session.apply(PromptReady(prompt.prompt_tokens, 0, prompt.n_ctx, sources_used=2))  # as if one did not fit
        session.apply(next(e for e in events if isinstance(e, Finished)))
        assert [s["note_id"] for s in store.load_sources(request.message_id)] == [1, 2]
    finally:
        store.close()


def test_use_notes_defaults_to_on_when_notes_exist_and_is_remembered_per_conversation(tmp_path):
    store = open_store(tmp_path / "inkling.db")
    try:
        assert retrieval_settings(store, 1, notes_exist=True).use_notes
        assert not retrieval_settings(store, 1, notes_exist=False).use_notes
        set_use_notes(store, 1, False)
        assert not retrieval_settings(store, 1, notes_exist=True).use_notes
        assert retrieval_settings(store, 2, notes_exist=True).use_notes
        save_limits(store, 6, 0.4)
        assert (retrieval_settings(store, 2, True).top_k, retrieval_settings(store, 2, True).min_score) == (6, 0.4)
    finally:
        store.close()
