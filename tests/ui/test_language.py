"""The window in Simplified Chinese: every marked string translated, the locale followed, the choice remembered."""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QMenu

from desktop.ui.language import CHINESE, ENGLISH, SYSTEM, resolve

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "translations" / "inkling_zh_CN.ts"
BIN = Path(sys.executable).parent


def sources() -> list[str]:
    """The files whose strings the .ts holds (what `pyside6-lupdate` is run on; see translations/README): the UI's
    tr() strings and the core's messages (desktop.core.words.translate)."""
    core = [path for path in sorted((ROOT / "desktop" / "core").rglob("*.py")) if "from desktop.core.words import" in path.read_text()]
    ui = sorted((ROOT / "desktop" / "ui").glob("*.py"))
    return [str(path.relative_to(ROOT)) for path in ui] + ["desktop/app.py"] + [str(p.relative_to(ROOT)) for p in core]


def messages(path: Path) -> list[ElementTree.Element]:
    return ElementTree.parse(path).getroot().findall("./context/message")


def test_every_string_of_the_window_has_a_finished_translation(tmp_path):
    # lupdate on a copy: a string added to the code comes in unfinished, one removed turns vanished/obsolete
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources(), "-locations", "none", "-ts", str(copy)],
                   cwd=ROOT, check=True, capture_output=True)
    problems = []
    for message in messages(copy):
        source = message.findtext("source")
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
            problems.append(f"{translation.get('type') if translation is not None else 'missing'}: {source!r}")
            continue
        text = "".join(form.text or "" for form in translation.findall("numerusform")) or translation.text or ""
        if not text.strip():
            problems.append(f"empty: {source!r}")
        elif source.count("{") != text.count("{") or ("&" in source) != ("&" in text) or ("%n" in source) != ("%n" in text):
            problems.append(f"placeholders or shortcut differ: {source!r} -> {text!r}")
    # a string lupdate found outside any class or translate("Context", …) call has no context: never looked up
    problems += [f"no context: {m.findtext('source')!r}" for c in ElementTree.parse(copy).getroot().findall("context")
                 if not (c.findtext("name") or "").strip() for m in c.findall("message")]
    assert not problems, "run pyside6-lupdate (translations/README.md) and translate:\n" + "\n".join(problems)
    assert len(messages(copy)) == len(messages(TS))


def test_terms_follow_the_glossary():
    text = TS.read_text(encoding="utf-8")
    for wrong in ("令牌", "标记化", "温度值", "系统提示 ", "注释"):
        assert wrong not in text, wrong
    glossary = (ROOT / "translations" / "glossary.md").read_text(encoding="utf-8")
    for term in ("词元", "温度", "熵", "系统提示词", "笔记", "分支"):
        assert re.search(rf"\| {term} \|", glossary), term


def test_the_locale_decides_when_the_choice_is_system():
    chinese, c = QLocale("zh_CN"), QLocale("C")
    assert resolve(SYSTEM, chinese) == CHINESE and resolve(SYSTEM, c) == ENGLISH
    assert resolve(ENGLISH, chinese) == ENGLISH and resolve(CHINESE, c) == CHINESE


WINDOW = """
import json, os, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QDockWidget
from desktop.core.store import open_store
from desktop.ui.language import Language
from desktop.ui.main_window import MainWindow
from tests.fakes import FakeEngine

app = QApplication([])
language = Language(app, Path(sys.argv[1]))
used = language.apply(sys.argv[2])
store = open_store(Path(sys.argv[3]) / "inkling.db")
window = MainWindow(store, FakeEngine, Path("fake.gguf"))
bar = window.menuBar()
print(json.dumps({
    "used": used, "translated": language.translated, "font": app.font().families(),
    "menus": [action.text() for action in bar.actions()],
    "items": [item.text() for action in bar.actions() for item in action.menu().actions() if item.text()],
    "docks": sorted(dock.windowTitle() for dock in window.findChildren(QDockWidget)),
    "qt": app.translate("QPlatformTheme", "Cancel"),
}), flush=True)
os._exit(0)  # what is read is printed; the window's worker threads need not be wound down for it
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> Path:
    """The .qm as `make setup` compiles it, in a folder of its own."""
    folder = tmp_path_factory.mktemp("qm")
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(folder / "inkling_zh_CN.qm")],
                   check=True)
    return folder


def window_under(lang: str, choice: str, compiled: Path, home: Path) -> dict:
    environ = {**os.environ, "LANG": lang, "LC_ALL": lang, "LANGUAGE": "", "QT_QPA_PLATFORM": "offscreen",
               "INKLING_HOME": str(home), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", WINDOW, str(compiled), choice, str(home)], cwd=ROOT, env=environ,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_under_a_chinese_locale_the_menus_and_panels_are_chinese(compiled, tmp_path):
    shown = window_under("zh_CN.UTF-8", SYSTEM, compiled, tmp_path)
    assert shown["used"] == CHINESE and shown["translated"]
    assert shown["menus"][:3] == ["文件(&F)", "对话(&C)", "视图(&V)"]
    assert "帮助(&H)" in shown["menus"] and "笔记(&N)" in shown["menus"]
    assert {"采样", "系统提示词", "笔记"} <= set(shown["docks"])
    assert "语言(&L)" in shown["items"] and "新建对话(&N)" in shown["items"]
    assert shown["qt"] == "取消"  # Qt's own strings, from PySide6's qtbase_zh_CN.qm


def test_under_the_c_locale_the_window_is_english_unless_chinese_was_chosen(compiled, tmp_path):
    shown = window_under("C", SYSTEM, compiled, tmp_path)
    assert shown["used"] == ENGLISH and shown["menus"][:3] == ["&File", "&Conversation", "&View"]
    assert "Sampling" in shown["docks"] and "&Language" in shown["items"]
    chosen = window_under("C", CHINESE, compiled, tmp_path)
    assert chosen["used"] == CHINESE and chosen["menus"][0] == "文件(&F)"


def test_view_language_remembers_the_choice_and_asks_for_the_window_in_it(qtbot, make_window):
    from PySide6.QtGui import QAction

    from desktop.ui.language import LANGUAGE_KEY

    window = make_window()
    menu = window.findChild(QMenu, "languageMenu")
    actions = {action.objectName(): action for action in menu.actions()}
    assert [a.text() for a in menu.actions()] == ["System", "English", "简体中文"] and actions["language_system"].isChecked()
    assert all(isinstance(action, QAction) for action in actions.values())
    with qtbot.waitSignal(window.languageChosen) as chosen:  # the window is built again in it (test_language_walk)
        actions["language_zh_CN"].trigger()
    assert chosen.args == [CHINESE]
    assert window.store.get_setting(LANGUAGE_KEY) == CHINESE and actions["language_zh_CN"].isChecked()


EN_TS = ROOT / "translations" / "inkling_en.ts"


def test_every_plural_of_the_window_has_its_english_forms(tmp_path):
    """English's plural forms come from inkling_en.ts (lupdate -pluralonly): "1 chunk", "2 chunks", never "chunk(s)"."""
    copy = tmp_path / EN_TS.name
    shutil.copy(EN_TS, copy)
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources(), "-locations", "none", "-pluralonly", "-ts", str(copy)],
                   cwd=ROOT, check=True, capture_output=True)
    problems = []
    for message in messages(copy):
        source, translation = message.findtext("source"), message.find("translation")
        forms = [form.text or "" for form in translation.findall("numerusform")] if translation is not None else []
        if translation is None or translation.get("type") is not None or len(forms) != 2:
            problems.append(source)
        elif any("(s)" in form or "%n" not in form for form in forms):
            problems.append(f"{source!r} -> {forms!r}")
    assert not problems, "run lupdate -pluralonly on inkling_en.ts (translations/README.md) and fill in:\n" + "\n".join(problems)
    assert len(messages(copy)) == len(messages(EN_TS))


@pytest.mark.parametrize(("choice", "one", "three"), [
    (ENGLISH, "Note “Trip” saved (1 chunk).", "Note “Trip” saved (3 chunks)."),
    (CHINESE, "笔记“Trip”已保存（1 个片段）。", "笔记“Trip”已保存（3 个片段）。"),
])
def test_counts_of_notes_chunks_read_in_the_languages_own_plural(qapp, tmp_path, choice, one, three):
    from PySide6.QtCore import QCoreApplication

    from desktop.ui.language import Language

    for ts in (TS, EN_TS):
        subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(tmp_path / f"{ts.stem}.qm")], check=True)
    language = Language(qapp, tmp_path)
    language.apply(choice)
    try:
        said = [QCoreApplication.translate("NotesController", "Note “{title}” saved (%n chunk(s)).", "", n).format(title="Trip")
                for n in (1, 3)]
    finally:
        language.folder = tmp_path / "none"
        language.apply(ENGLISH)  # its translators removed: the other tests read the strings as written
    assert said == [one, three]


def test_a_translation_compiled_again_while_the_window_runs_keeps_the_window_chinese(qapp, tmp_path):
    """`make setup` (or an update) rewrites inkling_zh_CN.qm in place while Inkling runs: a translator that mapped
    the file then missed some lookups, and the model label's "chat", the Lab menu, the status bar's figures and the
    reply's made-with line showed in English."""
    from PySide6.QtCore import QCoreApplication

    from desktop.ui.language import Language

    def compile_to(ts: Path) -> None:
        subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(tmp_path / "inkling_zh_CN.qm")],
                       check=True)

    compile_to(TS)
    language = Language(qapp, tmp_path)
    shown = [("MainWindow", "&Lab"), ("ModelLoader", "chat"), ("ReplyController", "{rate} tok/s · context {used} / {n_ctx}"),
             ("core", "notes off"), ("core", "seed {seed}")]
    try:
        assert language.apply(CHINESE) == CHINESE and language.translated
        before = [QCoreApplication.translate(*key) for key in shown]
        assert before == ["实验(&L)", "聊天", "{rate} 词元/秒 · 上下文 {used} / {n_ctx}", "笔记关", "随机种子 {seed}"]
        # another version of the translation (here: every other message left out) compiled over the same file
        other = tmp_path / "other.ts"
        other.write_text(re.sub(r"(<message>.*?</message>\s*)(<message>.*?</message>)", r"\1", TS.read_text(encoding="utf-8"),
                                flags=re.S), encoding="utf-8")
        compile_to(other)
        assert [QCoreApplication.translate(*key) for key in shown] == before
    finally:
        language.apply(ENGLISH)
