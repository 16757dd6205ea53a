"""Hostile imports: wrongly-typed variants of a real export, zip bombs and lying archives write nothing."""

import copy
import json
import os
import struct
import tracemalloc
import zipfile

import pytest

from desktop.cli import build_parser, run as run_cli
from desktop.core.conversation.transfer import ImportLimits, TransferError, import_file
from desktop.core.paths import database_path
from desktop.core.store import open_store
from tests.e2e.runner import ask_json, inkling
from tests.ui.conftest import make_window  # noqa: F401 (a fixture)

TABLES = ("conversations", "messages", "token_traces", "message_sources", "prompt_tokens", "prompt_records")
SOURCE = {"note_id": 1, "title": "Otters", "chunk": 0, "score": 0.5, "snippet": "Otters hold hands."}


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict:
    """A real conversation's export: a question and the bundled model's reply with its trace and prompt."""
    home = tmp_path_factory.mktemp("exported-home")
    reply = ask_json("Name a colour.", "--max-tokens", "6", home=home)
    done = inkling("export", str(reply["conversation_id"]), "--format", "json", "--branches", "all", home=home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["messages"][1]["trace"] and data["messages"][1]["prompt"]["record"]
    return data


def _set(path: str, value):
    """A change at a dotted path (messages.1.trace.0.id) of a copy of the export."""
    def change(data: dict) -> dict:
        data = copy.deepcopy(data)
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
        return data
    return change


# The 15 wrongly-typed variants of a real export, and a few more of the same kind.
VARIANTS = {
    "messages as a string": _set("messages", "abc"),
    "a conversation as a list": _set("conversation", []),
    "a title as a dict": _set("conversation.title", {"a": 1}),
    "a parent id as a list": _set("messages.1.parent_id", [1]),
    "a token id as a string": _set("messages.1.trace.0.id", "12"),
    "a token id of 2**40": _set("messages.1.trace.0.id", 2**40),
    "an alternative's id of 2**40": _set("messages.1.trace.0.top.0.id", 2**40),
    "sources as a string": _set("messages.1.sources", "abc"),
    "a source's score as text": _set("messages.1.sources", [{**SOURCE, "score": "high"}]),
    "a trace as an object": _set("messages.1.trace", {"0": 1}),
    "alternatives as a string": _set("messages.1.trace.0.top", "abc"),
    "65 alternatives at one position": _set("messages.1.trace.0.top", [{"id": n, "text": "x", "logprob": -1.0}
                                                                        for n in range(65)]),
    "a log-probability as text": _set("messages.1.trace.0.logprob", "low"),
    "prompt token ids as strings": _set("messages.1.prompt.token_ids", ["1", "2"]),
    "a prompt token id of 2**40": _set("messages.1.prompt.token_ids", [2**40]),
    "a prompt part past its tokens": _set("messages.1.prompt.record.parts", [["message", 0, 10**6]]),
    "a role as a number": _set("messages.0.role", 5),
    "content null": _set("messages.0.content", None),
    "a message as a string": _set("messages.0", "hello"),
    "sampler settings as a string": _set("messages.1.sampler", "hot"),
    "a temperature as text": _set("messages.1.sampler.temperature", "hot"),
    "stats as a list": _set("messages.1.stats", [1, 2]),
    "a leaf as text": _set("leaf", "2"),
    "a leaf that is not a message": _set("leaf", 99),
    "a parent that comes later": _set("messages.0.parent_id", 2),
    "a message id as true": _set("messages.0.id", True),
    "pinned as text": _set("conversation.pinned", "yes"),
    "a branch position below zero": _set("messages.1.branch_position", -1),
}


def _counts() -> dict[str, int]:
    store = open_store(database_path())
    try:
        return {table: store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        store.close()


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = run_cli(build_parser().parse_args(list(args)))
    return code, capsys.readouterr().err


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_wrongly_typed_export_is_refused_in_one_line_and_writes_nothing(variant, export, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(VARIANTS[variant](export)))
    code, err = _cli(capsys, "import", str(path))
    assert code == 2
    assert err.startswith("inkling: error: bad.json is damaged: ") and err.count("\n") == 1, err
    assert "nothing was imported" in err
    assert set(_counts().values()) == {0}


def test_the_real_export_itself_imports(export, tmp_path, capsys):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(export))
    code, _ = _cli(capsys, "import", str(path))
    assert code == 0
    counts = _counts()
    assert counts["messages"] == len(export["messages"]) and counts["token_traces"] == 1


def test_an_archive_with_one_bad_conversation_imports_none_of_them(export, tmp_path, capsys):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("inkling-conversations/1-good.json", json.dumps(export))
        zipped.writestr("inkling-conversations/2-bad.json", json.dumps(VARIANTS["sources as a string"](export)))
    code, err = _cli(capsys, "import", str(archive))
    assert code == 2 and "2-bad.json is damaged: messages[1].sources" in err
    assert set(_counts().values()) == {0}


def test_the_real_command_refuses_in_one_line_without_a_traceback(export, tmp_path, inkling_home):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(VARIANTS["sources as a string"](export)))
    bomb = tmp_path / "bomb.zip"
    _zeros_zip(bomb, 2**20)
    _claim_size(bomb, 2**30)
    for path, said in ((bad, "bad.json is damaged: messages[1].sources: input should be a valid array"),
                       (bomb, "inflates to 1.0 GB")):
        done = inkling("import", str(path), home=inkling_home)
        assert done.returncode == 2 and said in done.stderr and done.stderr.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code, err = _cli(capsys, "import", str(fifo))
    assert code == 2 and "not a regular file" in err


def _zeros_zip(path, size: int, name: str = "inkling-conversations/1.json") -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        with zipped.open(name, "w") as entry:
            chunk = b" " * 2**20  # JSON whitespace: valid until the end, so only the size can stop it
            for _ in range(size // 2**20):
                entry.write(chunk)


def _claim_size(path, size: int) -> None:
    """Rewrite the archive's directory (local header and central record) to claim `size` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


def _peak_while(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating(tmp_path):
    bomb = tmp_path / "bomb.zip"
    _zeros_zip(bomb, 48 * 2**20)
    assert bomb.stat().st_size < 2**20  # under 1 MB on disk, 48 MB inflated
    store = open_store(database_path())
    try:
        def refuse():
            with pytest.raises(TransferError, match=r"1\.json in the archive inflates to 48 MB"):
                import_file(store, bomb, ImportLimits(file_bytes=8 * 2**20))
        assert _peak_while(refuse) < 2**20
    finally:
        store.close()
    assert set(_counts().values()) == {0}


def test_a_gigabyte_claim_is_refused_at_the_default_limits(tmp_path):
    bomb = tmp_path / "bomb.zip"
    _zeros_zip(bomb, 2**20)
    _claim_size(bomb, 2**30)  # what a 1 MB file inflating to 1 GB says of itself
    store = open_store(database_path())
    try:
        def refuse():
            with pytest.raises(TransferError, match="inflates to 1.0 GB"):
                import_file(store, bomb)
        assert _peak_while(refuse) < 2**20
    finally:
        store.close()


def test_an_entry_that_inflates_past_what_its_directory_says_stops_there(tmp_path):
    liar = tmp_path / "liar.zip"
    _zeros_zip(liar, 48 * 2**20)
    _claim_size(liar, 1000)
    store = open_store(database_path())
    try:
        def refuse():
            with pytest.raises(TransferError, match="Cannot read inkling-conversations/1.json in the archive"):
                import_file(store, liar)
        assert _peak_while(refuse) < 4 * 2**20  # zipfile's read buffers, never the 48 MB
    finally:
        store.close()


def test_many_entries_or_a_large_total_are_refused(export, tmp_path):
    archive = tmp_path / "many.zip"
    text = json.dumps(export)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for n in range(3):
            zipped.writestr(f"inkling-conversations/{n}.json", text)
    store = open_store(database_path())
    try:
        with pytest.raises(TransferError, match="holds 3 conversations; an import takes at most 2"):
            import_file(store, archive, ImportLimits(entries=2))
        with pytest.raises(TransferError, match="The archive inflates to"):
            import_file(store, archive, ImportLimits(total_bytes=2 * len(text)))
        with pytest.raises(TransferError, match="larger than"):
            plain = tmp_path / "one.json"
            plain.write_text(text)
            import_file(store, plain, ImportLimits(file_bytes=len(text) - 1))
    finally:
        store.close()
    assert set(_counts().values()) == {0}


def test_the_window_imports_a_good_file_and_refuses_a_bad_one_in_words(export, tmp_path, make_window, qtbot):
    window = make_window()
    before = len(window.store.list_conversations())
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps(VARIANTS["sources as a string"](export)))
    good.write_text(json.dumps(export))

    window.files.ask_open_path = lambda title, filters: bad
    window.files.import_conversations()
    qtbot.waitUntil(lambda: not window.files.importer.busy)  # read on its own thread
    assert window.errors == [("Cannot import", "bad.json is damaged: messages[1].sources: input should be a valid "
                                                "array, found \"abc\"; nothing was imported.")]
    assert len(window.store.list_conversations()) == before

    window.files.ask_open_path = lambda title, filters: good
    window.files.import_conversations()
    qtbot.waitUntil(lambda: not window.files.importer.busy)  # read on its own thread
    assert len(window.store.list_conversations()) == before + 1
    imported = window.store.get_conversation(window.conversation_id)  # opened at once
    assert imported.title == export["conversation"]["title"] and imported.created_at == export["conversation"]["created_at"]
    assert [view.text().strip() for view in window.chat.views()] == [m["content"].strip() for m in export["messages"]]
