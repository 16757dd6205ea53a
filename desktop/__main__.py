"""`inkling` / `python -m desktop`: the window with no subcommand, otherwise a headless CLI command."""

import os
import signal
import sys

# Qt's own command-line options (QApplication and QGuiApplication), taken out before our parser sees them.
QT_VALUE_OPTIONS = frozenset({
    "-style", "-stylesheet", "-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-qwindowgeometry",
    "-geometry", "-qwindowtitle", "-title", "-qwindowicon", "-display", "-session", "-name", "-qmljsdebugger",
})
QT_FLAGS = frozenset({"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync", "-visual"})


def split_qt_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(Inkling's arguments, Qt's): `-style Fusion`, `-style=Fusion`, `-platform offscreen`, `-reverse`…"""
    ours, qt = [], []
    items = iter(argv)
    for item in items:
        name = item.split("=", 1)[0]
        if name in QT_FLAGS:
            qt.append(item)
        elif name in QT_VALUE_OPTIONS:
            qt.append(item)
            if "=" not in item:
                qt.append(next(items, ""))
        else:
            ours.append(item)
    return ours, qt


def _interrupted_while_starting(_signum, _frame) -> None:
    # Nothing is open yet; the imports below take seconds (llama.cpp, numpy, Qt). The CLI's own
    # handling (desktop/cli/interrupt.py) takes over once a command runs, with the same message.
    os.write(2, b"inkling: interrupted (what was finished is kept)\n")
    os._exit(130)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    argv = sys.argv[1:] if argv is None else argv
    argv, qt_arguments = split_qt_arguments(argv)
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
    return run_window(model_path=args.model, qt_arguments=qt_arguments)


if __name__ == "__main__":
    sys.exit(main())
