"""EmoSet++ statistics: counts from the data, the printed report and the PNG plots."""

import json

from datasets import Dataset, load_from_disk

from exhubert.data.labels import CLASS_NAMES
from exhubert.data.splits import SPLITS
from exhubert.data.stats import compute_stats, format_stats, load_stats, plot_stats


def test_compute_stats_matches_the_data(emoset_build):
    dataset = load_from_disk(str(emoset_build["dir"]))
    stats = compute_stats(dataset)
    assert stats["total"]["utterances"] == sum(len(dataset[s]) for s in SPLITS)
    for corpus, entry in stats["corpora"].items():
        for split in SPLITS:
            rows = dataset[split].select_columns(["corpus", "label", "duration", "speaker"])[:]
            mine = [i for i, c in enumerate(rows["corpus"]) if c == corpus]
            sub = entry["splits"][split]
            assert sub["utterances"] == len(mine)
            assert sub["speakers"] == len({rows["speaker"][i] for i in mine})
            assert abs(sub["hours"] - sum(rows["duration"][i] for i in mine) / 3600) < 1e-3
            for class_id, name in enumerate(CLASS_NAMES):
                assert sub["classes"][name] == sum(rows["label"][i] == class_id for i in mine)
    assert sum(e["utterances"] for e in stats["corpora"].values()) == stats["total"]["utterances"]
    assert stats["durations"]["max"] <= 10.0


def test_report_lists_corpora_methods_and_skips(emoset_build):
    stats = load_stats(emoset_build["dir"])
    text = format_stats(stats)
    for corpus in emoset_build["corpora"]:
        assert f"\n{corpus}" in text
        assert f"  {corpus}: speaker-independent" in text
    assert "TOTAL" in text
    assert f"skipped files: {len(stats['skipped'])}" in text
    assert "too long: 12.0 s > --max-duration 10 s" in text
    assert "gen [decode]: 2" in text
    saved = json.loads((emoset_build["dir"] / "stats.json").read_text())
    assert saved["total"] == stats["total"]


def test_plots_are_written(emoset_build, tmp_path):
    paths = plot_stats(emoset_build["dir"], tmp_path / "plots")
    assert sorted(p.name for p in paths) == ["class_distribution.png", "duration_histogram.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_long_utterances_are_reported():
    rows = {"label": [0, 1, 1], "corpus": ["a", "a", "b"], "duration": [2.0, 45.5, 31.0], "id": ["a/x", "a/y", "b/z"]}
    stats = compute_stats(Dataset.from_dict(rows))
    assert stats["durations"] == {"min": 2.0, "mean": 26.167, "max": 45.5, "longest": "a/y", "long": 2}
    text = format_stats(stats)
    assert "warning: 2 utterances are longer than 30 s (longest: a/y, 45.5 s)" in text and "--max-duration" in text
    assert "warning" not in format_stats(compute_stats(Dataset.from_dict({"label": [0], "duration": [3.0]})))
