"""Real Chinese typing on a fcitx5 desktop: pinyin through fcitx5's ibus frontend reaches a Qt field (Xvfb).

Skipped where fcitx5 with its pinyin engine, Xvfb, dbus-launch or xdotool are not installed
(Debian: fcitx5 fcitx5-chinese-addons xvfb dbus-x11 xdotool).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("fcitx5", "fcitx5-remote", "Xvfb", "dbus-launch", "xdotool")
PINYIN = Path("/usr/share/fcitx5/inputmethod/pinyin.conf")
PROFILE = """[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
"""
FIELD = """
import os, sys
from desktop.ui.ime import choose_input_method, input_context_plugins
if sys.argv[1] == "fix":
    choose_input_method(os.environ, input_context_plugins())
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
field = QLineEdit(windowTitle="inkling-ime-test")
field.resize(300, 40)
field.show()
field.activateWindow()
QTimer.singleShot(12000, lambda: (print("TEXT:" + field.text(), flush=True), app.quit()))
app.exec()
"""

pytestmark = [
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in TOOLS) or not PINYIN.exists(), reason="needs fcitx5 with pinyin, Xvfb, xdotool"
    ),
    # Opt-in: in a full run the app sometimes starts before fcitx5's ibus frontend answers
    # ("QIBusPlatformInputContext: CreateInputContext failed"); alone it passes. Waiting for that
    # frontend instead of a fixed delay is the fix still to make.
    pytest.mark.skipif(os.environ.get("INKLING_TEST_FCITX") != "1", reason="set INKLING_TEST_FCITX=1 (a real fcitx5 desktop)"),
]


@pytest.fixture
def desktop(tmp_path):
    """A display and a session bus of our own with fcitx5 running in them, as a Chinese user's desktop has."""
    started = []
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "800x600x24"], pass_fds=(write,),
                            stderr=subprocess.DEVNULL)
    started.append(xvfb)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    (tmp_path / ".config" / "fcitx5").mkdir(parents=True)
    (tmp_path / ".config" / "fcitx5" / "profile").write_text(PROFILE)
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DISPLAY": display, "LANG": "C.UTF-8"}
    bus = subprocess.run(["dbus-launch", "--sh-syntax"], env=environ, capture_output=True, text=True, check=True).stdout
    environ.update(re.findall(r"(DBUS_SESSION_BUS_ADDRESS)='([^']*)'", bus))
    bus_pid = int(re.search(r"DBUS_SESSION_BUS_PID=(\d+)", bus).group(1))
    started.append(subprocess.Popen(["fcitx5", "--replace"], env=environ, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 20
    while subprocess.run(["fcitx5-remote"], env=environ, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "fcitx5 did not start"
        time.sleep(0.3)
    try:
        yield environ
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(10)
        os.kill(bus_pid, 15)


def type_pinyin(environ: dict, fix: str) -> str:
    env = {**environ, "QT_IM_MODULE": "fcitx", "XMODIFIERS": "@im=fcitx", "PYTHONPATH": str(ROOT)}
    field = subprocess.Popen([sys.executable, "-c", FIELD, fix], env=env, stdout=subprocess.PIPE, text=True)
    try:
        window = subprocess.run(["xdotool", "search", "--sync", "--name", "inkling-ime-test"], env=env,
                                capture_output=True, text=True, timeout=20).stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, check=True)
        time.sleep(1)
        subprocess.run(["fcitx5-remote", "-s", "pinyin"], env=env)
        subprocess.run(["xdotool", "type", "--delay", "150", "nihao"], env=env, check=True)
        time.sleep(1)
        subprocess.run(["xdotool", "key", "space"], env=env, check=True)
        out, _ = field.communicate(timeout=30)
    finally:
        field.kill()
    return out.split("TEXT:")[-1].strip()


def test_pinyin_typed_on_a_fcitx5_desktop_reaches_the_field_through_the_ibus_context(desktop):
    assert type_pinyin(desktop, "fix") == "你好"
    assert type_pinyin(desktop, "nofix") == "nihao"  # what PySide6 alone does there: no input method at all
