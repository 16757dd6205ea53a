"""`inkling score`, `sample` and `compare` end to end: real processes, the bundled model, experiments kept."""

import json

from desktop.core.paths import database_path
from desktop.core.store import open_store
from desktop.core.store.experiments import list_experiments, load_experiment
from tests.e2e.runner import ask_json, inkling


def run_json(*args, home) -> dict:
    done = inkling(*args, "--json", home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_score_prints_candidates_best_first_with_their_tokens(inkling_home):
    result = run_json("score", "What is the capital of France?", "Lyon.", "Paris.", "--top-logprobs", "3", home=inkling_home)
    candidates = result["candidates"]
    assert [c["text"] for c in candidates] == ["Paris.", "Lyon."]
    for candidate in candidates:
        assert set(candidate) == {"text", "logprob", "perplexity", "tokens"}
        assert candidate["logprob"] == sum(t["logprob"] for t in candidate["tokens"])
        assert all(set(t) == {"id", "text", "logprob", "rank", "top"} and len(t["top"]) == 3 for t in candidate["tokens"])


def test_sample_and_compare_are_kept_as_experiments_and_survive_a_restart(inkling_home):
    sampled = run_json("sample", "Name a colour.", "-n", "3", "--seed", "4", "--max-tokens", "4", "--temperature", "1",
                       home=inkling_home)
    assert [s["seed"] for s in sampled["samples"]] == [4, 5, 6]
    assert sum(g["count"] for g in sampled["groups"]) == 3
    reply = ask_json("Name a colour.", "--max-tokens", "6", home=inkling_home)
    compared = run_json("compare", str(reply["message_id"]), "--setup", "temperature=0", "--setup", "temperature=1.5,seed=2",
                        "--max-tokens", "6", home=inkling_home)
    assert len(compared["columns"]) == 2
    assert compared["columns"][0]["settings"]["temperature"] == 0
    store = open_store(database_path())  # a new process's view of the database: the restart
    try:
        kinds = [e.kind for e in list_experiments(store)]
        assert kinds == ["compare", "sample"]
        kept = load_experiment(store, list_experiments(store)[0].id)
        assert kept.data["columns"][1]["text"] == compared["columns"][1]["text"]
        assert kept.conversation_id == reply["conversation_id"]
    finally:
        store.close()
    listed = inkling("experiments", home=inkling_home)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2
    compare_id = listed.stdout.split()[0]
    table = inkling("experiments", compare_id, home=inkling_home).stdout
    assert "| Setup | Reply |" in table and "temperature=0" in table
    assert run_json("experiments", compare_id, home=inkling_home)["columns"][1]["text"] == compared["columns"][1]["text"]


def test_a_bad_setup_or_message_is_one_line_and_exit_2(inkling_home):
    done = inkling("compare", "999", "--setup", "warmth=3", "--setup", "temperature=0", home=inkling_home)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "warmth" in done.stderr
    done = inkling("compare", "999", "--setup", "temperature=1", "--setup", "temperature=0", home=inkling_home)
    assert done.returncode == 2 and "no message with id 999" in done.stderr


def test_compare_runs_a_column_on_another_model_file(inkling_home, gemma_path):
    reply = ask_json("Name a colour.", "--max-tokens", "5", home=inkling_home)
    compared = run_json("compare", str(reply["message_id"]), "--setup", "temperature=0",
                        "--setup", f"temperature=0,model={gemma_path}", "--max-tokens", "5", home=inkling_home)
    first, second = compared["columns"]
    assert "engine" not in first and second["engine"]["path"] == str(gemma_path)
    assert second["setup"]["engine"] == f"model:{gemma_path}" and "gemma" in second["label"]
    assert len(compared["divergence"]) == 2
    done = inkling("compare", str(reply["message_id"]), "--setup", "temperature=0", "--setup", "model=/nowhere.gguf",
                   home=inkling_home)
    assert done.returncode == 2 and "no model file /nowhere.gguf" in done.stderr and "Traceback" not in done.stderr


def test_compare_puts_the_notes_only_into_the_columns_with_notes_on(inkling_home, tmp_path):
    note = tmp_path / "zog.md"
    note.write_text("# Zog\n\nOn the planet Zog the sky is purple and the grass is orange.\n")
    assert inkling("notes", "add", str(note), home=inkling_home).returncode == 0
    reply = ask_json("What colour is the sky on Zog?", "--max-tokens", "4", "--no-notes", home=inkling_home)
    compared = run_json("compare", str(reply["message_id"]), "--setup", "temperature=0", "--setup", "temperature=0,notes=on",
                        "--max-tokens", "4", home=inkling_home)
    plain, noted = compared["columns"]
    assert compared["sources"][0]["title"] == "zog.md" and noted["sources_used"] == 1 and "sources_used" not in plain
    assert len(noted["prompt_tokens"]) > len(plain["prompt_tokens"]) + 10


def test_compare_runs_short_columns_unless_told_and_keeps_the_length(inkling_home):
    from desktop.core.lab.compare import COMPARE_REPLY

    reply = ask_json("Name a colour.", "--max-tokens", "4", home=inkling_home)
    compared = run_json("compare", str(reply["message_id"]), "--setup", "temperature=0", "--setup", "temperature=1.5,seed=2",
                        home=inkling_home)  # not the Sampling settings' 512 tokens
    assert compared["max_tokens"] == COMPARE_REPLY
    assert [c["settings"]["max_tokens"] for c in compared["columns"]] == [COMPARE_REPLY] * 2
    assert all(len(c["tokens"]) <= COMPARE_REPLY for c in compared["columns"])
    told = run_json("compare", str(reply["message_id"]), "--setup", "temperature=0", "--setup", "seed=3", "--max-tokens", "2",
                    home=inkling_home)
    assert told["max_tokens"] == 2 and all(len(c["tokens"]) <= 2 for c in told["columns"])
