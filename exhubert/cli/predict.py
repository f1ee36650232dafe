"""`exhubert predict`: classify audio files or folders with an ExHuBERT (or any audio classification) checkpoint."""

import argparse
import sys


def register(subparsers) -> None:
    """Adds the `predict` sub-command."""
    parser = subparsers.add_parser(
        "predict",
        help="predict emotion classes, arousal and valence for audio files or folders",
        description=(
            "Decode audio of any format, sampling rate and channel count, and print or save per-file (and, with "
            "--window, per-window) class probabilities, arousal and valence. Exit code 0: every file was "
            "classified; 1: some files failed (each reported in the output, the count on stderr); 2: usage error."
        ),
    )
    parser.add_argument("model", help="model directory or Hub id (ExHuBERT or any audio classification checkpoint)")
    parser.add_argument("audio", nargs="+", help="audio files and/or folders (searched recursively)")
    parser.add_argument("--batch-size", type=int, default=8, help="segments per forward pass (default 8)")
    parser.add_argument("--window", type=float, help="window length in seconds for long recordings")
    parser.add_argument("--hop", type=float, help="hop between windows in seconds (default: the window length)")
    parser.add_argument("--output", help="write results to FILE.csv or FILE.jsonl instead of printing a summary")
    parser.add_argument("--device", help="torch device, e.g. cpu or cuda:0 (default: cuda if available)")
    parser.add_argument(
        "--trust-remote-code", action="store_true", help="allow custom code of non-ExHuBERT checkpoints"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Runs the prediction; returns 0 when every input was classified and 1 when some failed."""
    from ..inference.predict import check_output_suffix, num_failed, predict, write_predictions

    if args.output is not None:
        check_output_suffix(args.output)
    results = predict(
        args.model,
        args.audio,
        batch_size=args.batch_size,
        window=args.window,
        hop=args.hop,
        device=args.device,
        trust_remote_code=args.trust_remote_code,
        progress=False if args.no_progress else None,
    )
    if args.output is not None:
        write_predictions(results, args.output)
        print(f"Wrote {len(results)} results to {args.output}")
    else:
        for result in results:
            print(_summary_line(result))
    failed = num_failed(results)
    if failed:
        where = f"the error column of {args.output}" if args.output is not None else "the FAILED lines on stdout"
        print(f"exhubert predict: {failed} of {len(results)} inputs failed; see {where}.", file=sys.stderr)
    return 1 if failed else 0


def _summary_line(result: dict) -> str:
    if result["error"]:
        return f"{result['source']}  FAILED  {result['error']}"
    dimensions = "".join(f"  {name}={result[name]:.3f}" for name in ("arousal", "valence") if result[name] is not None)
    return f"{result['source']}  {result['label']}  p={max(result['probabilities'].values()):.3f}{dimensions}"
