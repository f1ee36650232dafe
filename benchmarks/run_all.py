"""Runs every benchmark (`make bench`) and writes `benchmarks/results/summary.md` from their result files.

Each benchmark runs in its own interpreter, one after the other, so that none measures beside another. The summary
lists the headline ratios against their targets; the JSON files hold everything else.

Usage: `python benchmarks/run_all.py [--device cuda] [--only expansion padding ...]` (with `--only`, the summary keeps
the other benchmarks' earlier results)
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_DIR, machine_description  # noqa: E402

BENCHMARKS = ("expansion", "padding", "predict", "emoset_build")
"""The benchmark scripts, in the order they run."""

DEVICE_AWARE = {"expansion", "padding", "predict"}
"""Benchmarks that take `--device` (EmoSet++ building runs on the CPU)."""

HEADLINES = {
    "expansion": [
        ("train step time, ExHuBERT / HuBERT", "train_step_time_ratio", "<= 1.75"),
        ("train peak memory, ExHuBERT / HuBERT", "train_peak_memory_ratio", ""),
        ("inference time, ExHuBERT / HuBERT", "inference_time_ratio", "<= 2.05"),
        ("train step time, top half expanded / HuBERT", "top_half_train_step_time_ratio", ""),
        ("train step time, gradient checkpointing / HuBERT", "gradient_checkpointing_train_step_time_ratio", ""),
        ("train peak memory, gradient checkpointing / HuBERT", "gradient_checkpointing_peak_memory_ratio", ""),
    ],
    "padding": [
        ("padded frames, plain round robin", "padding_fraction_plain", ""),
        ("padded frames, length-bucketed round robin", "padding_fraction_bucketed", "< 0.10"),
        ("train throughput, bucketed / plain", "throughput_ratio_bucketed_vs_plain", ""),
    ],
    "predict": [
        ("files/s, exhubert predict / pipeline", "speedup_vs_pipeline", ">= 2"),
        ("files/s, exhubert predict / pipeline(batch_size=8)", "speedup_vs_pipeline_batched", ""),
        ("max abs probability difference", "max_abs_prob_diff", "<= 1e-4"),
    ],
    "emoset_build": [
        ("files/s, 1 process", ("files_per_s", "1"), ""),
        ("files/s, 2 processes", ("files_per_s", "2"), ""),
        ("peak RSS (MiB), 1 process", "peak_rss_mb", ""),
        ("peak RSS growth for 3x the files", "peak_rss_growth_ratio", ""),
        ("peak anonymous memory growth for 3x the files", "peak_anonymous_growth_ratio", "~1"),
        ("peak anonymous memory growth, 2/3 -> all files", "peak_anonymous_growth_ratio_last_third", "~1"),
    ],
}
"""Per benchmark: (description, key or key path in its JSON, target) rows of the summary."""


def _value(result: dict, key) -> str:
    for part in (key,) if isinstance(key, str) else key:
        result = result[part]
    return f"{result:.3g}" if isinstance(result, float) else str(result)


def summary(names, seconds: dict, device: str) -> str:
    """The markdown summary of the result files of `names`; `seconds` holds the wall times of those run now."""
    lines = [
        "# Benchmark summary",
        "",
        f"Machine: {machine_description(device)}. Written by `benchmarks/run_all.py`; details in `results/*.json`.",
        "",
        "| benchmark | measure | value | target |",
        "|---|---|---|---|",
    ]
    for name in names:
        result = json.loads((RESULTS_DIR / f"{name}.json").read_text())
        for description, key, target in HEADLINES[name]:
            lines.append(f"| {name} | {description} | {_value(result, key)} | {target} |")
    lines += ["", "Wall time of this run: " + ", ".join(f"{n} {s:.0f} s" for n, s in seconds.items()), ""]
    return "\n".join(lines)


def main() -> None:
    """Runs the benchmarks, prints their output and the summary, and exits non-zero if one failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    args = parser.parse_args()
    seconds, failed = {}, []
    for name in args.only:
        command = [sys.executable, str(Path(__file__).resolve().parent / f"{name}.py")]
        if name in DEVICE_AWARE:
            command += ["--device", args.device]
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        if subprocess.run(command).returncode:
            failed.append(name)
        seconds[name] = time.perf_counter() - start
    # With --only, the others' earlier results stay in the summary (their JSON files say where they were measured).
    done = [name for name in BENCHMARKS if name not in failed and (RESULTS_DIR / f"{name}.json").exists()]
    text = summary(done, seconds, args.device)
    path = RESULTS_DIR / "summary.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text)
    tmp.replace(path)
    print(text)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
