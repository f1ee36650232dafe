"""`exhubert expand`: turn a HuBERT checkpoint into an ExHuBERT and save it with its remote code."""

import argparse


def register(subparsers) -> None:
    """Adds the `expand` sub-command."""
    parser = subparsers.add_parser(
        "expand",
        help="expand a local or Hub HuBERT checkpoint into ExHuBERT",
        description="Expand a HuBERT/Wav2Vec2 checkpoint (local directory or Hub id); save it with its remote code.",
    )
    parser.add_argument("source", help="local directory or Hub id of the HuBERT checkpoint")
    parser.add_argument("output_dir", help="directory to write (must not exist or be empty, unless --overwrite)")
    parser.add_argument("--factor", type=int, default=2, help="expansion factor: copies per layer + 1 (default 2)")
    parser.add_argument("--layers", type=int, nargs="+", help="indices of the original layers to expand (default all)")
    parser.add_argument("--num-labels", type=int, help="number of classes (default: the source's head, else 6)")
    parser.add_argument(
        "--original-layer-gates", action="store_true", help="published layout: identity gates after the originals"
    )
    parser.add_argument("--pooling-mode", choices=["mean", "attentive_statistics"], default="mean")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Expands `args.source` into `args.output_dir` and prints a summary."""
    from ..expansion import describe_model, expand_checkpoint
    from .info import print_description

    overrides = dict(expansion_factor=args.factor, pooling_mode=args.pooling_mode)
    if args.layers is not None:
        overrides["expanded_layers"] = args.layers
    if args.num_labels is not None:
        overrides["num_labels"] = args.num_labels
    if args.original_layer_gates:
        overrides["original_layer_gates"] = True
    expand_checkpoint(args.source, args.output_dir, overwrite=args.overwrite, **overrides)
    print(f"Saved ExHuBERT to {args.output_dir}")
    print_description(describe_model(args.output_dir))
    return 0
