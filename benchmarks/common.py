"""Helpers shared by the benchmark scripts: timing, peak memory, result files and the markdown summary."""

import json
import platform
import resource
import statistics
import threading
import time
from pathlib import Path

import torch
from transformers import HubertConfig

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""Real clips of public corpora (`../shared/data/<corpus>/`), when the checkout sits beside the shared folder."""


def hubert_config(hidden_size: int, layers: int, conv_dim: int = 512, **overrides) -> HubertConfig:
    """
    A HuBERT-Large-style configuration (layer-norm feature encoder, stable layer norm, so attention masks make padding
    exact) of the given width and depth, with dropout, LayerDrop and SpecAugment off so that outputs are comparable.
    """
    kwargs = dict(
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=max(1, hidden_size // 64),
        intermediate_size=4 * hidden_size,
        conv_dim=(conv_dim,) * 7,
        do_stable_layer_norm=True,
        feat_extract_norm="layer",
        conv_bias=True,
        num_labels=6,
        hidden_dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        feat_proj_dropout=0.0,
        layerdrop=0.0,
        mask_time_prob=0.0,
    )
    kwargs.update(overrides)
    return HubertConfig(**kwargs)


def machine_description(device: str) -> str:
    """One line describing where a benchmark ran."""
    if device.startswith("cuda"):
        return f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}"
    return f"{platform.machine()} CPU, {torch.get_num_threads()} threads, torch {torch.__version__}"


def synchronize(device: str) -> None:
    """Waits for queued device work so that wall-clock timings are honest."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def median_seconds(function, repeats: int, device: str) -> float:
    """Median wall time of `function()` over `repeats` calls (after the caller's warm-up)."""
    times = []
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        function()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """
    Peak resident set size of this process in MiB: `VmHWM` from `/proc/self/status` (reset by `exec`, unlike
    `getrusage`'s `ru_maxrss`, which a subprocess inherits from its parent), else `ru_maxrss`.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class AnonymousMemoryPeak:
    """
    Context manager sampling this process' anonymous resident memory (`RssAnon`: heap and buffers, not the pages of
    memory-mapped files such as Arrow datasets, which the kernel can drop at will) every `interval` seconds; `peak_mb`
    holds the largest value seen. Linux only (`peak_mb` stays 0 elsewhere).
    """

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("RssAnon:"):
                    self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> "AnonymousMemoryPeak":
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def reset_peak_rss() -> None:
    """Resets this process' `VmHWM` to its current RSS (Linux `clear_refs` 5), so the next peak excludes set-up."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def write_result(name: str, result: dict) -> Path:
    """Writes `benchmarks/results/<name>.json` atomically and returns its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path
