"""`inkling export` and `inkling import` end to end: real processes, a real `ask` reply with its trace and prompt."""

import json

from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.e2e.runner import ask_json, inkling


def test_export_json_then_import_round_trips_and_markdown_reads(inkling_home, tmp_path):
    reply = ask_json("Name a colour.", "--max-tokens", "8", home=inkling_home)
    conversation = str(reply["conversation_id"])

    exported = inkling("export", conversation, "--format", "json", "--branches", "all", home=inkling_home)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    answer = data["messages"][-1]
    assert [t["id"] for t in answer["trace"]] == [t["id"] for t in reply["tokens"]]
    assert answer["prompt"]["record"]["text"].endswith("<|im_start|>assistant\n")
    assert len(answer["prompt"]["token_ids"]) == reply["stats"]["prompt_tokens"]

    path = tmp_path / "chat.json"
    path.write_text(exported.stdout)
    done = inkling("import", str(path), home=inkling_home)
    assert done.returncode == 0, done.stderr
    new_id = done.stdout.split(":")[-1].strip()
    again = inkling("export", new_id, "--format", "json", "--branches", "all", home=inkling_home)
    assert json.loads(again.stdout) == data

    markdown = inkling("export", conversation, home=inkling_home)
    assert markdown.stdout.startswith("# Name a colour.\n") and "## You\n\nName a colour." in markdown.stdout

    archive = tmp_path / "all.zip"
    assert inkling("export", "--all", "-o", str(archive), home=inkling_home).returncode == 0
    assert inkling("import", str(archive), home=inkling_home).stdout.startswith("imported 2 conversations")
    store = open_store(database_path())
    try:
        assert len(store.list_conversations()) == 4
    finally:
        store.close()


def test_export_and_import_errors_are_one_line_with_exit_code_2(inkling_home, tmp_path):
    for args in (["export", "42"], ["export"], ["export", "--all"], ["import", str(tmp_path / "nope.json")],
                 ["export", "1", "--format", "html"]):
        done = inkling(*args, home=inkling_home)
        assert done.returncode == 2, args
        assert done.stderr.startswith("inkling: error:") and done.stderr.count("\n") == 1
