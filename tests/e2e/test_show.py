"""`inkling show MESSAGE_ID [--json]` end to end: a reply made by `ask`, then a branch of it, read back."""

import json
import math
import os
import signal
import subprocess
import sys

from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.engine.types import EngineConfig
from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.core.conversation.test_branching import branch_from
from tests.e2e.runner import ask_json, inkling


def test_show_prints_a_stored_reply_with_tokens_summary_and_branches(inkling_home, smollm2_path):
    asked = ask_json("Name a colour.", "--max-tokens", "10", home=inkling_home)
    store = open_store(database_path())
    smollm2 = LlamaEngine(smollm2_path, EngineConfig(n_ctx=2048))  # its own: a branch leaves its KV cache behind
    try:
        source = store.get_message(asked["message_id"])
        top = store.load_trace(source.id)[1].top
        alternative = next(alt for alt in top if alt.id != asked["tokens"][1]["id"] and not alt.eog)
        branch = branch_from(store, smollm2, source.id, 1, alternative.id)
    finally:
        smollm2.close()
        store.close()

    done = inkling("show", str(asked["message_id"]), "--json", home=inkling_home)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["text"] == asked["text"] and shown["role"] == "assistant"
    assert [(t["id"], t["text"]) for t in shown["tokens"]] == [(t["id"], t["text"]) for t in asked["tokens"]]
    assert all(math.isclose(a["logprob"], b["logprob"], rel_tol=1e-5, abs_tol=1e-6)
               for a, b in zip(shown["tokens"], asked["tokens"]))  # stored as float32
    assert shown["siblings"] == [asked["message_id"], branch.id] and shown["sibling_index"] == 1
    assert shown["branches"] == [{"message_id": branch.id, "position": 1,
                                  "token": {"id": alternative.id, "text": alternative.text}}]
    mean = sum(t["logprob"] for t in asked["tokens"]) / len(asked["tokens"])
    assert math.isclose(shown["summary"]["mean_logprob"], mean, rel_tol=1e-5)
    assert math.isclose(shown["summary"]["perplexity"], math.exp(-mean), rel_tol=1e-5)
    assert shown["trace_error"] is None

    shown_branch = json.loads(inkling("show", str(branch.id), "--json", home=inkling_home).stdout)
    assert shown_branch["branch"] == {"of": asked["message_id"], "position": 1} and shown_branch["sibling_index"] == 2
    assert [t["id"] for t in shown_branch["tokens"][:2]] == [asked["tokens"][0]["id"], alternative.id]

    text = inkling("show", str(asked["message_id"]), home=inkling_home)
    assert text.returncode == 0 and "perplexity" in text.stdout and f"branch: message {branch.id}" in text.stdout


def test_show_of_a_missing_message_is_a_one_line_error(inkling_home):
    done = inkling("show", "12345", home=inkling_home)
    assert done.returncode == 2 and done.stderr.strip() == "inkling: error: no message with id 12345"


def test_show_into_a_pipe_closed_early_ends_quietly(inkling_home):
    """`inkling show ID | head -1`: the reader leaves after one line; no traceback, the usual SIGPIPE status."""
    store = open_store(database_path())
    conversation = store.create_conversation("Long")
    message = store.add_message(conversation.id, "user", "line of text\n" * 50_000)  # far beyond a pipe's buffer
    store.close()

    with subprocess.Popen([sys.executable, "-m", "desktop", "show", str(message.id)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)) as process:
        process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == 128 + signal.SIGPIPE
    assert stderr == ""
