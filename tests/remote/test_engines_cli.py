"""`inkling engines …` and `inkling ask --engine` end to end against a real llama-server; keys stay out of the data."""

import json
import os
import stat
import subprocess
import sys

from desktop.core.engine.remote.servers import KEY_FILE, KeyStore
from tests.e2e.runner import inkling
from tests.remote.server import free_port

SECRET = "sk-inkling-test-secret"


def test_add_list_ask_show_remove(server_url, inkling_home):
    added = inkling("engines", "add", "local", server_url, home=inkling_home)
    assert added.returncode == 0, added.stderr
    assert "Probabilities: top 20 with token ids, exact branching" in added.stdout
    listed = json.loads(inkling("engines", "list", "--json", home=inkling_home).stdout)
    assert [(e["name"], e["kind"], e["probabilities"], e["n_ctx"]) for e in listed] == [("local", "llama-server", "ids", 2048)]
    assert listed[0]["warning"] is None  # loopback: plain http is not marked

    asked = inkling("ask", "--engine", "local", "--json", "--temperature", "0", "--max-tokens", "12",
                    "--no-notes", "Name a colour.", home=inkling_home)
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["engine"]["kind"] == "llama-server" and reply["engine"]["server"] == "local"
    assert reply["model"].endswith("@ local") and reply["tokens"] and reply["tokens"][0]["top"]

    shown = inkling("show", str(reply["message_id"]), home=inkling_home)
    assert shown.returncode == 0, shown.stderr
    assert "written by llama-server 'local'" in shown.stdout and "entropy: lower bound" in shown.stdout

    assert inkling("engines", "remove", "local", home=inkling_home).returncode == 0
    missing = inkling("ask", "--engine", "local", "hi", home=inkling_home)
    assert missing.returncode == 2 and "No server named 'local'" in missing.stderr


def test_a_key_goes_to_the_key_store_never_to_the_database_or_output(server_url, inkling_home):
    added = subprocess_input(["engines", "add", "keyed", server_url, "--api-key-stdin"], SECRET + "\n", inkling_home)
    assert added.returncode == 0, added.stderr
    keys = KeyStore(inkling_home)
    if keys.where == "file":  # no keyring on this machine: a 0600 file, and the user is told
        assert "API keys are kept in" in added.stderr
        assert stat.S_IMODE(os.stat(inkling_home / KEY_FILE).st_mode) == 0o600
    assert keys.get("keyed") == SECRET
    for path in inkling_home.glob("inkling.db*"):
        assert SECRET.encode() not in path.read_bytes()
    listed = inkling("engines", "list", home=inkling_home)
    assert SECRET not in listed.stdout + listed.stderr and "key in" in listed.stdout
    assert inkling("engines", "remove", "keyed", home=inkling_home).returncode == 0
    assert keys.get("keyed") is None


def test_a_key_from_an_environment_variable_that_is_not_set(inkling_home, server_url):
    added = inkling("engines", "add", "envkey", server_url, "--api-key-env", "INKLING_TEST_KEY", "--no-probe",
                    home=inkling_home)
    assert added.returncode == 0, added.stderr
    tested = inkling("engines", "test", "envkey", home=inkling_home)
    assert tested.returncode == 2 and "$INKLING_TEST_KEY, which is not set" in tested.stderr
    tested = inkling("engines", "test", "envkey", home=inkling_home, INKLING_TEST_KEY="anything")
    assert tested.returncode == 0, tested.stderr  # llama-server started without --api-key takes any


def test_a_server_that_is_down_is_refused_in_one_line(inkling_home):
    done = inkling("engines", "add", "down", f"http://127.0.0.1:{free_port()}", home=inkling_home)
    assert done.returncode == 2 and "refused the connection" in done.stderr and "Traceback" not in done.stderr
    assert json.loads(inkling("engines", "list", "--json", home=inkling_home).stdout) == []


def test_plain_http_to_another_machine_is_marked_and_credentials_in_the_url_refused(inkling_home):
    added = inkling("engines", "add", "far", "http://192.0.2.10:8080", "--no-probe", home=inkling_home)
    assert added.returncode == 0, added.stderr
    listed = json.loads(inkling("engines", "list", "--json", home=inkling_home).stdout)
    assert "unencrypted" in listed[0]["warning"]
    refused = inkling("engines", "add", "cred", "https://user:pw@example.com", "--no-probe", home=inkling_home)
    assert refused.returncode == 2 and "not in the address" in refused.stderr and "pw" not in refused.stderr


def subprocess_input(args: list[str], text: str, home):
    return subprocess.run([sys.executable, "-m", "desktop", *args], input=text, capture_output=True, text=True,
                          env={**os.environ, "INKLING_HOME": str(home)}, timeout=300)
