"""Bad command-line arguments: UsageError and the parser that raises it instead of exiting."""

import argparse

from desktop.core.errors import InklingError


class UsageError(InklingError):
    """Bad arguments: reported in one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)
