"""
Fine-tune ExHuBERT on several emotion corpora at once (round-robin multi-corpus training) from a YAML configuration.

Runs on one CPU/GPU or on several processes with the same results layout:

```bash
accelerate launch examples/finetune.py --config examples/configs/tiny.yaml               # offline, CPU, ~1 min
accelerate launch --multi_gpu --num_processes 2 examples/finetune.py --config examples/configs/tiny.yaml
accelerate launch examples/finetune.py --config examples/configs/paper.yaml              # the paper's setting
```

`exhubert train --config FILE` does the same from the console script. See `exhubert.training.pipeline` for the
configuration sections and the output layout (checkpoints, model with card, eval_results.json, plots).
"""

import argparse
import json
import logging

from exhubert.training.pipeline import load_config, run_finetuning


def main() -> None:
    """Parses the command line, runs the fine-tuning job and prints the mean test metrics as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="YAML configuration (see examples/configs/)")
    parser.add_argument("--output-dir", help="overrides `output_dir` of the configuration")
    parser.add_argument("--resume-from-checkpoint", help="checkpoint folder to resume from")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    result = run_finetuning(
        load_config(args.config), output_dir=args.output_dir, resume_from_checkpoint=args.resume_from_checkpoint
    )
    mean = result["eval_results"]["mean"]
    print(json.dumps({"output_dir": result["output_dir"], "world_size": result["world_size"], "mean": mean}))


if __name__ == "__main__":
    main()
