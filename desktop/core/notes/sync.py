"""Walking imported folders (symlink loops and unreadable parts reported, not fatal) and watching them."""

import errno
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.words import Words, joined, translate

DEBOUNCE_S = 1.0  # editors write a file in several steps; one rescan after they settle


@dataclass(frozen=True)
class FoundFile:
    path: Path
    size: int = 0
    mtime_ns: int = 0
    error: str | None = None  # why this path cannot be read, if it cannot


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    cancelled: bool = False

    def merge(self, other: "SyncReport") -> None:
        self.added += other.added
        self.updated += other.updated
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.errors += other.errors
        self.cancelled = self.cancelled or other.cancelled

    def summary(self) -> Words:
        parts = [translate("core", "{count} added").format(count=self.added),
                 translate("core", "{count} updated").format(count=self.updated),
                 translate("core", "{count} removed").format(count=self.removed),
                 translate("core", "{count} unchanged").format(count=self.unchanged)]
        if self.errors:
            parts.append(translate("core", "{count} could not be read").format(count=len(self.errors)))
        line = joined(", ", parts)
        return translate("core", "{summary} (cancelled)").format(summary=line) if self.cancelled else line


def normalise_extensions(extensions: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions if e}))


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return translate("core", "a symbolic link loop: the link points back to itself")
    if isinstance(error, PermissionError):
        return translate("core", "permission denied: Inkling may not read this")
    if isinstance(error, FileNotFoundError):
        return translate("core", "a broken symbolic link, or the file was deleted while being imported")
    return translate("core", "cannot be read: {reason}").format(reason=error.strerror)


def walk(root: Path, extensions: tuple[str, ...]) -> Iterator[FoundFile]:
    """Every file under root with one of the extensions (hidden entries skipped), links followed once."""
    visited: set[tuple[int, int]] = set()
    stack = [Path(root)]
    while stack:
        folder = stack.pop()
        try:
            stat = os.stat(folder)
        except OSError as error:
            yield FoundFile(folder, error=_reason(error))
            continue
        if (stat.st_dev, stat.st_ino) in visited:
            yield FoundFile(folder, error=translate("core", "a symbolic link loop: this folder is already imported through another path"))
            continue
        visited.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            yield FoundFile(folder, error=_reason(error))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .git, .obsidian, editor swap files
            path = Path(entry.path)
            try:
                stat = os.stat(path)  # follows links; a loop or a dangling link raises here
            except OSError as error:
                if (entry.is_symlink() and path.suffix.lower() in extensions) or error.errno == errno.ELOOP:
                    yield FoundFile(path, error=_reason(error))
                continue  # vanished between listing and stat: it is simply not there any more
            if entry.is_dir():
                subfolders.append(path)
            elif path.suffix.lower() in extensions and entry.is_file():
                yield FoundFile(path, stat.st_size, stat.st_mtime_ns)
        stack.extend(reversed(subfolders))


class FolderWatcher:
    """Calls on_change(root) on a watchdog thread, once per burst of changes under a watched folder."""

    def __init__(self, on_change: Callable[[Path], None], debounce_s: float = DEBOUNCE_S):
        self._on_change = on_change
        self._debounce_s = debounce_s
        self._observer = None  # made at the first watch: it takes an inotify instance, which can run out
        self._watches: dict[Path, object] = {}
        self._timers: dict[Path, threading.Timer] = {}
        self._lock = threading.Lock()
        self._started = False

    def watch(self, root: Path) -> str | None:
        """Start watching root (recursively); returns a reason if the OS refused, None on success."""
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type not in ("opened", "closed_no_write"):
                    watcher._changed(root)

        root = Path(root)
        with self._lock:
            if root in self._watches:
                return None
            try:
                if self._observer is None:
                    from watchdog.observers import Observer

                    self._observer = Observer()  # OSError when the user's inotify instances are all taken
                    self._observer.daemon = True
                self._watches[root] = self._observer.schedule(Handler(), str(root), recursive=True)
                if not self._started:
                    self._observer.start()
                    self._started = True
            except OSError as error:
                # The inotify limits (fs.inotify.max_user_watches, max_user_instances): start-up rescans still work.
                return f"cannot watch {root} for changes ({error.strerror or error}); changes are picked up at start-up"
        return None

    def unwatch(self, root: Path) -> None:
        with self._lock:
            watch = self._watches.pop(Path(root), None)
            if watch is not None:
                self._observer.unschedule(watch)

    def _changed(self, root: Path) -> None:
        with self._lock:
            timer = self._timers.pop(root, None)
            if timer is not None:
                timer.cancel()
            timer = threading.Timer(self._debounce_s, self._fire, [root])
            timer.daemon = True
            self._timers[root] = timer
            timer.start()

    def _fire(self, root: Path) -> None:
        with self._lock:
            self._timers.pop(root, None)
        self._on_change(root)

    def stop(self) -> None:
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            started, self._started = self._started, False
        if started:
            self._observer.stop()
            self._observer.join()
