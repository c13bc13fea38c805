"""What the scripts' command lines share: argparse errors on one line, like every other bad input."""
import argparse


class Parser(argparse.ArgumentParser):
    """argparse.ArgumentParser whose errors are one line, `error: PROG: problem (see --help)`, exit 2.
    Sub-command parsers made by add_subparsers are of this class too."""

    def error(self, message):
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")
