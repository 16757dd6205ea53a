"""Real Chinese typing on a fcitx5 desktop: pinyin through fcitx5's ibus frontend reaches a Qt field (Xvfb).

Each test has its own X display, session bus and fcitx5. It starts the field only once fcitx5's ibus frontend
answers CreateInputContext as the IBus portal on the session bus, where Qt's ibus context then connects while the
field is made. No ibus is installed for it: a fcitx5 desktop has none. Skipped where fcitx5 with its pinyin
engine, Xvfb, dbus-launch, gdbus or xdotool are not installed (Debian: fcitx5 fcitx5-chinese-addons xvfb dbus-x11
libglib2.0-bin xdotool).
"""

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("fcitx5", "fcitx5-remote", "Xvfb", "dbus-launch", "gdbus", "xdotool")
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
# A field that reports every change of its text and of the input method's pre-edit; it quits when its input ends.
FIELD = """
import os, sys, threading
from desktop.ui.ime import choose_input_method, input_context_plugins
if sys.argv[1] == "fix":
    choose_input_method(os.environ, input_context_plugins())
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QLineEdit

class Report(QObject):
    command = Signal(str)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.InputMethod and event.preeditString():
            print("PREEDIT:" + event.preeditString(), flush=True)
        return False

app = QApplication([])
field = QLineEdit(windowTitle="inkling-ime-test")
field.resize(300, 40)
report = Report()
field.installEventFilter(report)
field.textChanged.connect(lambda text: print("TEXT:" + text, flush=True))
report.command.connect(app.quit)
threading.Thread(target=lambda: [sys.stdin.read(), report.command.emit("quit")], daemon=True).start()
field.show()
field.activateWindow()
print("SHOWN", flush=True)
app.exec()
"""

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS) or not PINYIN.exists(),
    reason="needs fcitx5 with pinyin, Xvfb, dbus-launch, gdbus and xdotool (Debian: fcitx5 fcitx5-chinese-addons xvfb "
           "dbus-x11 libglib2.0-bin xdotool)",
)


def ibus_portal_ready(environ: dict) -> bool:
    """fcitx5's ibus frontend answers CreateInputContext as the IBus portal: what Qt's ibus context asks first."""
    probe = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.portal.IBus", "--object-path",
                            "/org/freedesktop/IBus", "--method", "org.freedesktop.IBus.Portal.CreateInputContext",
                            "probe"], env=environ, capture_output=True, text=True, timeout=10)
    return probe.returncode == 0 and "InputContext" in probe.stdout


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
    try:
        started.append(subprocess.Popen(["fcitx5", "--replace"], env=environ, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60  # a loaded machine (a full test run) starts fcitx5 and its addons slowly
        while not (subprocess.run(["fcitx5-remote"], env=environ, capture_output=True).returncode == 0
                   and ibus_portal_ready(environ)):
            assert time.monotonic() < deadline, "fcitx5's ibus frontend did not come up"
            time.sleep(0.3)
        yield environ
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(10)
        os.kill(bus_pid, 15)


class Field:
    """The field's process: what it reports, read line by line, with a deadline."""

    def __init__(self, environ: dict, fix: str):
        env = {**environ, "QT_IM_MODULE": "fcitx", "XMODIFIERS": "@im=fcitx", "PYTHONPATH": str(ROOT)}
        self.env = env
        self.process = subprocess.Popen([sys.executable, "-c", FIELD, fix], env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lines: list[str] = []
        self.text = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("TEXT:"):
                self.text = line[5:].rstrip("\n")

    def wait_for(self, check, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.1)
        return check()

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(10)
        self.reader.join(10)  # it ends at the closed pipe's end
        self.process.stdout.close()


def pinyin_selected(environ: dict) -> bool:
    subprocess.run(["fcitx5-remote", "-s", "pinyin"], env=environ, capture_output=True, timeout=10)
    current = subprocess.run(["fcitx5-remote", "-n"], env=environ, capture_output=True, text=True, timeout=10)
    return current.stdout.strip() == "pinyin"


def type_pinyin(environ: dict, fix: str) -> str:
    field = Field(environ, fix)
    try:
        assert field.wait_for(lambda: "SHOWN" in field.lines, 60), field.lines
        window = subprocess.run(["xdotool", "search", "--sync", "--name", "inkling-ime-test"], env=field.env,
                                capture_output=True, text=True, timeout=30).stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=field.env, check=True)
        if fix == "fix":  # the field's input context has focus in fcitx5 and pinyin is its input method: ready
            assert field.wait_for(lambda: pinyin_selected(field.env), 30), "fcitx5 never switched the field to pinyin"
        subprocess.run(["xdotool", "type", "--delay", "150", "nihao"], env=field.env, check=True)
        field.wait_for(lambda: field.text == "nihao" or any(line.startswith("PREEDIT:") and "hao" in line for line in field.lines), 10)
        subprocess.run(["xdotool", "key", "space"], env=field.env, check=True)
        field.wait_for(lambda: field.text in ("你好", "nihao "), 15)
        return field.text.strip()
    finally:
        field.close()


def test_pinyin_typed_on_a_fcitx5_desktop_reaches_the_field_through_the_ibus_context(desktop):
    assert type_pinyin(desktop, "fix") == "你好"
    assert type_pinyin(desktop, "nofix") == "nihao"  # what PySide6 alone does there: no input method at all
