"""`inkling export ID --format md|json`, `inkling export --all -o FILE.zip` and `inkling import FILE`."""

import sys
from pathlib import Path

from desktop.core.conversation.transfer import BRANCHES, TransferError, export_all, export_text, import_file
from desktop.core.workspace import open_workspace


def add_commands(commands) -> None:
    export = commands.add_parser("export", help="write a conversation as Markdown or JSON (or all of them to a zip)")
    export.add_argument("id", nargs="?", type=int, help="the conversation's id (see the window, or `inkling ask --json`)")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--branches", choices=BRANCHES, default="current",
                        help="the branch shown in the window, or every edit and regenerated reply")
    export.add_argument("--all", action="store_true", help="every conversation, all branches, as one zip archive")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output; required with --all)")
    imported = commands.add_parser("import", help="add conversations from an exported JSON file or zip archive")
    imported.add_argument("file", type=Path)


def run(args) -> int:
    # Never takes the folder, so it runs beside an open window: an import only adds conversations (SQLite's WAL).
    with open_workspace(write=False) as workspace:
        store = workspace.store
        if args.command == "import":
            ids = import_file(store, args.file)
            print(f"imported {len(ids)} conversation{'s' if len(ids) != 1 else ''}: {', '.join(map(str, ids))}")
            return 0
        if args.all:
            if args.output is None or args.id is not None:
                raise TransferError("--all writes one archive: give -o FILE.zip and no conversation id")
            count = export_all(store, args.output)
            print(f"exported {count} conversations to {args.output}", file=sys.stderr)
            return 0
        if args.id is None:
            raise TransferError("give the id of the conversation to export, or --all")
        text = export_text(store, args.id, args.format, args.branches)
        if args.output is None:
            sys.stdout.write(text)
        else:
            args.output.write_text(text, encoding="utf-8")
        return 0
