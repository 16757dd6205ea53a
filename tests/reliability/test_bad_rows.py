"""A damaged row (bad JSON, a broken blob) never stops export, show or the window: the rest shows, the part is marked."""

import json
import shutil
import sqlite3

import pytest

from desktop.cli import build_parser, run as run_cli
from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.core.conversation.transfer import import_file
from desktop.core.engine.llama_engine import LlamaEngine
from tests.e2e.runner import ask_json
from tests.ui.conftest import make_window  # noqa: F401 (a fixture)

# Each part of a stored reply, damaged the way a bad import or a bad disk block leaves it.
DAMAGE = {
    "sampler": "UPDATE messages SET sampler = '{\"temperature\": \"hot\"}' WHERE id = :reply",
    "stats": "UPDATE messages SET stats = '[1, 2' WHERE id = :reply",
    "sources": "INSERT INTO message_sources (message_id, data) VALUES (:reply, '\"abc\"')",
    # a header promising 5 tokens and nothing after it
    "trace": "UPDATE token_traces SET data = X'01789C636560606002622E20060000800012' WHERE message_id = :reply",
    # {"hello": "wrong"}: sound zlib and JSON, not a prompt record
    "prompt record": "UPDATE prompt_records SET data = X'01789CAB56CA48CDC9C957B252502A2FCACF4B57AA050039AD061C' "
                     "WHERE message_id = :reply",
    # three bytes: not a whole number of int32 ids
    "prompt tokens": "UPDATE prompt_tokens SET data = X'789C636460000000060002' WHERE message_id = :reply",
}


@pytest.fixture(scope="module")
def asked(tmp_path_factory):
    """A data folder holding one real conversation: a question and the bundled model's reply."""
    home = tmp_path_factory.mktemp("asked-home")
    reply = ask_json("Name a colour.", "--max-tokens", "6", home=home)
    return home, reply


def damaged(asked, inkling_home, parts) -> dict:
    """The test's own copy of the asked folder, with these parts of the reply damaged by raw SQL."""
    home, reply = asked
    shutil.copytree(home, inkling_home)
    connection = sqlite3.connect(database_path())
    with connection:
        for part in parts:
            connection.execute(DAMAGE[part], {"reply": reply["message_id"]})
    connection.close()
    return reply


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run_cli(build_parser().parse_args(list(args)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("part", DAMAGE)
def test_export_and_show_keep_working_and_name_the_damaged_part(part, asked, inkling_home, tmp_path, capsys):
    reply = damaged(asked, inkling_home, [part])
    conversation, message = str(reply["conversation_id"]), str(reply["message_id"])

    code, out, err = _cli(capsys, "export", conversation, "--format", "json", "--branches", "all")
    assert code == 0, err
    exported = json.loads(out)
    answer = exported["messages"][-1]
    assert answer["damaged"] == [part] and answer["content"] == reply["text"]
    assert "damaged" not in exported["messages"][0]

    code, out, err = _cli(capsys, "export", conversation)
    assert code == 0 and reply["text"] in out, err
    if part in ("sampler", "stats", "sources"):  # what the Markdown transcript reads
        assert f"*({part} damaged)*" in out

    code, out, err = _cli(capsys, "show", message, "--json")
    assert code == 0, err
    shown = json.loads(out)
    if part in ("sampler", "stats", "trace"):
        assert shown["damaged"] == [part] and shown["text"] == reply["text"]
    code, out, err = _cli(capsys, "show", message)
    assert code == 0 and reply["text"] in out, err

    # what the export kept imports back: the damaged part is left out, everything else comes along
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(exported))
    store = open_store(database_path())
    try:
        (copy,) = import_file(store, path)
        assert store.thread(copy)[-1].content == reply["text"]
    finally:
        store.close()


def test_the_window_opens_a_conversation_with_every_part_damaged(asked, inkling_home, qtbot, make_window,  # noqa: F811
                                                                 smollm2_path):
    reply = damaged(asked, inkling_home, list(DAMAGE))
    window = make_window(LlamaEngine, smollm2_path)  # it opens the newest conversation at start, as for a user
    assert window.conversation_id == reply["conversation_id"]
    qtbot.waitUntil(lambda: window.chat.view_for(reply["message_id"]) is not None, timeout=10000)
    view = window.chat.view_for(reply["message_id"])
    assert view.text().strip() == reply["text"].strip()
    assert view.badge.text() == "damaged sampler and stats: could not be read"
    assert view.sources_row.objectName() == "damagedSources"
    window.inspector.set_heatmap(True)
    qtbot.waitUntil(lambda: window.inspector.replies.get(reply["message_id"]) is not None, timeout=10000)
    assert "token data cannot be read" in window.inspector.replies[reply["message_id"]].problem
    window.tools.inspector.show_message(reply["message_id"])
    assert window.tools.inspector.title.text().startswith("This reply's prompt cannot be shown: its prompt record")
