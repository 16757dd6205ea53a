"""`inkling backup [--list]` and `inkling restore [FILE | --notes]`: copies of the databases in the data folder's backups/."""

from pathlib import Path

from desktop.core.backups import BackupError, back_up_all, backups_folder, list_backups
from desktop.core.paths import ensure_data_dir
from desktop.core.workspace import restore_backup


def add_commands(commands) -> None:
    backup = commands.add_parser("backup", help="copy inkling.db and notes.db into the data folder's backups/")
    backup.add_argument("--list", action="store_true", help="list the copies instead of making one")
    restore_ = commands.add_parser("restore", help="put a backup back (the current file is moved aside, not deleted)")
    restore_.add_argument("file", nargs="?", type=Path, help="a copy from backups/ (default: the newest of inkling.db)")
    restore_.add_argument("--notes", action="store_true", help="without FILE: the newest copy of notes.db")


def run(args) -> int:
    folder = ensure_data_dir()
    if args.command == "restore":
        return _restore(folder, args)
    if args.list:
        for backup in list_backups(folder):
            print(f"{backup.path}  {backup.describe()}")
        if not list_backups(folder):
            print(f"No backups yet in {backups_folder(folder)}.")
        return 0
    made = back_up_all(folder)  # a read through SQLite's backup API: safe beside a running window
    for backup in made:
        print(f"backed up {backup.database} to {backup.path}")
    if not made:
        print(f"Nothing to back up yet in {folder}.")
    return 0


def _restore(folder: Path, args) -> int:
    chosen = args.file
    if chosen is None:
        database = "notes.db" if args.notes else "inkling.db"
        newest = list_backups(folder, database)
        if not newest:
            raise BackupError(f"There is no backup of {database} in {backups_folder(folder)}.")
        chosen = newest[0].path
    restored, aside = restore_backup(chosen)
    print(f"restored {restored} from {chosen}")
    if aside is not None:
        print(f"the file it replaced is kept as {aside}")
    return 0
