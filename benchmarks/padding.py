"""Padding waste and training throughput of round-robin batching, with and without length bucketing.

The corpora are the durations of the real clips in `../shared/data` (one corpus per folder) plus a long-tailed corpus
(log-normal durations, median 3 s, up to 30 s, like the improvised or TV-show corpora of EmoSet++). One round-robin
epoch is laid out twice with the package's samplers: `random` batches and `group_by_length` batches (the trainer's
`train_sampling_strategy`). For each layout the script counts padded frames over the whole epoch and times training
steps of a small ExHuBERT (collated by the package's `AudioCollator`) over one whole epoch of the same random subset
of every corpus in both layouts (so both train on exactly the same examples), their steps alternating so that machine
noise hits both; each step counts its fastest of `--repeats` passes.

Before timing it checks that bucketing cannot change a result: every example of the checked batches gets the same
logits in its plain batch, in its bucketed batch and alone. Writes `benchmarks/results/padding.json`.

Usage: `python benchmarks/padding.py [--device cuda] [--batch-size 8] [--timed-per-corpus 24]`
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from transformers import HubertModel

from exhubert import ExHubertForSequenceClassification
from exhubert.data.collator import AudioCollator
from exhubert.expansion import default_feature_extractor
from exhubert.inference.predict import receptive_field
from exhubert.training.sampler import CorpusBatchSampler, RoundRobinBatchSampler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED_DATA, hubert_config, machine_description, median_seconds, write_result  # noqa: E402

SAMPLING_RATE = 16000
LAYOUTS = ("random", "group_by_length")


def corpus_durations(num_long_tail: int, seed: int) -> dict[str, np.ndarray]:
    """Durations (seconds) per corpus: the real clips of `../shared/data/*` and a generated long-tailed corpus."""
    corpora = {}
    for folder in sorted(p for p in SHARED_DATA.iterdir() if p.is_dir()) if SHARED_DATA.is_dir() else []:
        files = sorted(folder.rglob("*.wav"))
        if files:
            corpora[folder.name] = np.array([sf.info(str(f)).duration for f in files])
    if not corpora:
        print(f"note: {SHARED_DATA} is missing; using generated durations only", file=sys.stderr)
    rng = np.random.default_rng(seed)
    corpora["long_tail"] = np.clip(rng.lognormal(mean=np.log(3.0), sigma=0.8, size=num_long_tail), 0.8, 30.0)
    return corpora


def epoch_layout(corpora: dict[str, np.ndarray], layout: str, batch_size: int, seed: int) -> list[tuple[str, list]]:
    """One round-robin epoch as `(corpus, local indices)` batches, from the package's samplers."""
    samplers = [
        CorpusBatchSampler(len(d), batch_size, strategy=layout, lengths=d if layout == "group_by_length" else None)
        for d in corpora.values()
    ]
    sampler = RoundRobinBatchSampler(samplers, corpus_names=list(corpora), seed=seed)
    names = list(corpora)
    return [(names[corpus], batch) for corpus, batch in sampler.iter_corpus_batches()]


def num_frames(samples: np.ndarray, config) -> np.ndarray:
    """Encoder frames of inputs of `samples` samples (HuBERT's convolution stack)."""
    frames = samples.astype(np.int64)
    for kernel, stride in zip(config.conv_kernel, config.conv_stride):
        frames = (frames - kernel) // stride + 1
    return frames


def padding_fraction(batches, corpora, config) -> dict:
    """Fraction of padded frames and samples over all batches of an epoch."""
    real_frames = padded_frames = real_samples = padded_samples = 0
    for corpus, batch in batches:
        samples = np.round(corpora[corpus][batch] * SAMPLING_RATE).astype(np.int64)
        frames = num_frames(samples, config)
        real_samples += samples.sum()
        padded_samples += samples.max() * len(samples)
        real_frames += frames.sum()
        padded_frames += frames.max() * len(frames)
    return {
        "frames": 1.0 - real_frames / padded_frames,
        "samples": 1.0 - real_samples / padded_samples,
        "num_batches": len(batches),
    }


def waveform(corpus: str, index: int, duration: float) -> np.ndarray:
    """A deterministic noise waveform standing for example `index` of `corpus` (content does not change the cost)."""
    seed = [index, *corpus.encode()]
    return np.random.default_rng(seed).standard_normal(int(round(duration * SAMPLING_RATE))).astype(np.float32)


def examples(corpora, corpus: str, batch: list[int]) -> list[dict]:
    """The collator's input for one batch."""
    return [{"audio": waveform(corpus, i, corpora[corpus][i]), "label": i % 6} for i in batch]


def build_model(args) -> ExHubertForSequenceClassification:
    """A small ExHuBERT with a layer-norm feature encoder (attention masks, so padding is exact), dropout off."""
    torch.manual_seed(0)
    config = hubert_config(args.hidden_size, args.layers, args.conv_dim)
    return ExHubertForSequenceClassification.from_hubert(HubertModel(config)).to(args.device)


def check_padding_is_exact(model, collator, corpora, layouts: dict, args) -> float:
    """Max |logit difference| of the same examples in plain batches, bucketed batches and alone."""
    model.eval()
    logits = {}
    with torch.no_grad():
        for layout, batches in layouts.items():
            for corpus, batch in batches[: args.checked_batches]:
                inputs = {k: v.to(args.device) for k, v in collator(examples(corpora, corpus, batch)).items()}
                inputs.pop("labels")
                for i, row in zip(batch, model(**inputs).logits):
                    logits.setdefault((corpus, i), {})[layout] = row
        worst = 0.0
        for (corpus, i), rows in logits.items():
            inputs = {k: v.to(args.device) for k, v in collator(examples(corpora, corpus, [i])).items()}
            inputs.pop("labels")
            alone = model(**inputs).logits[0]
            worst = max(worst, *((row - alone).abs().max().item() for row in rows.values()))
    return worst


def main() -> None:
    """Runs the benchmark and prints the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--long-tail", type=int, default=600, help="clips of the generated long-tailed corpus")
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--conv-dim", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2, help="source layers (expanded to twice as many)")
    parser.add_argument("--timed-per-corpus", type=int, default=24, help="examples per corpus in the timed epoch")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes; each step counts its fastest")
    parser.add_argument("--checked-batches", type=int, default=3, help="batches per layout checked for equality")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    corpora = corpus_durations(args.long_tail, args.seed)
    layouts = {layout: epoch_layout(corpora, layout, args.batch_size, args.seed) for layout in LAYOUTS}
    model = build_model(args)
    collator = AudioCollator(default_feature_extractor(model.config))
    fractions = {layout: padding_fraction(batches, corpora, model.config) for layout, batches in layouts.items()}

    max_abs_logit_diff = check_padding_is_exact(model, collator, corpora, layouts, args)
    if max_abs_logit_diff > 1e-4:
        raise RuntimeError(f"Batching changed a result: max |logit difference| {max_abs_logit_diff:.3g}.")

    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)

    def step(corpus: str, batch: list[int]) -> None:
        inputs = {k: v.to(args.device) for k, v in collator(examples(corpora, corpus, batch)).items()}
        model(**inputs).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    rng = np.random.default_rng(args.seed)
    subset = {
        name: d[np.sort(rng.choice(len(d), min(len(d), args.timed_per_corpus), replace=False))]
        for name, d in corpora.items()
    }
    timed = {layout: epoch_layout(subset, layout, args.batch_size, args.seed) for layout in LAYOUTS}
    for batch in timed["random"][:4]:
        step(*batch)
    step_seconds = {layout: [[] for _ in timed[layout]] for layout in LAYOUTS}
    for _ in range(args.repeats):
        for i, pair in enumerate(zip(*(timed[layout] for layout in LAYOUTS))):
            for layout, batch in zip(LAYOUTS, pair):
                step_seconds[layout][i].append(median_seconds(lambda b=batch: step(*b), 1, args.device))
    seconds = {layout: sum(min(times) for times in step_seconds[layout]) for layout in LAYOUTS}
    samples_per_s = {layout: sum(len(batch) for _, batch in timed[layout]) / seconds[layout] for layout in LAYOUTS}
    audio_per_s = {layout: sum(subset[c][b].sum() for c, b in timed[layout]) / seconds[layout] for layout in LAYOUTS}

    result = {
        "machine": machine_description(args.device),
        "config": vars(args),
        "corpora": {
            name: {
                "clips": len(d),
                "hours": float(d.sum() / 3600),
                "median_s": float(np.median(d)),
                "max_s": float(d.max()),
            }
            for name, d in corpora.items()
        },
        "receptive_field_samples": receptive_field(model.config),
        "padding_fraction_plain": fractions["random"]["frames"],
        "padding_fraction_bucketed": fractions["group_by_length"]["frames"],
        "padding_fraction_samples": {layout: f["samples"] for layout, f in fractions.items()},
        "num_batches_per_epoch": fractions["random"]["num_batches"],
        "timed_examples": sum(len(d) for d in subset.values()),
        "timed_padding_fraction": {
            layout: padding_fraction(timed[layout], subset, model.config)["frames"] for layout in LAYOUTS
        },
        "train_samples_per_s": samples_per_s,
        "train_audio_seconds_per_s": audio_per_s,
        "throughput_ratio_bucketed_vs_plain": samples_per_s["group_by_length"] / samples_per_s["random"],
        "max_abs_logit_diff": max_abs_logit_diff,
        "targets": {"padding_fraction_bucketed": 0.10},
    }
    path = write_result("padding", result)
    for layout, label in zip(LAYOUTS, ("plain", "bucketed")):
        print(
            f"{label:<9} padded frames {fractions[layout]['frames']:6.1%}  "
            f"train {samples_per_s[layout]:6.2f} samples/s ({audio_per_s[layout]:6.1f} s of audio/s)"
        )
    print(
        f"padding_fraction_bucketed {result['padding_fraction_bucketed']:.3f} (target < 0.10)  "
        f"throughput ratio {result['throughput_ratio_bucketed_vs_plain']:.2f}  "
        f"max |logit diff| {max_abs_logit_diff:.1e}"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
