"""`inkling notes …` and `inkling ask --json` with sources, end to end: real processes, model, chromadb."""

import json

from tests.e2e.runner import ask_json, inkling

CAT = "The lighthouse keeper has a cat. The cat is named Biscuit and sleeps on the stairs of the lamp room."
BUDGET = "Project INK-4471 has a budget of 12,500 euros for the third quarter."
SEARCH_KEYS = {"note_id", "title", "source", "chunk", "score", "snippet"}


def run(*args, home):
    done = inkling("notes", *args, home=home)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_notes_add_list_search_remove_reindex(inkling_home, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "cat.md").write_text(CAT)
    (folder / "budget.txt").write_text(BUDGET)
    (folder / "binary.txt").write_bytes(b"\x00\xff" * 50)
    single = tmp_path / "single.txt"
    single.write_text("The night train to Rome leaves at 19:40.")
    out = run("add", str(folder), str(single), home=inkling_home)
    assert "3 added" in out and f"{folder / 'binary.txt'}: a binary file, not text" in out

    listed = json.loads(run("list", "--json", home=inkling_home))
    by_title = {n["title"]: n for n in listed}
    assert by_title["cat.md"]["status"] == "indexed" and by_title["cat.md"]["chunks"] == 1
    assert by_title["binary.txt"]["status"] == "error" and by_title["binary.txt"]["error"] == "a binary file, not text"

    hits = json.loads(run("search", "INK-4471", "--json", home=inkling_home))
    assert hits[0]["title"] == "budget.txt" and set(hits[0]) == SEARCH_KEYS
    assert hits[0]["source"] == str(folder / "budget.txt") and hits[0]["chunk"] == 0
    assert "Biscuit" in run("search", "what is the cat called", home=inkling_home).splitlines()[1]

    refused = inkling("notes", "remove", str(by_title["cat.md"]["id"]), home=inkling_home)
    assert refused.returncode == 2 and "imported folder" in refused.stderr
    assert "Removed note" in run("remove", str(by_title["single.txt"]["id"]), home=inkling_home)
    (folder / "budget.txt").unlink()
    assert "1 removed" in run("reindex", home=inkling_home)
    assert {n["title"] for n in json.loads(run("list", "--json", home=inkling_home))} == {"cat.md", "binary.txt"}
    assert inkling("notes", "add", str(tmp_path / "missing"), home=inkling_home).returncode == 2


def test_ask_json_lists_the_sources_it_used_unless_no_notes(inkling_home, tmp_path):
    note = tmp_path / "cat.md"
    note.write_text(CAT)
    run("add", str(note), home=inkling_home)
    reply = ask_json("What is the name of the keeper's cat?", "--max-tokens", "8", home=inkling_home)
    assert reply["sources"][0]["title"] == "cat.md"
    assert set(reply["sources"][0]) == {"note_id", "title", "chunk", "score", "snippet"}
    assert reply["stats"]["prompt_tokens"] > 60  # the note went into the prompt
    bare = ask_json("What is the name of the keeper's cat?", "--max-tokens", "8", "--no-notes", home=inkling_home)
    assert bare["sources"] == [] and bare["stats"]["prompt_tokens"] < reply["stats"]["prompt_tokens"]
