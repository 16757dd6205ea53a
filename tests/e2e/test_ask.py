"""`inkling ask` end to end: a real process, the real bundled model, a temp INKLING_HOME."""

import pytest

from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.e2e.runner import ask_json, inkling

TOKEN_KEYS = {"id", "text", "logprob", "sampled_prob", "entropy", "top"}


def test_ask_json_prints_the_reply_tokens_and_stats(inkling_home):
    reply = ask_json("What is the capital city of France?", "--max-tokens", "24", "--top-logprobs", "5", home=inkling_home)
    assert set(reply) == {
        "conversation_id", "message_id", "model", "engine", "text", "finish_reason", "tokens", "sources", "stats",
    }
    assert reply["engine"] == {"kind": "in-process"}
    assert "Paris" in reply["text"]
    assert reply["finish_reason"] in ("stop", "length")
    assert reply["sources"] == []
    assert {"prompt_tokens", "completion_tokens", "ttft_ms", "tokens_per_s"} <= set(reply["stats"])
    assert reply["stats"]["completion_tokens"] == len(reply["tokens"])
    for token in reply["tokens"]:
        assert set(token) == TOKEN_KEYS
        assert len(token["top"]) == 5
        assert set(token["top"][0]) == {"id", "text", "logprob"}
        # the alternatives are printed as stored (float16, as `inkling show` prints them): ~3 significant digits
        assert token["logprob"] <= token["top"][0]["logprob"] + 1e-3 * max(1.0, abs(token["logprob"]))
    joined = "".join(t["text"] for t in reply["tokens"] if t is not reply["tokens"][-1] or reply["finish_reason"] != "stop")
    assert joined == reply["text"]


def test_ask_conversation_continues_and_is_stored_for_the_window(inkling_home):
    first = ask_json("My name is Ada.", "--max-tokens", "8", "--system", "Be brief.", home=inkling_home)
    second = ask_json("What is my name?", "--max-tokens", "8", "--conversation", str(first["conversation_id"]),
                      home=inkling_home)
    assert second["conversation_id"] == first["conversation_id"]
    # the second prompt held the first turn: it is longer than a fresh one would be
    assert second["stats"]["prompt_tokens"] > first["stats"]["prompt_tokens"] + len(first["tokens"])

    store = open_store(database_path())
    try:
        conversation = store.get_conversation(first["conversation_id"])
        assert conversation.system_prompt == "Be brief."
        thread = store.thread(first["conversation_id"])
        assert [m.role for m in thread] == ["user", "assistant", "user", "assistant"]
        assert thread[-1].id == second["message_id"]
        assert thread[-1].status == "complete"
        assert len(store.load_trace(second["message_id"])) == len(second["tokens"])
    finally:
        store.close()


def test_plain_ask_streams_text(inkling_home):
    done = inkling("ask", "What is the capital city of France?", "--temperature", "0", "--max-tokens", "16",
                   home=inkling_home)
    assert done.returncode == 0, done.stderr
    assert "Paris" in done.stdout


@pytest.mark.parametrize("args, says", [
    (["ask", "hi", "--temperature", "hot"], "invalid float value"),
    (["ask", "hi", "--temperature", "5"], "temperature"),
    (["ask", "hi", "--top-logprobs", "50"], "--top-logprobs"),
    (["ask", "hi", "--conversation", "999"], "no conversation with id 999"),
    (["ask", "hi", "--model", "/nonexistent/model.gguf"], "Model file not found"),
    (["ask"], "required"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_give_one_line_and_exit_code_2(inkling_home, args, says):
    done = inkling(*args, home=inkling_home)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("inkling: error:") and says in lines[0]


def test_a_missing_model_leaves_no_empty_conversation(inkling_home):
    assert inkling("ask", "hi", "--model", "/nonexistent/model.gguf", home=inkling_home).returncode == 2
    store = open_store(database_path())
    try:
        assert store.list_conversations() == []
    finally:
        store.close()
