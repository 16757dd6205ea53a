"""What goes wrong, said in Chinese in a Chinese window: damaged databases, traces, templates, experiments,
sampler settings, exports and notes files (each message as the window shows it, through said())."""

import json
import os
import random
import re
import sqlite3
from types import SimpleNamespace

import pytest

from desktop.core.dbfiles import DatabaseDamagedError, check_header, explain
from desktop.core.engine.template import ChatTemplate, ChatTemplateError, MAX_SOURCE_CHARS
from desktop.core.models.settings import ModelSettings
from desktop.core.notes.readers import UnreadableFile, read_file, stored_words
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TraceFormatError, TraceTable
from desktop.core.store import open_store
from desktop.core.store.experiments import ExperimentDamagedError, load_experiment, save_experiment
from desktop.core.conversation.transfer import TransferError, export_text, import_json
from desktop.ui.language import CHINESE, ENGLISH, Language, said
from desktop.ui.notes_panel import status_text
from desktop.ui.notes_worker import NotesThreads
from tests.ui.test_language import compiled  # noqa: F401 - the fixture: the .qm as `make setup` compiles it
from tests.ui.test_language_walk import english_left


@pytest.fixture
def chinese(qapp, compiled):  # noqa: F811
    """Inkling's and Qt's Chinese installed for one test, taken out again after it."""
    language = Language(qapp, compiled)
    language.apply(CHINESE)
    yield language
    language.apply(ENGLISH)


def english(shown: str) -> list[str]:
    """The English words left in a message as the window shows it: a command typed as written (`inkling restore`),
    an environment variable's or a JSON key's name (INKLING_HOME, prompt_tokens) and a value quoted as it is
    written in a file ('assistant') are no words to translate."""
    shown = re.sub(r"\S+/\S+|\w+(\[\d+\])?(\.\w+(\[\d+\])?)+", " ", shown)  # paths; JSON places: messages[0].role
    return english_left(re.sub(r"`[^`]*`|\b\w+_\w+\b|'[^' ]*'", " ", shown))


def test_a_damaged_database_is_said_in_chinese(chinese, tmp_path):
    path = tmp_path / "inkling.db"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    with pytest.raises(DatabaseDamagedError) as raised:
        check_header(path)
    assert str(raised.value).startswith(f"{path} is damaged or not an Inkling database (file is not a database)")
    assert "已损坏" in said(raised.value) and not english(said(raised.value)), said(raised.value)
    assert said(raised.value.reason) == "文件不是数据库"  # the start-up dialog's reason

    connection = sqlite3.connect(path)  # SQLite's own words for the same file
    with pytest.raises(sqlite3.DatabaseError) as refused:
        connection.execute("SELECT * FROM sqlite_master").fetchall()
    connection.close()
    explained = explain(refused.value, path)
    assert not english(said(explained)) and not english(said(explained.reason)), said(explained)

    short = tmp_path / "short.db"
    store = open_store(short)
    store.create_conversation("x")
    store.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{short}{suffix}"):
            os.remove(f"{short}{suffix}")
    short.write_bytes(short.read_bytes()[:-1024])  # cut short
    with pytest.raises(DatabaseDamagedError) as cut:
        check_header(short)
    assert "文件不完整" in said(cut.value.reason) and not english(said(cut.value)), said(cut.value)


def test_damaged_notes_are_said_in_chinese_in_the_notes_panel(chinese, qtbot, tmp_path):
    (tmp_path / "notes.db").write_bytes(random.Random(7).randbytes(64 * 1024))
    threads = NotesThreads(tmp_path)  # the real notes library, on a notes.db that is no database
    try:
        heard = []
        threads.indexer.openFailed.connect(heard.append)
        threads.open()
        qtbot.waitUntil(lambda: bool(heard), timeout=30000)
        assert heard[0].startswith("笔记不可用") and "已损坏" in heard[0] and not english(heard[0]), heard[0]
    finally:
        threads.shutdown()


def test_a_damaged_trace_template_or_experiment_is_said_in_chinese(chinese, tmp_path):
    for blob in (b"\x07abc", b"\x02" + b"not zlib at all", b"\x02"):
        with pytest.raises(TraceFormatError) as raised:
            TraceTable.decode(blob)
        assert "词元记录" in said(raised.value) and not english(said(raised.value)), said(raised.value)

    for source in ("x" * (MAX_SOURCE_CHARS + 1), "{% for i in range(10) %}{{ 'x' * 100000000 }}{% endfor %}"):
        with pytest.raises(ChatTemplateError) as refused:  # too long; building too much text
            ChatTemplate(source, "<s>", "</s>")
        assert "聊天模板" in said(refused.value) and not english(said(refused.value)), said(refused.value)

    store = open_store(tmp_path / "inkling.db")
    try:
        conversation = store.create_conversation("x")
        kept = save_experiment(store, "score", "t", {"text": "a"}, conversation.id)
        for damage in ("{not json", '{"text": 3}', "[]"):
            store.db.conn.execute("UPDATE experiments SET data = ? WHERE id = ?", (damage, kept.id))
            with pytest.raises(ExperimentDamagedError) as damaged:
                load_experiment(store, kept.id)
            assert "实验" in said(damaged.value) and not english(said(damaged.value)), said(damaged.value)
    finally:
        store.close()


def test_a_damaged_model_file_is_said_in_chinese(chinese, tmp_path):
    import struct

    from desktop.core.engine.gguf import MAGIC, MAX_STRING, read_header
    from desktop.core.engine.types import ModelLoadError

    header = MAGIC + struct.pack("<IQQ", 3, 0, 1)
    for name, data in (("short.gguf", header[:-3]), ("huge.gguf", header + struct.pack("<Q", MAX_STRING + 1) + b"k" * 64),
                       ("kind.gguf", header + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 99))):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ModelLoadError) as raised:
            read_header(tmp_path / name)
        assert "已损坏" in said(raised.value) and not english(said(raised.value)), said(raised.value)


def test_sampler_settings_refused_are_said_in_chinese(chinese):
    with pytest.raises(ValueError) as raised:
        SamplerSettings(temperature=5.0, top_p=0.0, seed=-1).validated()
    assert str(raised.value).startswith("temperature must be between 0 and 2; top-p must be in (0, 1]")
    assert said(raised.value).startswith("温度必须在 0 到 2 之间") and not english(said(raised.value)), said(raised.value)
    with pytest.raises(ValueError) as model:  # the model library's settings hold sampler settings too
        ModelSettings(n_ctx=10, sampling={"temperature": 9.0}).validated()
    assert "温度" in said(model.value) and not english(said(model.value)), said(model.value)

    from desktop.core.lab.compare import SetupError, Setup
    with pytest.raises(SetupError) as lab:
        Setup.parse("temperature=7").settings(SamplerSettings())
    assert said(lab.value) == "温度必须在 0 到 2 之间"


def test_an_export_that_fails_its_check_is_said_in_chinese(chinese, tmp_path):
    store = open_store(tmp_path / "inkling.db")
    try:
        conversation = store.create_conversation("t")
        store.add_message(conversation.id, "user", "hello")
        sound = json.loads(export_text(store, conversation.id, "json"))
        damages = [
            lambda e: e.update(version=99),
            lambda e: e["messages"][0].update(parent_id=12345),
            lambda e: e["messages"][0].update(role=3),
            lambda e: e["messages"].append(dict(e["messages"][0])),
            lambda e: e.update(leaf=777),
        ]
        for damage in damages:
            export = json.loads(json.dumps(sound))
            damage(export)
            with pytest.raises(TransferError) as raised:
                import_json(store, export)
            shown = said(raised.value)
            assert "没有导入任何内容" in shown and not english(shown), shown
    finally:
        store.close()


def test_a_notes_file_reason_with_its_details_is_said_in_chinese(chinese, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile) as raised:
        read_file(fifo)
    stored = str(raised.value)  # notes.db keeps it in English
    assert status_text(SimpleNamespace(status="error", error=stored, warning=None)) == \
        "出错：这是命名管道（FIFO），不是普通文件：只读取普通文件"
    cancelled = "indexing was cancelled after 3 chunks (40% of the text); reindex to finish it"
    assert status_text(SimpleNamespace(status="cancelled", error=cancelled, warning=None)) == \
        "已取消：索引在 3 个片段后被取消（已完成文本的 40%）；重新索引即可完成"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait, two \xff\xfe bytes")
    warning = read_file(bad).warning
    assert str(warning).startswith("not valid UTF-8: 3 undecodable")
    assert said(stored_words(str(warning))) == "不是有效的 UTF-8：3 处无法解码的字节序列已替换为 �"


def test_a_reply_that_could_not_be_saved_says_why_in_chinese(chinese, qtbot, tmp_path):
    from desktop.core.conversation.session import DISK_FULL_REPLY, ReplyNotSavedError
    from desktop.ui.chat_view import MessageView

    store = open_store(tmp_path / "inkling.db")
    try:
        conversation = store.create_conversation("t")
        reply = store.add_message(conversation.id, "assistant", "half a repl", status="error")
        store.update_message(reply.id, error=str(DISK_FULL_REPLY))  # kept in English, as the core said it
        view = MessageView(store.get_message(reply.id), "SmolLM2")
        qtbot.addWidget(view)
        assert view.badge.text() == "出错：磁盘已满；已写出的内容保留到上次保存为止"
    finally:
        store.close()
    assert said(ReplyNotSavedError(DISK_FULL_REPLY)) == "磁盘已满；已写出的内容保留到上次保存为止"


def test_a_server_s_and_the_lab_s_refusals_are_said_in_chinese(chinese):
    from desktop.core.engine.remote.servers import check_name, new_entry
    from desktop.core.errors import InklingError
    from desktop.core.lab.sample import sample_many

    refusals = []
    for attempt in (lambda: check_name("-1 2-"), lambda: new_entry("box", "http://127.0.0.1:8080", "1-2")):
        with pytest.raises(InklingError) as raised:
            attempt()
        refusals.append(raised.value)
    with pytest.raises(ValueError) as raised:
        sample_many(SimpleNamespace(), SimpleNamespace(), SamplerSettings(), 0, 1)
    refusals.append(raised.value)
    for refusal in refusals:
        shown = said(refusal)
        assert not english(shown), shown
