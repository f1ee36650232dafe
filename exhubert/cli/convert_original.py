"""`exhubert convert-original`: convert the published `amiriparian/ExHuBERT` checkpoint into the exhubert layout."""

import argparse


def register(subparsers) -> None:
    """Adds the `convert-original` sub-command."""
    parser = subparsers.add_parser(
        "convert-original",
        help="convert the published amiriparian/ExHuBERT checkpoint (identical logits, named classes)",
        description=(
            "Convert the published ExHuBERT checkpoint (48 flat layers with gate_bb_linear, LABEL_n names) into an "
            "ExHubertForSequenceClassification with original_layer_gates=True and the real class names, save it "
            "with its remote code, and print the gate statistics (||W - I|| of the original layers' gates, ||W|| of "
            "the copies' gates)."
        ),
    )
    parser.add_argument("source", help="local copy of the checkpoint, or its Hub id (amiriparian/ExHuBERT)")
    parser.add_argument("output_dir", help="directory to write (must not exist or be empty, unless --overwrite)")
    parser.add_argument("--revision", help="Hub revision when SOURCE is a Hub id (e.g. the model card's pinned one)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    parser.add_argument("--gate-table", action="store_true", help="print the statistics of every gate, not a summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Converts `args.source` into `args.output_dir` and prints the gate statistics."""
    from ..convert import convert_original, format_gate_statistics

    model, statistics = convert_original(
        args.source, args.output_dir, revision=args.revision, overwrite=args.overwrite
    )
    print(f"Saved the converted ExHuBERT to {args.output_dir}")
    print(f"classes: {', '.join(model.config.id2label[i] for i in range(model.config.num_labels))}")
    table = format_gate_statistics(statistics)
    print(table if args.gate_table else "\n".join(line for line in table.splitlines() if not line.startswith("|")))
    return 0
