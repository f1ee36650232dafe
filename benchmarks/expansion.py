"""Cost of block expansion: train-step time, peak memory and inference time of ExHuBERT vs its source HuBERT.

Both models share one configuration and one batch; their steps alternate in one run so that machine noise hits both.
A train step is forward, backward and the AdamW update; the forward+backward part is also reported on its own, since
the ≈1.67x FLOP bound (frozen originals still back-propagate activations) describes it, while the update costs the
same for both (a HuBERT fine-tuned with its CNN frozen and ExHuBERT train about as many parameters).
Peak memory is measured in a fresh subprocess per variant (CPU: peak RSS of the process; CUDA: peak allocated memory).
Before timing, the script checks that the expanded model's outputs equal the source's, so a faster path can never hide
a wrong result. Writes `benchmarks/results/expansion.json`.

Usage: `python benchmarks/expansion.py [--device cuda] [--hidden-size 768 --layers 6] [--seconds 2 --batch-size 2]`
"""

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time

import torch
from transformers import HubertForSequenceClassification

from exhubert import ExHubertForSequenceClassification

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from common import (
    hubert_config,
    machine_description,
    median_seconds,
    peak_rss_mb,
    reset_peak_rss,
    synchronize,
    write_result,
)  # noqa: E402

VARIANTS = {
    "hubert": None,
    "exhubert": {},
    "exhubert_top_half": "top_half",
    "exhubert_gradient_checkpointing": "checkpointing",
}


def build(variant: str, args) -> torch.nn.Module:
    """Builds the model of `variant` (deterministic weights, dropout off so outputs are comparable)."""
    torch.manual_seed(0)
    source = HubertForSequenceClassification(hubert_config(args.hidden_size, args.layers))
    source.freeze_feature_encoder()
    option = VARIANTS[variant]
    if option is None:
        return source
    overrides = {"expanded_layers": list(range(args.layers // 2, args.layers))} if option == "top_half" else {}
    model = ExHubertForSequenceClassification.from_hubert(source, **overrides)
    if option == "checkpointing":
        model.activation_checkpointing_enable()
    return model


def batch(args, device):
    """A fixed random batch of `batch_size` clips of `seconds` seconds, with labels."""
    generator = torch.Generator().manual_seed(1)
    values = torch.randn(args.batch_size, int(args.seconds * 16000), generator=generator)
    labels = torch.arange(args.batch_size) % 6
    return values.to(device), labels.to(device)


def forward_backward(model, values, labels):
    """Forward and backward pass (the part of a step whose cost the FLOP bound describes)."""
    model(values, labels=labels).loss.backward()


def train_step(model, optimizer, values, labels):
    """One optimizer step: forward, backward and the AdamW update."""
    forward_backward(model, values, labels)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def timed_step(model, optimizer, values, labels, device: str) -> tuple[float, float]:
    """One optimizer step; returns `(forward_backward_seconds, step_seconds)`."""
    synchronize(device)
    start = time.perf_counter()
    forward_backward(model, values, labels)
    synchronize(device)
    middle = time.perf_counter()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    synchronize(device)
    return middle - start, time.perf_counter() - start


def measure_memory(variant: str, args) -> float:
    """
    Peak memory (MiB) of three train steps of `variant` (weights, gradients, optimizer state and activations; the peak
    of building the model is excluded), in this process (called in a fresh subprocess).
    """
    model = build(variant, args).to(args.device).train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    values, labels = batch(args, args.device)
    gc.collect()
    if args.device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    reset_peak_rss()
    for _ in range(3):
        train_step(model, optimizer, values, labels)
    if args.device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**20
    return peak_rss_mb()


def memory_in_subprocess(variant: str, args) -> float:
    """Runs [`measure_memory`] in a fresh interpreter so that peaks do not mix."""
    command = [sys.executable, __file__, "--memory-only", variant] + [
        f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items() if k not in ("memory_only",) and v is not None
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])["peak_mb"]


def main() -> None:
    """Runs the benchmark and prints the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--hidden-size", type=int, default=768)
    parser.add_argument("--layers", type=int, default=6, help="source layers (HuBERT-base width, half its depth)")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory-only", choices=list(VARIANTS))
    args = parser.parse_args()
    if args.memory_only:
        print(json.dumps({"peak_mb": measure_memory(args.memory_only, args)}))
        return

    values, labels = batch(args, args.device)
    models = {name: build(name, args).to(args.device) for name in VARIANTS}
    with torch.no_grad():
        reference = models["hubert"].eval()(values).logits
        for name, model in models.items():
            difference = (model.eval()(values).logits - reference).abs().max().item()
            if difference > 1e-4:
                raise RuntimeError(f"{name} differs from the source HuBERT by {difference:.3g} at initialisation.")

    optimizers = {
        name: torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=1e-5) for name, m in models.items()
    }
    for name, model in models.items():
        model.train()
        train_step(model, optimizers[name], values, labels)
    train_times = {name: [] for name in models}
    backward_times = {name: [] for name in models}
    for _ in range(args.repeats):
        for name, model in models.items():
            seconds = timed_step(model, optimizers[name], values, labels, args.device)
            backward_times[name].append(seconds[0])
            train_times[name].append(seconds[1])
    train = {name: statistics.median(times) for name, times in train_times.items()}
    forward_backward_seconds = {name: statistics.median(times) for name, times in backward_times.items()}

    inference_times = {name: [] for name in models}
    with torch.inference_mode():
        for model in models.values():
            model.eval()(values)
        for _ in range(args.repeats):
            for name, model in models.items():
                inference_times[name].append(median_seconds(lambda m=model: m(values), 1, args.device))
    inference = {name: statistics.median(times) for name, times in inference_times.items()}
    memory = {name: memory_in_subprocess(name, args) for name in VARIANTS}

    result = {
        "machine": machine_description(args.device),
        "config": {k: v for k, v in vars(args).items() if k != "memory_only"},
        "train_step_seconds": train,
        "forward_backward_seconds": forward_backward_seconds,
        "inference_seconds": inference,
        "peak_memory_mb": memory,
        "train_step_time_ratio": train["exhubert"] / train["hubert"],
        "forward_backward_time_ratio": forward_backward_seconds["exhubert"] / forward_backward_seconds["hubert"],
        "train_peak_memory_ratio": memory["exhubert"] / memory["hubert"],
        "inference_time_ratio": inference["exhubert"] / inference["hubert"],
        "top_half_train_step_time_ratio": train["exhubert_top_half"] / train["hubert"],
        "gradient_checkpointing_train_step_time_ratio": train["exhubert_gradient_checkpointing"] / train["hubert"],
        "gradient_checkpointing_peak_memory_ratio": memory["exhubert_gradient_checkpointing"] / memory["hubert"],
        "targets": {"train_step_time_ratio": 1.75, "inference_time_ratio": 2.05},
    }
    path = write_result("expansion", result)
    for name in models:
        print(
            f"{name:<34} train {train[name] * 1e3:8.1f} ms  inference {inference[name] * 1e3:8.1f} ms  "
            f"peak {memory[name]:8.0f} MiB"
        )
    print(
        f"train_step_time_ratio {result['train_step_time_ratio']:.2f} (target <= 1.75; forward+backward "
        f"{result['forward_backward_time_ratio']:.2f}, FLOP bound 1.67)  "
        f"inference_time_ratio {result['inference_time_ratio']:.2f} (target <= 2.05)  "
        f"train_peak_memory_ratio {result['train_peak_memory_ratio']:.2f}"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
