"""The package as a user gets it: build it, unpack the .deb, self-test it, and start its window offscreen."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.inkling.Inkling"
WINDOW_SECONDS = 6
# Qt's offscreen platform plugin lacks what xcb and Wayland implement, and says so when a window's size
# constraints change; under a real X server (Xvfb) the packaged app's stderr is empty.
OFFSCREEN_ONLY = "This plugin does not support propagateSizeHints()"


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """`make package`'s build script, then `dpkg -x` of its .deb into a temp root (no root rights, no dpkg database)."""
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is needed to build the .deb (Debian: dpkg)")
    out = tmp_path_factory.mktemp("package")  # not dist/: a test must not overwrite what `make package` made
    built = subprocess.run([sys.executable, "packaging/build.py", "--dist", str(out / "dist"), "--work", str(out / "build")],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    summary = json.loads(built.stdout.strip().splitlines()[-1])
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg", "-x", summary["deb"], str(root)], check=True)
    yield root, summary
    # about 2.5 GB: not left for pytest to keep among its last three runs' temp folders
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)


def app_env(tmp_path: Path) -> dict:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    # Nothing from the developer's venv may leak in: the packaged app must stand alone.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "INKLING_MODELS"))}
    return {**env, "INKLING_HOME": str(tmp_path / "home"), "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "LANG": env.get("LANG") or "C.UTF-8"}


def test_the_deb_holds_the_app_its_menu_entry_icons_and_metainfo(unpacked):
    root, _ = unpacked
    assert os.access(root / "usr/bin/inkling", os.X_OK)
    assert (root / f"usr/share/applications/{APP_ID}.desktop").is_file()
    assert (root / f"usr/share/metainfo/{APP_ID}.metainfo.xml").is_file()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (root / f"usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert (root / f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    control = subprocess.run(["dpkg-deb", "--field", unpacked[1]["deb"]], capture_output=True, text=True)
    assert "libxcb-cursor0" in control.stdout and "libc6 (>= 2." in control.stdout
    assert "Recommends: fonts-noto-cjk" in control.stdout  # Chinese text needs a CJK font


def test_the_bundle_carries_the_chinese_translation_and_qts_own(unpacked):
    bundle = unpacked[0] / "usr/lib/inkling"
    names = {path.name for path in bundle.rglob("*.qm")}
    assert {"inkling_zh_CN.qm", "qtbase_zh_CN.qm"} <= names and "qtbase_de.qm" not in names


def test_the_tarball_holds_the_app_and_adds_itself_to_the_users_menu(unpacked, tmp_path):
    archive = Path(unpacked[1]["tar_gz"])
    top = archive.name.removesuffix(".tar.gz")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        assert {f"{top}/inkling", f"{top}/install-desktop-entry.sh", f"{top}/share/applications/{APP_ID}.desktop",
                f"{top}/share/icons/hicolor/256x256/apps/{APP_ID}.png"} <= names
        tar.extractall(tmp_path, members=[m for m in tar.getmembers() if "/_internal" not in m.name], filter="data")
    data_home = tmp_path / "data-home"
    subprocess.run([str(tmp_path / top / "install-desktop-entry.sh")], env={**os.environ, "XDG_DATA_HOME": str(data_home)},
                   check=True, capture_output=True)
    entry = (data_home / "applications" / f"{APP_ID}.desktop").read_text()
    assert f'Exec="{tmp_path / top}/inkling"' in entry
    assert (data_home / f"icons/hicolor/48x48/apps/{APP_ID}.png").is_file()


def test_unpacked_app_passes_its_self_test_and_names_its_versions(unpacked, tmp_path):
    root, _ = unpacked
    env = app_env(tmp_path)
    result = subprocess.run([str(root / "usr/bin/inkling"), "--self-test"], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"] and report["packaged"]
    assert set(report["checks"]) == {"llama_cpp", "model_files", "generate", "notes", "store"}
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").iterdir()), "self-test wrote user data"
    version = subprocess.run([str(root / "usr/bin/inkling"), "--version"], env=env, capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("inkling ") and "llama.cpp ggml" in version.stdout
    assert "MISSING" not in version.stdout


def start_window(root: Path, tmp_path: Path) -> tuple[int | None, str]:
    """Start the unpacked app offscreen, give it WINDOW_SECONDS, stop it; (exit code if it ended early, stderr)."""
    process = subprocess.Popen([str(root / "usr/bin/inkling")], env=app_env(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        early = process.wait(timeout=WINDOW_SECONDS)
    except subprocess.TimeoutExpired:
        early = None
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return early, stderr


def test_unpacked_app_opens_its_window_with_nothing_on_stderr(unpacked, tmp_path):
    root, _ = unpacked
    early, stderr = start_window(root, tmp_path)
    assert early is None, f"the app ended by itself with code {early}: {stderr}"
    assert [line for line in stderr.splitlines() if line != OFFSCREEN_ONLY] == []
    assert (tmp_path / "home" / "inkling.db").is_file()  # it got as far as opening the user's store


def test_damaged_bundled_model_fails_the_self_test_but_the_window_still_opens(unpacked, tmp_path):
    root, _ = unpacked
    model = next((root / "usr/lib/inkling").rglob("SmolLM2-135M-Instruct.Q4_1.gguf"))
    original = tmp_path / "saved.gguf"
    shutil.copy2(model, original)
    try:
        with open(model, "r+b") as handle:
            handle.truncate(1000)
        result = subprocess.run([str(root / "usr/bin/inkling"), "--self-test"], env=app_env(tmp_path),
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 1
        assert "damaged" in result.stderr and json.loads(result.stdout.strip().splitlines()[-1])["ok"] is False
        early, stderr = start_window(root, tmp_path)  # the window opens with a "Cannot open model" dialog
        assert early is None, f"the app ended by itself with code {early}: {stderr}"
    finally:
        shutil.copy2(original, model)
