"""
The demo behind `make demo` / `exhubert demo`, offline on a CPU in a few minutes: expand a tiny HuBERT and prove the
identity, generate synthetic multi-corpus emotional speech, build it into EmoSet++ with the builder, train round robin
over the corpora, report per-corpus UAR against chance on held-out speakers, save, reload with
`trust_remote_code=True` and predict.
"""

import copy
import logging
import os
import shutil
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForAudioClassification, HubertConfig, HubertModel

from .expansion import default_feature_extractor
from .models.exhubert import ExHubertForSequenceClassification
from .utils import tiny_hubert_kwargs

logger = logging.getLogger(__name__)

SAMPLING_RATE = 16000

DEMO_CONFIG = {
    "seed": 0,
    "model": {
        "tiny_hubert": {"do_stable_layer_norm": True, "layerdrop": 0.0},
        "config": {
            "expansion_factor": 2,
            "freeze_feature_encoder": False,
            "pooling_mode": "attentive_statistics",
            "initializer_range": 0.2,
        },
    },
    "data": {
        "synthetic_corpora": {
            "num_corpora": 3,
            "speakers_per_corpus": 12,
            "clips_per_speaker": 12,
            "duration_range": [0.8, 1.2],
        },
        "build": {"ratios": [0.5, 0.1667, 0.3333]},
    },
    "training": {
        "loss": "cross_entropy",
        "multi_dataset_batch_sampler": "round_robin",
        "learning_rate": 5.0e-4,
        "warmup_steps": 0.05,
        "max_steps": 600,
        "per_device_train_batch_size": 8,
        "per_device_eval_batch_size": 16,
        "eval_strategy": "steps",
        "eval_steps": 100,
        "save_strategy": "steps",
        "save_steps": 300,
        "save_total_limit": 1,
        "logging_steps": 25,
        "use_cpu": True,
        "disable_tqdm": False,
    },
    "card": {
        "model_description": (
            "A tiny ExHuBERT trained by `exhubert demo` on synthetic voice-like signals; it demonstrates the pipeline "
            "and is not an emotion recognition model."
        ),
        "license": "apache-2.0",
    },
}
"""The demo's fine-tuning configuration (see `exhubert.training.pipeline`): 12 synthetic speakers per corpus, split
by speaker into 6 for training, 2 for validation (the UAR curves) and 4 for the test. At this tiny random size the CNN
is trained too, the head uses attentive statistics pooling (mean and spread over frames), and the new head is
initialised with `initializer_range=0.2` (about 1/sqrt(32) for this 32-wide model): with HuBERT's 0.02, sized for
1024-wide models, the projector and classifier start so close to zero that the loss can sit at its chance value
(ln 6) for hundreds of steps or never leave it."""


DEMO_OUTPUTS = ("checkpoints", "plots", "model", "synthetic_corpora", "eval_results.json", "config.yaml")
"""What the demo writes in its output folder (and removes there before a new run)."""


def synthetic_clips(num_clips: int = 4, seconds: float = 1.0, seed: int = 0) -> list[np.ndarray]:
    """Voice-like harmonic clips of rising pitch (float32, 16 kHz) for the identity check."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLING_RATE)) / SAMPLING_RATE
    clips = []
    for i in range(num_clips):
        f0 = 110.0 * (1 + 0.5 * i) * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLING_RATE
        wave = sum(np.sin(k * phase) / k for k in range(1, 6)) * (0.5 + 0.5 * np.sin(2 * np.pi * 2 * t) ** 2)
        clips.append((0.3 * wave + 0.01 * rng.standard_normal(t.shape)).astype(np.float32))
    return clips


def check_expansion_identity(seed: int = 0) -> tuple[float, int]:
    """
    Expands a tiny random HuBERT and measures how far the expanded encoder's output is from the source's.

    Args:
        seed (`int`, *optional*, defaults to 0): Random seed of the tiny HuBERT and the clips.

    Returns:
        `(max_abs_difference, num_total_layers)`.

    Raises:
        RuntimeError: the expanded model differs from its source by more than 1e-5.
    """
    torch.manual_seed(seed)
    source = HubertModel(HubertConfig(**tiny_hubert_kwargs(do_stable_layer_norm=True))).eval()
    model = ExHubertForSequenceClassification.from_hubert(source).eval()
    feature_extractor = default_feature_extractor(model.config)
    inputs = feature_extractor(
        synthetic_clips(seed=seed), sampling_rate=SAMPLING_RATE, return_tensors="pt", padding=True
    )
    with torch.no_grad():
        expected = source(**inputs).last_hidden_state
        actual = model.hubert(**inputs).last_hidden_state
    max_abs_difference = (expected - actual).abs().max().item()
    if max_abs_difference > 1e-5:
        raise RuntimeError(f"Expanded model differs from its source by {max_abs_difference:.3g} at initialisation.")
    return max_abs_difference, model.config.num_total_layers


def run_demo(
    output_dir: str | os.PathLike,
    seed: int = 0,
    overwrite: bool = True,
    max_steps: int | None = None,
) -> dict:
    """
    Runs the whole story on an embedded default, offline:

    1. expands a tiny random HuBERT and checks that it computes exactly what the source computes;
    2. generates three synthetic corpora (WAV files + manifests, 12 speakers each, pitch/timbre/rate depending
       on arousal and valence) and builds them into EmoSet++ with `exhubert.data.builder.build_emoset`
       (speaker-independent splits);
    3. expands a tiny HuBERT and trains it round robin over the corpora (`ExHubertTrainer`), evaluating every corpus
       on its validation speakers every 100 steps;
    4. evaluates every corpus on its held-out test speakers (UAR, WAR, macro-F1 against chance);
    5. saves the model with its remote code, card, `eval_results.json` and plots;
    6. reloads it with `AutoModelForAudioClassification.from_pretrained(..., trust_remote_code=True)` and predicts
       the test files.

    Args:
        output_dir (`str` or `os.PathLike`): Where everything is written: `model/` (with `README.md`),
            `eval_results.json`, `plots/`, `checkpoints/`, `synthetic_corpora/`, `config.yaml`.
        seed (`int`, *optional*, defaults to 0): Random seed of models, data and training.
        overwrite (`bool`, *optional*, defaults to `True`): Replace a previous demo output.
        max_steps (`int`, *optional*): Training steps (default: the 600 of `DEMO_CONFIG`).

    Returns:
        `dict` with `max_abs_difference`, `num_total_layers`, `model_dir`, `eval_results` (per corpus and mean),
        `chance_uar`, `predictions` (test file -> label of the reloaded model), `reloaded_accuracy` and `plots`.

    Raises:
        FileExistsError: `output_dir` is not empty and `overwrite` is `False`.
    """
    from .data.audio import load_audio
    from .training.pipeline import run_finetuning

    output_dir = Path(output_dir)
    if output_dir.exists() and any(output_dir.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"{output_dir} already exists and is not empty; choose another path or pass overwrite."
            )
        for name in DEMO_OUTPUTS:  # only what a previous demo wrote: no stale checkpoints or plots
            path = output_dir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    max_abs_difference, num_total_layers = check_expansion_identity(seed)
    logger.info("Expansion identity: max |source - expanded| = %.2e", max_abs_difference)

    config = copy.deepcopy(DEMO_CONFIG)
    config["seed"] = seed
    if max_steps is not None:
        config["training"]["max_steps"] = max_steps
        config["training"]["save_steps"] = max(1, max_steps // 2)
        config["training"]["eval_steps"] = max(1, max_steps // 6)
    result = run_finetuning(config, output_dir=output_dir)

    model_dir = Path(result["model_dir"])
    reloaded = AutoModelForAudioClassification.from_pretrained(model_dir, trust_remote_code=True).eval()
    feature_extractor = default_feature_extractor(reloaded.config)
    test_files = _test_files(output_dir, result)
    predictions, correct = {}, 0
    with torch.no_grad():
        for path, label in test_files:
            waveform = load_audio(path)
            inputs = feature_extractor(waveform, sampling_rate=SAMPLING_RATE, return_tensors="pt")
            predicted = reloaded.config.id2label[int(reloaded(**inputs).logits.argmax(-1))]
            predictions[str(path)] = predicted
            correct += predicted == label
    eval_results = result["eval_results"]
    return {
        "max_abs_difference": max_abs_difference,
        "num_total_layers": num_total_layers,
        "model_dir": str(model_dir),
        "eval_results": eval_results,
        "chance_uar": float(np.mean([c["chance_uar"] for c in eval_results["corpora"].values()])),
        "predictions": predictions,
        "reloaded_accuracy": correct / max(1, len(test_files)),
        "plots": result["plots"],
    }


def _test_files(output_dir: Path, result: dict) -> list[tuple[Path, str]]:
    """The synthetic test-split files with their class names, read back from the built dataset's manifests."""
    import csv

    from .data.synthetic import SYNTHETIC_LABELS

    raw_to_class = {raw: name for name, (raw, _) in SYNTHETIC_LABELS.items()}
    test_speakers = set(result.get("test_speakers") or ())
    files = []
    for manifest in sorted((output_dir / "synthetic_corpora").glob("*/manifest.csv")):
        with manifest.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not test_speakers or row["speaker"] in test_speakers:
                    files.append((manifest.parent / row["file"], raw_to_class[row["label"]]))
    return files
