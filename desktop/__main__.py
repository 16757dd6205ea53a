"""`inkling` / `python -m desktop`: the window with no subcommand, otherwise a headless CLI command."""

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from desktop import cli

    try:
        args = cli.build_parser().parse_args(argv)
    except cli.UsageError as error:
        print(f"inkling: error: {error}", file=sys.stderr)
        return 2
    if args.version:
        from desktop.about import version_text

        print(version_text())
        return 0
    if args.self_test:
        from desktop import selftest

        return selftest.main()
    if args.command is not None:
        return cli.main(argv)
    from desktop.app import run_window  # Qt is imported only when a window is wanted

    return run_window(model_path=args.model)


if __name__ == "__main__":
    sys.exit(main())
