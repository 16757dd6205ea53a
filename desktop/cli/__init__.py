"""`inkling` on the command line: the parser, and one place that turns an InklingError into one line and exit 2."""

import argparse
import errno
import os
import signal
import sqlite3
import sys
from pathlib import Path

from desktop.cli import ask, backup, engines, interrupt, lab, models, notes, show, transfer
from desktop.cli.usage import OneLineParser
from desktop.core.dbfiles import DiskFullError, explain
from desktop.core.errors import InklingError
from desktop.core.paths import data_dir

HANDLERS = {"ask": ask.run, "engines": engines.run, "notes": notes.run, "export": transfer.run, "import": transfer.run,
            "show": show.run, "backup": backup.run, "restore": backup.run,
            "score": lab.run, "sample": lab.run, "compare": lab.run, "experiments": lab.run_experiments,
            "models": models.run}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="inkling", description="Offline chat that shows why the model said each word.")
    parser.add_argument("--version", action="store_true", help="print the app, llama.cpp and model versions")
    parser.add_argument("--self-test", action="store_true", help="check model, generation and storage headless; one JSON line")
    parser.add_argument("--model", type=Path, help="GGUF model file (default: the bundled SmolLM2-135M-Instruct)")
    commands = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    ask.add_commands(commands)
    lab.add_commands(commands)
    lab.add_experiment_commands(commands)
    engines.add_commands(commands)
    notes.add_commands(commands)
    transfer.add_commands(commands)
    show.add_commands(commands)
    models.add_commands(commands)
    backup.add_commands(commands)
    return parser


def report(error: InklingError) -> int:
    """The user's or the environment's trouble, in one line on stderr; exit code 2."""
    print(f"inkling: error: {error}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run --version, --self-test or a subcommand; Ctrl+C ends the process within a second, exit code 130."""
    with interrupt.watching():
        try:
            code = _run(args)
            sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        except KeyboardInterrupt:
            code = interrupt.EXIT_CODE
        except BrokenPipeError:
            code = reader_left()
    if interrupt.received():
        interrupt.leave()
    return code


def reader_left() -> int:
    """The output's reader closed the pipe (`inkling show 7 | head`): stop quietly, as `cat` would."""
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that from raising too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def _run(args: argparse.Namespace) -> int:
    """Anything but an InklingError (or a database or disk error explained in words) is a bug and is raised."""
    try:
        if args.version:
            from desktop.cli.about import version_text

            print(version_text())
            return 0
        if args.self_test:
            from desktop.cli import selftest

            return selftest.main()
        return HANDLERS[args.command](args)
    except InklingError as error:
        return report(error)
    except sqlite3.Error as error:  # found mid-query (a damaged page, a full disk): the file, in words
        explained = explain(error, data_dir() / ("notes.db" if args.command == "notes" else "inkling.db"))
        if explained is None:
            raise
        return report(explained)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return report(DiskFullError(Path(error.filename or data_dir() / "inkling.db")))
