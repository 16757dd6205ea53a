"""Export and import: JSON round-trips exactly (traces, sources, prompts, branches), Markdown reads well, archives."""

import codecs
import json
import math
import zipfile

import pytest
from hypothesis import given, settings, strategies as st
from sqlite_utils import Database

from desktop.core.conversation.edits import start_edit, start_regenerate
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Store
from desktop.core.probability.trace import TokenRecord, TopToken
from desktop.core.conversation.transfer import (
    TransferError, export_all, export_json, export_markdown, export_text, import_file, import_json,
)
from tests.core.conversation.test_edits import chat, store  # noqa: F401 (store is a fixture)


def branched(store: Store) -> int:
    """Three turns, an edited question, a regenerated reply and a 'continue from this token' branch."""
    conversation_id, messages = chat(store)
    edit = start_edit(store, messages[2].id, "question 1, again", SamplerSettings(), "m")
    store.update_message(edit.message_id, content="edited answer", status="cancelled", finish_reason="cancelled")
    regen = start_regenerate(store, messages[1].id, SamplerSettings(seed=3), "m")
    store.update_message(regen.message_id, content="another answer", status="error", error="boom")
    store.add_message(conversation_id, "assistant", "answer 0 vicuñas", parent_id=messages[0].id,
                      branch_of=messages[1].id, branch_position=1, model="m")
    store.set_pinned(conversation_id, True)
    store.show_branch(messages[5].id)
    return conversation_id


def test_all_branches_round_trip_exactly(store):
    original = export_json(store, branched(store), "all")
    assert len(original["messages"]) == 10 and original["conversation"]["pinned"] is True
    assert original["conversation"]["kind"] == "chat"
    imported = import_json(store, json.loads(json.dumps(original)))
    again = export_json(store, imported, "all")
    assert again == original
    assert [m.content for m in store.thread(imported)][-1] == "answer 2 alpacas"  # the same branch is shown


def test_a_notebook_comes_back_as_a_notebook_and_an_older_export_as_a_chat(store):
    notebook = store.create_conversation("Draft", kind="notebook")
    store.add_message(notebook.id, "user", "Once upon a time")
    data = export_json(store, notebook.id)
    assert store.get_conversation(import_json(store, data)).kind == "notebook"
    del data["conversation"]["kind"]
    assert store.get_conversation(import_json(store, data)).kind == "chat"


def test_current_branch_export_has_only_the_shown_branch_with_everything(store):
    conversation_id = branched(store)
    data = export_json(store, conversation_id)
    assert [m["id"] for m in data["messages"]] == [1, 2, 3, 4, 5, 6] and data["leaf"] == 6
    reply = data["messages"][1]
    assert reply["sampler"] == SamplerSettings().to_dict() and reply["model"] == "m"
    assert reply["sources"] == [{"note_id": 1, "title": "N", "chunk": 0, "score": 0.5, "snippet": "s"}]
    assert reply["trace"][0]["top"][1] == {"id": 99, "text": "x", "logprob": -3.0, "eog": True}
    assert reply["prompt"]["token_ids"] == [1, 2, 3, 4, 5]
    assert reply["prompt"]["record"]["parts"] == [["system", 0, 2], ["message", 2, 5]]
    imported = import_json(store, data)
    assert export_json(store, imported) == data


tokens = st.builds(
    TokenRecord,
    st.integers(0, 300_000), st.text(max_size=6),
    st.floats(-60.0, 0.0, width=32) | st.just(-math.inf), st.floats(0.0, 1.0, width=32), st.floats(0.0, 12.0, width=32),
    st.lists(st.builds(TopToken, st.integers(0, 300_000), st.text(max_size=4),
                       st.floats(-60.0, 0.0, width=16), st.booleans()), max_size=4).map(tuple),
    st.booleans(),
)


@settings(deadline=None, max_examples=40)
@given(st.lists(tokens, min_size=1, max_size=20))
def test_any_trace_survives_export_and_import(trace):
    # the same id must carry the same text everywhere in a trace (the stored table keeps one text per id)
    texts = {}
    trace = [TokenRecord(t.id, texts.setdefault(t.id, t.text), t.logprob, t.sampled_prob, t.entropy,
                         tuple(TopToken(a.id, texts.setdefault(a.id, a.text), a.logprob, a.eog) for a in t.top), t.eog)
             for t in trace]
    s = Store(Database(memory=True))
    try:
        c = s.create_conversation()
        user = s.add_message(c.id, "user", "q")
        reply = s.add_message(c.id, "assistant", "a", parent_id=user.id)
        s.save_trace(reply.id, trace)
        imported = import_json(s, json.loads(json.dumps(export_json(s, c.id))))
        assert s.load_trace(s.thread(imported)[-1].id) == s.load_trace(reply.id)
    finally:
        s.close()


def test_markdown_current_and_all_branches(store):
    conversation_id = branched(store)
    current = export_markdown(store, conversation_id)
    assert current.startswith("# Chat\n")
    assert "> Be brief." in current and "## You\n\nquestion 2 about llamas" in current
    assert "1. N (score 0.50)" in current and "alternative" not in current
    every = export_markdown(store, conversation_id, "all")
    assert "## m (alternative 3 of 3)\n\nanswer 0 vicuñas" in every
    assert "## You (alternative 2 of 2)\n\nquestion 1, again\n\n## m — cancelled\n\nedited answer" in every
    assert "— error" in every


def test_a_file_saved_with_a_byte_order_mark_imports(store, tmp_path):
    path = tmp_path / "edited.json"
    path.write_bytes(codecs.BOM_UTF8 + export_text(store, branched(store), "json", "all").encode())
    assert len(import_file(store, path)) == 1


def test_export_all_archive_imports_back(store, tmp_path):
    first = branched(store)
    second = store.create_conversation("Empty one")
    path = tmp_path / "all.zip"
    assert export_all(store, path) == 2
    names = zipfile.ZipFile(path).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["json", "json", "md", "md"]
    ids = import_file(store, path)
    assert len(ids) == 2
    assert export_json(store, ids[0], "all") == export_json(store, first, "all")
    assert store.get_conversation(ids[1]).title == second.title


def test_bad_files_are_refused_without_writing_anything(store, tmp_path):
    conversation_id = branched(store)
    before = len(store.list_conversations())
    bad = tmp_path / "bad.json"
    for text, message in [("{", "not valid JSON"), ('{"format": "other"}', "not an Inkling"),
                          ('{"format": "inkling.conversation", "version": 99}', "version 99")]:
        bad.write_text(text)
        with pytest.raises(TransferError, match=message):
            import_file(store, bad)
    data = export_json(store, conversation_id, "all")
    data["messages"][3]["status"] = "exploded"
    bad.write_text(json.dumps(data))
    with pytest.raises(TransferError, match="damaged"):
        import_file(store, bad)
    with pytest.raises(TransferError, match="Cannot read"):
        import_file(store, tmp_path / "missing.json")
    for text, message in [(b"", "not valid JSON"), ("[]", "not an Inkling"), ('"x"', "not an Inkling"),
                          ('{"format": "inkling.conversation", "version": "1"}', 'damaged: version: .* found "1"')]:
        bad.write_bytes(text if isinstance(text, bytes) else text.encode())
        with pytest.raises(TransferError, match=message):
            import_file(store, bad)
    assert len(store.list_conversations()) == before
    with pytest.raises(TransferError):
        export_text(store, conversation_id, "html")
    with pytest.raises(TransferError):
        export_json(store, 999)
