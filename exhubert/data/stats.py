"""Statistics of a built EmoSet++: per-corpus counts, hours, class distributions, skipped files, and PNG plots."""

import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from datasets import Dataset, DatasetDict, load_from_disk

from .labels import CLASS_NAMES
from .splits import SPLITS

STATS_FILE = "stats.json"
"""Name of the build report in a saved EmoSet++ folder."""

LONG_UTTERANCE_SECONDS = 30.0
"""Utterances longer than this are reported (they dominate padded batches); `--max-duration` skips them."""

_COLUMNS = ("corpus", "label", "duration", "speaker", "language", "id")


def _empty_entry() -> dict:
    return {"utterances": 0, "hours": 0.0, "speakers": 0, "classes": {name: 0 for name in CLASS_NAMES}}


def compute_stats(dataset: DatasetDict | Dataset) -> dict:
    """
    Counts utterances, hours, speakers and classes per corpus and split (reads only the metadata columns; only
    `label` is required, a missing `corpus`/`duration`/`speaker`/`language` column counts as unknown).

    Args:
        dataset (`DatasetDict` or `Dataset`): EmoSet++ (a single `Dataset` counts as split `"train"`).

    Returns:
        `dict` with `total` (all splits and corpora), `splits` (`{split: entry}`), `corpora`
        (`{corpus: entry + "splits": {split: entry}, "languages": [...]}`) and `durations` (min/mean/max seconds,
        `longest` id, `long`: how many last over `LONG_UTTERANCE_SECONDS`); an entry is
        `{"utterances", "hours", "speakers", "classes": {class name: count}}`.

    Raises:
        ValueError: a split has no `label` column.
    """
    if isinstance(dataset, Dataset):
        dataset = DatasetDict({"train": dataset})
    total, splits = _empty_entry(), {}
    corpora: dict[str, dict] = {}
    speakers_total: set = set()
    speakers_split: dict[str, set] = defaultdict(set)
    speakers_corpus: dict[str, set] = defaultdict(set)
    speakers_corpus_split: dict[tuple, set] = defaultdict(set)
    languages: dict[str, set] = defaultdict(set)
    durations: list[float] = []
    ordered = [name for name in SPLITS if name in dataset] + [name for name in dataset if name not in SPLITS]
    for split in ordered:
        part = dataset[split]
        present = [name for name in _COLUMNS if name in part.column_names]
        if "label" not in present:
            raise ValueError(f"Split {split!r} has no `label` column (columns: {part.column_names}).")
        columns = part.select_columns(present)[:]
        for name, default in (("corpus", "unknown"), ("duration", 0.0), ("speaker", None), ("language", None)):
            if name not in columns:
                columns[name] = [default] * len(part)
        columns.setdefault("id", [f"{split}[{index}]" for index in range(len(part))])
        splits[split] = _empty_entry()
        for corpus, label, duration, speaker, language, identifier in zip(*(columns[name] for name in _COLUMNS)):
            if corpus not in corpora:
                corpora[corpus] = {**_empty_entry(), "splits": {name: _empty_entry() for name in SPLITS}}
            entry = corpora[corpus]
            entry["splits"].setdefault(split, _empty_entry())
            for target in (total, splits[split], entry, entry["splits"][split]):
                target["utterances"] += 1
                target["hours"] += duration / 3600
                target["classes"][CLASS_NAMES[label]] += 1
            durations.append((duration, identifier))
            if language is not None:
                languages[corpus].add(language)
            if speaker is not None:
                key = (corpus, speaker)
                speakers_total.add(key)
                speakers_split[split].add(key)
                speakers_corpus[corpus].add(speaker)
                speakers_corpus_split[(corpus, split)].add(speaker)
    total["speakers"] = len(speakers_total)
    for split, entry in splits.items():
        entry["speakers"] = len(speakers_split[split])
    for corpus, entry in corpora.items():
        entry["speakers"] = len(speakers_corpus[corpus])
        entry["languages"] = sorted(languages[corpus])
        for split, sub in entry["splits"].items():
            sub["speakers"] = len(speakers_corpus_split[(corpus, split)])
    nested = [sub for corpus_entry in corpora.values() for sub in corpus_entry["splits"].values()]
    for entry in [total, *splits.values(), *corpora.values(), *nested]:
        entry["hours"] = round(entry["hours"], 4)
    longest = max(durations, default=(0.0, None))
    summary = {
        "min": round(min(durations, default=(0.0, None))[0], 3),
        "mean": round(sum(d for d, _ in durations) / len(durations), 3) if durations else 0.0,
        "max": round(longest[0], 3),
        "longest": longest[1],
        "long": sum(d > LONG_UTTERANCE_SECONDS for d, _ in durations),
    }
    return {
        "total": total,
        "splits": splits,
        "corpora": dict(sorted(corpora.items())),
        "durations": summary,
    }


def load_stats(dataset_dir: str | os.PathLike) -> dict:
    """
    The statistics of a saved EmoSet++ folder: recomputed from the data, merged with the build report
    (`stats.json`: corpus metadata, split methods, skipped files, build options) when present.

    Raises:
        FileNotFoundError: `dataset_dir` is not a saved dataset.
    """
    dataset_dir = Path(dataset_dir)
    if not (dataset_dir / "dataset_dict.json").is_file():
        raise FileNotFoundError(f"{dataset_dir} is not a saved EmoSet++ (no dataset_dict.json); build it first.")
    report = {}
    if (dataset_dir / STATS_FILE).is_file():
        report = json.loads((dataset_dir / STATS_FILE).read_text(encoding="utf-8"))
    report.update(compute_stats(load_from_disk(str(dataset_dir))))
    report.setdefault("skipped", [])
    report.setdefault("corpus_info", {})
    return report


def format_stats(stats: dict, max_listed: int | None = 20) -> str:
    """
    Plain-text report: per-corpus utterances/hours/speakers per split, class distribution, split methods and
    skipped files with reasons.

    Args:
        stats (`dict`): Output of [`compute_stats`] or [`load_stats`].
        max_listed (`int`, *optional*, defaults to 20): Skipped files listed per corpus and stage (the rest is
            counted, `stats.json` has all); `None` lists every file.
    """
    lines = []
    info = stats.get("corpus_info", {})
    short = [name.split("_")[0][:3] + name.split("_")[1][:3] for name in CLASS_NAMES]
    header = f"{'corpus':<14}{'utts':>8}{'hours':>8}{'spk':>6}  {'train/val/test':<18}" + "".join(
        f"{name:>8}" for name in short
    )
    lines.append(header)
    lines.append("-" * len(header))
    rows = list(stats["corpora"].items()) + [("TOTAL", stats["total"])]
    for corpus, entry in rows:
        per_split = entry.get("splits") or stats["splits"]
        counts = "/".join(str(per_split.get(split, {}).get("utterances", 0)) for split in SPLITS)
        lines.append(
            f"{corpus:<14}{entry['utterances']:>8}{entry['hours']:>8.2f}{entry['speakers']:>6}  {counts:<18}"
            + "".join(f"{entry['classes'][name]:>8}" for name in CLASS_NAMES)
        )
    lines.append(f"classes: {', '.join(f'{s}={n}' for s, n in zip(short, CLASS_NAMES))}")
    durations = stats.get("durations")
    if durations:
        lines.append(f"durations: min {durations['min']} s, mean {durations['mean']} s, max {durations['max']} s")
        if durations.get("long"):
            lines.append(
                f"warning: {durations['long']} utterances are longer than {LONG_UTTERANCE_SECONDS:g} s (longest: "
                f"{durations['longest']}, {durations['max']} s); build with `--max-duration S` to skip them"
            )
    if info:
        lines.append("")
        lines.append("split methods:")
        for corpus, meta in info.items():
            lines.append(f"  {corpus}: {meta.get('split_method', '?')} ({meta.get('split_details', '')})")
            for warning in meta.get("warnings", []):
                lines.append(f"    warning: {warning}")
    skipped = stats.get("skipped", [])
    lines.append("")
    lines.append(f"skipped files: {len(skipped)}")
    if skipped:
        by_reason = Counter((entry["corpus"], entry["stage"]) for entry in skipped)
        for (corpus, stage), count in sorted(by_reason.items()):
            lines.append(f"  {corpus} [{stage}]: {count}")
        listed: Counter = Counter()
        for entry in skipped:
            key = (entry["corpus"], entry["stage"])
            listed[key] += 1
            if max_listed is None or listed[key] <= max_listed:
                lines.append(f"    {entry['corpus']}: {entry['path']}: {entry['reason']}")
        for key, count in sorted(listed.items()):
            if max_listed is not None and count > max_listed:
                lines.append(f"    {key[0]} [{key[1]}]: {count - max_listed} more, listed in {STATS_FILE}")
    return "\n".join(lines)


def plot_stats(dataset_dir: str | os.PathLike, output_dir: str | os.PathLike | None = None) -> list[Path]:
    """
    Draws `class_distribution.png` (utterances per class, stacked per corpus) and `duration_histogram.png`
    (utterance durations per split) with matplotlib's Agg backend.

    Args:
        dataset_dir (`str` or `os.PathLike`): A saved EmoSet++ folder.
        output_dir (`str` or `os.PathLike`, *optional*): Where to write the PNGs; defaults to `dataset_dir`.

    Returns:
        `list[Path]` of the written files.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dataset_dir = Path(dataset_dir)
    output_dir = Path(output_dir) if output_dir is not None else dataset_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    dataset = load_from_disk(str(dataset_dir))
    stats = compute_stats(dataset)
    written = []

    corpora = list(stats["corpora"])
    figure, axis = plt.subplots(figsize=(max(6.0, 1.2 + 0.45 * len(corpora)), 4.5))
    bottom = [0] * len(corpora)
    colors = plt.get_cmap("tab10").colors
    for index, name in enumerate(CLASS_NAMES):
        values = [stats["corpora"][corpus]["classes"][name] for corpus in corpora]
        axis.bar(corpora, values, bottom=bottom, label=name, color=colors[index % len(colors)])
        bottom = [b + v for b, v in zip(bottom, values)]
    axis.set_ylabel("utterances")
    axis.set_title(f"EmoSet++ class distribution ({stats['total']['utterances']} utterances)")
    axis.legend(fontsize=8)
    axis.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    written.append(_save(figure, output_dir / "class_distribution.png"))
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(6.0, 4.0))
    values = {split: list(dataset[split].select_columns(["duration"])["duration"]) for split in dataset}
    edges = np.histogram_bin_edges([d for split_values in values.values() for d in split_values] or [0.0], bins=40)
    for split, split_values in values.items():
        if split_values:
            axis.hist(split_values, bins=edges, alpha=0.6, label=f"{split} ({len(split_values)})")
    axis.set_xlabel("duration (s)")
    axis.set_ylabel("utterances")
    axis.set_title("EmoSet++ utterance durations")
    axis.legend(fontsize=8)
    figure.tight_layout()
    written.append(_save(figure, output_dir / "duration_histogram.png"))
    plt.close(figure)
    return written


def _save(figure, path: Path) -> Path:
    """Saves a figure atomically (temporary file + rename)."""
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.png")
    figure.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    return path
