"""`exhubert train`: multi-corpus fine-tuning from a YAML configuration (the same job as `examples/finetune.py`)."""

import argparse
import json


def register(subparsers) -> None:
    """Adds the `train` sub-command."""
    parser = subparsers.add_parser(
        "train",
        help="fine-tune ExHuBERT on several corpora from a YAML configuration",
        description=(
            "Build or load EmoSet++, expand HuBERT, train round robin over corpora, evaluate every corpus on the "
            "test split and save the model with its card, eval_results.json and plots. Runs under "
            "`accelerate launch` / `torchrun` as well (e.g. `accelerate launch --multi_gpu --num_processes 2 "
            "-m exhubert.cli.main train --config FILE`)."
        ),
    )
    parser.add_argument("--config", required=True, help="YAML configuration (see examples/configs/)")
    parser.add_argument("--output-dir", help="overrides `output_dir` of the configuration")
    parser.add_argument("--resume-from-checkpoint", help="checkpoint folder to resume from")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Runs the fine-tuning job and prints the mean test metrics as JSON."""
    import logging

    from ..training.pipeline import load_config, run_finetuning

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result = run_finetuning(
        load_config(args.config), output_dir=args.output_dir, resume_from_checkpoint=args.resume_from_checkpoint
    )
    summary = {"output_dir": result["output_dir"], "world_size": result["world_size"]}
    summary["mean"] = result["eval_results"]["mean"]
    print(json.dumps(summary))
    return 0
