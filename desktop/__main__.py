"""`inkling` / `python -m desktop`: the window with no subcommand, otherwise a headless CLI command."""

import sys


def main(argv: list[str] | None = None) -> int:
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

    return run_window(model_path=args.model)


if __name__ == "__main__":
    sys.exit(main())
