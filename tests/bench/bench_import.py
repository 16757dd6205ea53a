"""Import of a ~100 MB conversation export: peak memory of the old whole-file read against the streamed read.

Each import runs in a fresh process into a fresh data folder (peak RSS means nothing in a process that did
other work). "whole" is what `inkling import` did before: read the file, check it whole with pydantic, then
write it; "streamed" is today's import_file: ijson reads a batch of messages at a time, checked and written
as it goes. Both write the same rows. `INKLING_BENCH_IMPORT_MESSAGES` sets the size (default 130,000: ~100 MB).
"""

import os
import tempfile
import time
from pathlib import Path

from benchlib import in_fresh_process, peak_rss_mb, progress, rounded


def _store(home: str):
    os.environ["INKLING_HOME"] = home
    from desktop.core.paths import database_path
    from desktop.core.store import open_store

    return open_store(database_path())


def run_whole(path: str, home: str) -> dict:
    from desktop.core.conversation.export_format import read_export
    from desktop.core.conversation.export_stream import whole_parts
    from desktop.core.conversation.transfer import ImportWriter
    from desktop.core.transactions import write_transaction

    store = _store(home)
    before, started = peak_rss_mb(), time.perf_counter()
    writer = ImportWriter(store)
    with write_transaction(store.db):
        for part in whole_parts(read_export(Path(path).read_bytes()), Path(path).name):
            writer.write(part)
    return _figures(store, writer.ids, before, started)


def run_streamed(path: str, home: str) -> dict:
    from desktop.core.conversation.transfer import import_file

    store = _store(home)
    before, started = peak_rss_mb(), time.perf_counter()
    ids = import_file(store, Path(path))
    return _figures(store, ids, before, started)


def _figures(store, ids: list[int], before: float, started: float) -> dict:
    seconds = time.perf_counter() - started
    messages = store.db.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", ids).fetchone()[0]
    store.close()
    return {"peak_rss_mb": rounded(peak_rss_mb(), 1), "rss_before_mb": rounded(before, 1),
            "seconds": rounded(seconds, 1), "messages": messages}


def main() -> dict:
    from tests.core.conversation.big_exports import write_big_export

    count = int(os.environ.get("INKLING_BENCH_IMPORT_MESSAGES", "130000"))
    with tempfile.TemporaryDirectory(prefix="inkling-bench-import-") as work:
        path = write_big_export(Path(work) / "long.json", count)
        size_mb = path.stat().st_size / 2**20
        progress(f"export of {count:,} messages: {size_mb:.1f} MB")
        figures = {"file_mb": rounded(size_mb, 1), "load": os.getloadavg()[0]}
        for name, function in (("whole", "run_whole"), ("streamed", "run_streamed")):
            home = Path(work) / name
            home.mkdir()
            result = in_fresh_process("bench_import", function, path=str(path), home=str(home))
            progress(f"{name}: {result}")
            figures.update({f"{name}_{key}": value for key, value in result.items()})
    figures["load_after"] = os.getloadavg()[0]
    figures["peak_ratio"] = rounded(figures["whole_peak_rss_mb"] / figures["streamed_peak_rss_mb"], 2)
    return figures
