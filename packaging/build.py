"""`make package`: the PyInstaller one-folder bundle, then a .tar.gz and a .deb of it, under dist/."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from desktop import __version__  # noqa: E402  (the checkout's own version, not an installed one)

APP_ID = "io.github.inkling.Inkling"
PACKAGE = "inkling"
INSTALL_DIR = Path("usr/lib") / PACKAGE  # where the .deb puts the bundle
# System libraries the bundle links but PyInstaller leaves to the system (found with ldd on the bundle), and the
# Qt xcb plugin's libraries that a real X server needs.
DEPENDS = [
    "libgl1", "libegl1", "libdrm2", "libxcb1", "libwayland-client0", "libwayland-cursor0", "libwayland-egl1",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0",
]
# Chinese text needs a CJK font (without one Han characters show as boxes); recommended, so a
# minimal install can still leave it out. The window prefers its Simplified Chinese face (desktop/ui/fonts.py).
RECOMMENDS = ["fonts-noto-cjk"]


def run(*command: str, **kwargs) -> None:
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def glibc_needed(folder: Path) -> str:
    """The newest GLIBC_x.y symbol version any bundled ELF file asks for: the .deb's libc6 minimum."""
    newest = (2, 17)
    pattern = re.compile(rb"GLIBC_(\d+)\.(\d+)")
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.suffix not in (".gguf", ".onnx", ".json", ".py", ".pyc"):
            with open(path, "rb") as handle:
                if handle.read(4) != b"\x7fELF":
                    continue
                found = {(int(a), int(b)) for a, b in pattern.findall(handle.read())}
            newest = max([newest, *found])
    return f"{newest[0]}.{newest[1]}"


def bundle(dist: Path, work: Path) -> Path:
    """PyInstaller's one-folder output, dist/inkling."""
    # QT_QPA_PLATFORM: the icon renderer needs no screen; PyInstaller's Qt hooks import Qt too.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run(sys.executable, "packaging/render_icons.py", str(work / "icons"), env=env, stdout=subprocess.DEVNULL)
    run(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
        "--workpath", str(work / "pyinstaller"), "packaging/inkling.spec", env=env)
    return dist / PACKAGE


def link_tree(source: Path, target: Path) -> None:
    """Hard links where possible: the bundle is hundreds of MB and is only read from here on."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    shutil.copytree(source, target, symlinks=True, copy_function=link)


def shared_files(share: Path, work: Path) -> None:
    """The .desktop entry, AppStream metainfo and icons, laid out as under /usr/share."""
    (share / "applications").mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy2(ROOT / "packaging" / f"{APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(work / "icons" / "hicolor", share / "icons" / "hicolor")  # rendered by bundle()
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(ROOT / "desktop" / "ui" / "icons" / f"{APP_ID}.svg", scalable)


def tarball(bundled: Path, dist: Path, work: Path) -> Path:
    name = f"{PACKAGE}-{__version__}-linux-x86_64"
    stage = work / "tar" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    link_tree(bundled, stage)
    shared_files(stage / "share", work)
    shutil.copy2(ROOT / "packaging" / "install-desktop-entry.sh", stage)
    target = dist / f"{name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(stage, arcname=name)
    return target


def deb(bundled: Path, dist: Path, work: Path) -> Path:
    root = work / "deb" / "root"
    shutil.rmtree(root.parent, ignore_errors=True)
    link_tree(bundled, root / INSTALL_DIR)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(Path("..") / "lib" / PACKAGE / PACKAGE)
    shared_files(root / "usr" / "share", work)
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / "copyright", doc / "copyright")
    installed_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {__version__}\n"
        "Architecture: amd64\n"
        "Maintainer: Inkling developers <inkling@users.noreply.github.com>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: libc6 (>= {glibc_needed(bundled)}), {', '.join(DEPENDS)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Homepage: https://github.com/inkling/inkling\n"
        "Description: offline chat that shows why the model said each word\n"
        " Inkling runs a small language model on this computer through llama.cpp,\n"
        " with no network, and keeps for every token of every reply how likely it\n"
        " was and what else the model considered. The SmolLM2-135M chat model, the\n"
        " Gemma-3-270M base model and a MiniLM embedding model for notes are included.\n"
        " The bundled llama.cpp needs an x86-64 CPU with AVX2.\n"
    )
    target = dist / f"{PACKAGE}_{__version__}_amd64.deb"
    # zstd -3: 487 MB in 7 s here, against 494 MB in 28 s for gzip -6 and minutes for xz (dpkg-deb's default);
    # the models hardly compress. Every dpkg new enough for the glibc above reads zstd.
    run("dpkg-deb", "--root-owner-group", "-Zzstd", "-z3", "--build", str(root), str(target))
    return target


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    return round(total / 1e6, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle, .tar.gz and .deb go")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's cache and staging folders")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    timings = {}
    started = time.perf_counter()
    bundled = bundle(dist, work)
    timings["bundle_s"] = round(time.perf_counter() - started, 1)
    mark = time.perf_counter()
    archive = tarball(bundled, dist, work)
    timings["tar_s"] = round(time.perf_counter() - mark, 1)
    mark = time.perf_counter()
    package = deb(bundled, dist, work)
    timings["deb_s"] = round(time.perf_counter() - mark, 1)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps({
        "bundle": str(bundled), "bundle_mb": size_mb(bundled),
        "tar_gz": str(archive), "tar_gz_mb": size_mb(archive),
        "deb": str(package), "deb_mb": size_mb(package), **timings,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
