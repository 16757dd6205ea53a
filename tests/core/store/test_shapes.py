"""The stored JSON shapes: in step with what writes them, strict about types, and what a damaged value reads as."""

import json
import sqlite3
from dataclasses import fields

import pytest

from desktop.core.errors import DamagedDataError
from desktop.core.notes.retrieval import Source
from desktop.core.paths import database_path
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import open_store
from desktop.core.store.shapes import SAMPLER, SOURCES, SamplerJson, parse_stored


def test_the_sampler_shape_names_every_setting_and_accepts_what_is_saved():
    assert set(SamplerJson.__annotations__) == {f.name for f in fields(SamplerSettings)}
    saved = SamplerSettings(temperature=1, seed=7).to_dict()
    assert parse_stored(SAMPLER, json.dumps(saved)) == saved


def test_a_source_as_saved_reads_back_and_keys_added_later_are_kept():
    source = Source(note_id=3, title="Otters", chunk=1, score=0.75, snippet="hold hands", source="a.md", text="t")
    saved = [{**source.to_json(), "added_later": [1]}]
    assert SOURCES.validate_python(saved) == saved
    with pytest.raises(ValueError, match=r"\[0\].score: input should be a valid number, found \"high\""):
        parse_stored(SOURCES, '[{"note_id": 3, "title": "O", "chunk": 1, "score": "high", "snippet": ""}]')


def test_damaged_stored_values_read_as_marked_parts(inkling_home):
    store = open_store(database_path())
    conversation = store.create_conversation()
    message = store.add_message(conversation.id, "assistant", "Yes.", sampler={"temperature": 0.2})
    store.save_prompt_tokens(message.id, [1, 2, 3])
    store.set_setting("sampler", {"temperature": 0.5})
    raw = sqlite3.connect(database_path())
    with raw:
        raw.execute("UPDATE messages SET sampler = '{\"top_k\": true}', stats = 'nan' WHERE id = ?", [message.id])
        raw.execute("INSERT INTO message_sources (message_id, data) VALUES (?, '{')", [message.id])
        raw.execute("UPDATE prompt_tokens SET data = x'00' WHERE message_id = ?", [message.id])
        raw.execute("UPDATE settings SET value = '{' WHERE key = 'sampler'")
    raw.close()
    try:
        read = store.get_message(message.id)
        assert (read.content, read.sampler, read.stats, read.damaged) == ("Yes.", None, None, ("sampler", "stats"))
        with pytest.raises(DamagedDataError, match=f"the sources of message {message.id} are damaged"):
            store.load_sources(message.id)
        with pytest.raises(DamagedDataError, match=f"the prompt tokens of message {message.id} are damaged"):
            store.load_prompt_tokens(message.id)
        assert store.get_setting("sampler", "default") == "default"
    finally:
        store.close()
