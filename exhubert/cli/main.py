"""Entry point of the `exhubert` console script: one sub-command per module, each with a `register` function."""

import argparse
import sys

from huggingface_hub.errors import StrictDataclassError

from . import convert_original, demo, emoset, expand, export_onnx, info, predict, push, train

COMMANDS = [expand, info, demo, predict, convert_original, push, export_onnx, emoset, train]
"""Sub-command modules; each defines `register(subparsers)` that adds its parser and sets `func(args) -> int`."""


def build_parser() -> argparse.ArgumentParser:
    """Builds the `exhubert` argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="exhubert", description="ExHuBERT and EmoSet++: multi-corpus speech emotion recognition."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the `exhubert` command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except (ImportError, OSError, ValueError, StrictDataclassError) as error:  # ImportError: a missing extra
        print(f"exhubert {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
