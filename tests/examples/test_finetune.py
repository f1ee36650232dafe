"""The fine-tuning example on the tiny offline config: `exhubert train` in one process, the script on two ranks."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from exhubert.cli.main import main

REPO_ROOT = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO_ROOT / "examples" / "configs" / "tiny.yaml"


def check_layout(output_dir: Path, world_size: int) -> dict:
    results = json.loads((output_dir / "eval_results.json").read_text())
    assert results["world_size"] == world_size and results["split"] == "test"
    assert set(results["corpora"]) == {"synth_a", "synth_b"}
    for scores in [*results["corpora"].values(), results["mean"]]:
        assert {"uar", "war", "macro_f1"} <= set(scores)
    model_dir = output_dir / "model"
    for name in ("config.json", "model.safetensors", "modeling_exhubert.py", "preprocessor_config.json", "README.md"):
        assert (model_dir / name).is_file(), name
    card = (model_dir / "README.md").read_text()
    assert "| synth_a | 12 |" in card and "synth_a: sad; synth_b: sad" in card  # corpora and label mapping
    for name in ("training_curves.png", "confusion_matrix_synth_a.png", "confusion_matrix_synth_b.png"):
        assert (output_dir / "plots" / name).stat().st_size > 1000
    assert sorted(p.name for p in (output_dir / "checkpoints").iterdir()) == ["checkpoint-4", "checkpoint-8"]
    return results


def test_configs_are_valid():
    from exhubert.training import ExHubertTrainingArguments
    from exhubert.training.pipeline import load_config

    for path in (TINY_CONFIG, REPO_ROOT / "examples" / "configs" / "paper.yaml"):
        config = load_config(path)
        args = ExHubertTrainingArguments(output_dir="unused", **config["training"])
        assert args.multi_dataset_batch_sampler == "round_robin"
    paper = load_config(REPO_ROOT / "examples" / "configs" / "paper.yaml")
    assert paper["model"]["source"] == "facebook/hubert-large-ll60k"
    assert paper["model"]["config"]["freeze_feature_encoder"] and paper["model"]["config"]["freeze_original_layers"]
    args = ExHubertTrainingArguments(output_dir="unused", **paper["training"])
    defaults = ExHubertTrainingArguments(output_dir="unused")  # the paper's values (see tests/training)
    for key in ("learning_rate", "max_steps", "adam_beta1", "adam_beta2", "adam_epsilon", "weight_decay"):
        assert getattr(args, key) == getattr(defaults, key), key
    assert args.optim == "adamw_torch" and args.metric_for_best_model == "mean_uar"


@pytest.mark.slow
def test_exhubert_train_cli_on_tiny_config(tmp_path, capsys):
    from transformers import AutoModelForAudioClassification

    assert main(["train", "--config", str(TINY_CONFIG), "--output-dir", str(tmp_path / "run")]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["world_size"] == 1
    check_layout(tmp_path / "run", world_size=1)
    model = AutoModelForAudioClassification.from_pretrained(tmp_path / "run" / "model", trust_remote_code=True)
    assert model.config.num_total_layers == 4


@pytest.mark.slow
def test_example_script_on_two_processes(tmp_path):
    accelerate = shutil.which("accelerate", path=str(Path(sys.executable).parent)) or shutil.which("accelerate")
    if accelerate is None:
        pytest.skip("the accelerate launcher is not installed")
    config = yaml.safe_load(TINY_CONFIG.read_text())
    config_path = tmp_path / "tiny.yaml"
    config_path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "ACCELERATE_USE_CPU": "1"}
    command = [
        accelerate,
        "launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        str(REPO_ROOT / "examples" / "finetune.py"),
        "--config",
        str(config_path),
        "--output-dir",
        str(tmp_path / "run"),
    ]
    completed = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=400)
    assert completed.returncode == 0, completed.stderr[-4000:]
    summaries = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith('{"output_dir"')]
    assert [s["world_size"] for s in summaries] == [2, 2]  # both ranks ran and saw a world of two
    check_layout(tmp_path / "run", world_size=2)
