"""`exhubert demo`: the main job on an embedded default, offline, in a few minutes on a CPU."""

import argparse


def register(subparsers) -> None:
    """Adds the `demo` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="run the offline end-to-end demo on a tiny model",
        description="Expand a tiny HuBERT, prove the identity, save, reload with trust_remote_code and classify.",
    )
    parser.add_argument("--output-dir", default="demo_output", help="where the demo writes (default: demo_output)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Runs the demo and prints what it showed."""
    from ..demo import run_demo

    result = run_demo(args.output_dir, seed=args.seed)
    print(f"identity at initialisation: max |source - expanded| = {result['max_abs_difference']:.2e}")
    print(f"saved a {result['num_total_layers']}-layer ExHuBERT with its remote code to {result['model_dir']}")
    print("reloaded with AutoModelForAudioClassification(..., trust_remote_code=True); predictions:")
    for i, (label, probs) in enumerate(zip(result["predictions"], result["probabilities"])):
        print(f"  clip {i}: {label:<14} p={max(probs):.3f}")
    return 0
