"""`exhubert demo`: the main job on an embedded default, offline, in a few minutes on a CPU."""

import argparse


def register(subparsers) -> None:
    """Adds the `demo` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="run the offline end-to-end demo on a tiny model and synthetic corpora",
        description=(
            "Expand a tiny HuBERT and prove the identity, generate synthetic multi-corpus emotional speech, build it "
            "with the EmoSet++ builder, train round robin, report per-corpus UAR against chance on held-out "
            "speakers, save the model with its card, plots and eval_results.json, reload it with "
            "trust_remote_code and predict."
        ),
    )
    parser.add_argument("--output-dir", default="demo_output", help="where the demo writes (default: demo_output)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, help="training steps (default: 600)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Runs the demo and prints what it showed."""
    from ..demo import run_demo

    result = run_demo(args.output_dir, seed=args.seed, max_steps=args.max_steps)
    print(f"identity at initialisation: max |source - expanded| = {result['max_abs_difference']:.2e}")
    results = result["eval_results"]
    print(f"trained {result['num_total_layers']}-layer ExHuBERT round robin for {results['global_step']} steps")
    print(f"test split (held-out synthetic speakers), chance UAR = {result['chance_uar']:.3f}:")
    print(f"  {'corpus':<10} {'uar':>6} {'war':>6} {'macro_f1':>9} {'n':>4}")
    for corpus, scores in sorted(results["corpora"].items()):
        print(
            f"  {corpus:<10} {scores['uar']:6.3f} {scores['war']:6.3f} {scores['macro_f1']:9.3f} "
            f"{scores['num_examples']:4d}"
        )
    mean = results["mean"]
    print(f"  {'mean':<10} {mean['uar']:6.3f} {mean['war']:6.3f} {mean['macro_f1']:9.3f}")
    print(f"saved the model with its remote code and card to {result['model_dir']}")
    print(
        "reloaded with AutoModelForAudioClassification(..., trust_remote_code=True): "
        f"{len(result['predictions'])} test files, accuracy {result['reloaded_accuracy']:.3f}"
    )
    return 0
