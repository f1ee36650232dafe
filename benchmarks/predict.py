"""Prediction throughput: `exhubert.predict` vs `transformers.pipeline("audio-classification")`.

Both run the same saved ExHuBERT on the same 200 files of mixed length (real clips of `../shared/data`, 1-6 s, or
generated clips when that folder is missing): the pipeline as documented (`classifier(files, top_k=None)`, one file
per forward pass, decoding through an `ffmpeg` subprocess), once more with `batch_size=8`, and `exhubert.predict`
(FFmpeg decoding in-process, length-sorted batches of 8). The runs alternate so that machine noise hits all of them.
Every file's class probabilities must agree between the paths (`max_abs_prob_diff`), so a speed-up can never hide a
wrong result. Writes `benchmarks/results/predict.json`.

Usage: `python benchmarks/predict.py [--device cuda] [--files 200] [--hidden-size 256 --layers 2]`
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from transformers import HubertModel, pipeline

import exhubert
from exhubert import ExHubertForSequenceClassification
from exhubert.expansion import default_feature_extractor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED_DATA, hubert_config, machine_description, write_result  # noqa: E402


def audio_files(num_files: int, work: Path, seed: int) -> list[str]:
    """`num_files` clips spread evenly over the corpora of `../shared/data`, or generated ones (1-6 s) without it."""
    corpora = [sorted(p.rglob("*.wav")) for p in sorted(SHARED_DATA.glob("*")) if p.is_dir()]
    corpora = [files for files in corpora if files]
    rng = np.random.default_rng(seed)
    if corpora:
        picks = []
        for i, files in enumerate(corpora):
            share = num_files // len(corpora) + (i < num_files % len(corpora))
            picks += [str(files[j]) for j in sorted(rng.choice(len(files), min(share, len(files)), replace=False))]
        return picks
    print(f"note: {SHARED_DATA} is missing; using generated clips", file=sys.stderr)
    paths = []
    for i in range(num_files):
        path = work / f"clip_{i:03d}.wav"
        sf.write(path, 0.1 * rng.standard_normal(int(rng.uniform(1.0, 6.0) * 16000)), 16000)
        paths.append(str(path))
    return paths


def save_model(directory: Path, args) -> None:
    """Saves a small random ExHuBERT (layer-norm feature encoder, 6 classes) with its feature extractor."""
    torch.manual_seed(0)
    model = ExHubertForSequenceClassification.from_hubert(
        HubertModel(hubert_config(args.hidden_size, args.layers, args.conv_dim))
    )
    torch.nn.init.normal_(model.classifier.weight, std=0.5)
    model.save_pretrained(directory)
    default_feature_extractor(model.config).save_pretrained(directory)


def main() -> None:
    """Runs the benchmark and prints the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--conv-dim", type=int, default=256)
    parser.add_argument("--layers", type=int, default=2, help="source layers (expanded to twice as many)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = audio_files(args.files, work, args.seed)
        model_dir = work / "model"
        save_model(model_dir, args)
        model, feature_extractor = exhubert.inference.load_model(model_dir, device=args.device)
        classifier = pipeline(
            "audio-classification", model=model, feature_extractor=feature_extractor, device=args.device
        )
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]

        def run_pipeline(batch_size: int) -> np.ndarray:
            outputs = classifier(files, top_k=None, batch_size=batch_size)
            return np.array([[{o["label"]: o["score"] for o in out}[label] for label in labels] for out in outputs])

        def run_predict() -> np.ndarray:
            results = exhubert.predict(model, files, batch_size=args.batch_size, progress=False)
            failed = [r["source"] for r in results if r["error"]]
            if failed:
                raise RuntimeError(f"exhubert.predict failed on {failed[:3]}")
            return np.array([[r["probabilities"][label] for label in labels] for r in results])

        paths = {
            "pipeline": lambda: run_pipeline(1),
            "pipeline_batched": lambda: run_pipeline(args.batch_size),
            "exhubert_predict": run_predict,
        }
        seconds = {name: [] for name in paths}
        outputs = {}
        run_predict()
        for _ in range(args.repeats):
            for name, function in paths.items():
                start = time.perf_counter()
                outputs[name] = function()
                seconds[name].append(time.perf_counter() - start)
        durations = [sf.info(f).duration for f in files]

    best = {name: min(times) for name, times in seconds.items()}
    files_per_s = {name: len(files) / value for name, value in best.items()}
    max_abs_prob_diff = float(np.abs(outputs["exhubert_predict"] - outputs["pipeline"]).max())
    batched_diff = float(np.abs(outputs["pipeline_batched"] - outputs["pipeline"]).max())
    if max_abs_prob_diff > 1e-4:
        raise RuntimeError(f"exhubert.predict and the pipeline disagree: max |p difference| {max_abs_prob_diff:.3g}.")
    result = {
        "machine": machine_description(args.device),
        "config": vars(args),
        "num_files": len(files),
        "audio_seconds": float(np.sum(durations)),
        "duration_range_s": [float(np.min(durations)), float(np.max(durations))],
        "seconds": best,
        "files_per_s": files_per_s,
        "speedup_vs_pipeline": files_per_s["exhubert_predict"] / files_per_s["pipeline"],
        "speedup_vs_pipeline_batched": files_per_s["exhubert_predict"] / files_per_s["pipeline_batched"],
        "max_abs_prob_diff": max_abs_prob_diff,
        "pipeline_batched_max_abs_prob_diff": batched_diff,
        "targets": {"speedup_vs_pipeline": 2.0},
    }
    path = write_result("predict", result)
    for name in paths:
        print(f"{name:<18} {files_per_s[name]:7.1f} files/s  ({best[name]:.2f} s for {len(files)} files)")
    print(
        f"speedup_vs_pipeline {result['speedup_vs_pipeline']:.2f} (target >= 2)  "
        f"vs batched pipeline {result['speedup_vs_pipeline_batched']:.2f}  max |p diff| {max_abs_prob_diff:.1e}"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
