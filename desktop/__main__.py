"""`inkling` / `python -m desktop`: the window with no subcommand, otherwise a headless CLI command."""

import os
import signal
import sys


def _interrupted_while_starting(_signum, _frame) -> None:
    # Nothing is open yet; the imports below take seconds (llama.cpp, numpy, Qt). The CLI's own
    # handling (desktop/cli/interrupt.py) takes over once a command runs, with the same message.
    os.write(2, b"inkling: interrupted (what was finished is kept)\n")
    os._exit(130)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    argv = sys.argv[1:] if argv is None else argv
    from desktop import cli
    from desktop.cli.usage import UsageError

    try:
        args = cli.build_parser().parse_args(argv)
    except UsageError as error:
        return cli.report(error)
    if args.version or args.self_test or args.command is not None:
        return cli.run(args)
    from desktop.app import run_window  # Qt is imported only when a window is wanted

    signal.signal(signal.SIGINT, signal.default_int_handler)
    return run_window(model_path=args.model)


if __name__ == "__main__":
    sys.exit(main())
