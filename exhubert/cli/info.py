"""`exhubert info`: layers, expanded blocks and parameter counts of a saved ExHuBERT (or the paper's table)."""

import argparse


def register(subparsers) -> None:
    """Adds the `info` sub-command."""
    parser = subparsers.add_parser(
        "info",
        help="show layers, expanded blocks and trainable/frozen parameter counts",
        description="Describe a saved ExHuBERT directory, or print the paper's parameter table with --paper.",
    )
    parser.add_argument("model_dir", nargs="?", help="directory written by `save_pretrained` / `exhubert expand`")
    parser.add_argument(
        "--paper", action="store_true", help="print the parameter counts of the paper's HuBERT-Large variants"
    )
    parser.set_defaults(func=run, parser=parser)


def print_description(description: dict) -> None:
    """Prints the dictionary returned by [`~exhubert.expansion.describe_model`]."""
    expanded = description["expanded_layers"]
    print(f"source model:         {description['source_model'] or 'unknown'}")
    print(f"layers:               {description['original_layers']} original -> {description['total_layers']} total")
    print(f"expansion factor:     {description['expansion_factor']}")
    print(f"expanded blocks:      {len(expanded)} {expanded}")
    print(f"original-layer gates: {description['original_layer_gates']}")
    print(f"frozen originals:     {description['freeze_original_layers']}")
    print(f"frozen CNN encoder:   {description['freeze_feature_encoder']}")
    print(f"pooling:              {description['pooling_mode']}")
    print(f"labels:               {', '.join(description['labels'])}")
    print(f"parameters:           {description['total']:,} total")
    print(f"  trainable:          {description['trainable']:,} ({description['trainable'] / 1e6:.2f}M)")
    print(f"  frozen:             {description['frozen']:,} ({description['frozen'] / 1e6:.2f}M)")


def print_parameter_table(rows: list[dict]) -> None:
    """Prints the rows of [`~exhubert.expansion.parameter_table`] as a markdown table."""
    print("| variant | layers | trainable | total | paper |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['name']} | {row['layers']} | {row['trainable'] / 1e6:.2f}M ({row['trainable']:,}) "
            f"| {row['total'] / 1e6:.2f}M | {row['paper']:.2f}M |"
        )


def run(args: argparse.Namespace) -> int:
    """Prints the description of `args.model_dir`, or the paper's table."""
    from ..expansion import describe_model, parameter_table

    if args.paper:
        print_parameter_table(parameter_table())
        return 0
    if args.model_dir is None:
        args.parser.error("give MODEL_DIR or --paper")
    print_description(describe_model(args.model_dir))
    return 0
