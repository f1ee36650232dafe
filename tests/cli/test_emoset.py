"""`exhubert emoset {labels, build, stats, push}` end to end (generated manifest corpus + real URDU clips)."""

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from data.emoset_files import shared_corpus
from datasets import load_from_disk

from exhubert.cli.main import main


def _corpus(root: Path) -> tuple[Path, Path]:
    """A manifest corpus `tiny`: 3 speakers x 2 labels, one stereo 44.1 kHz file and one 30 s file."""
    rows = []
    for speaker in ("p1", "p2", "p3"):
        for label in ("ang", "neu"):
            path = root / f"{speaker}_{label}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            sf.write(path, 0.1 * np.sin(np.arange(3200) / 7.0), 16000)
            rows.append(f"{path.name},{label},{speaker}")
    sf.write(root / "stereo.wav", 0.1 * np.ones((4410, 2)), 44100)
    sf.write(root / "long.wav", np.zeros(30 * 8000), 8000)
    rows += ["stereo.wav,ang,p1", "long.wav,neu,p2"]
    (root / "manifest.csv").write_text("file,label,speaker\n" + "\n".join(rows) + "\n")
    (root / "labels.csv").write_text("corpus_id,raw_label,emotion,class_id\ntiny,ang,anger,3\ntiny,neu,neutral,1\n")
    return root / "manifest.csv", root / "labels.csv"


def test_labels(capsys):
    assert main(["emoset", "labels"]) == 0
    out = capsys.readouterr().out
    assert "ravdess" in out and "high_negative" in out
    assert "distinct raw labels:" in out and "case-insensitive" in out and "106" in out
    assert main(["emoset", "labels", "--corpus", "ravdess", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["raw_label"] for row in rows] == ["01", "02", "03", "04", "05", "06", "07", "08"]
    assert main(["emoset", "labels", "--corpus", "iemocap"]) == 0
    out = capsys.readouterr().out
    assert "11 (corpus, raw label) rows in 1 corpora, 2 excluded on purpose." in out
    assert "distinct raw labels: 11 " in out
    assert main(["emoset", "labels", "--corpus", "nope"]) == 2
    assert "No label rows for nope" in capsys.readouterr().err


@pytest.mark.slow
def test_build_stats_push(tmp_path, capsys, monkeypatch):
    manifest, labels = _corpus(tmp_path / "tiny")
    urdu = tmp_path / "urdu"
    for folder in sorted(p for p in shared_corpus("urdu").iterdir() if p.is_dir()):
        first_per_speaker = {}
        for path in sorted(folder.glob("*.wav")):
            first_per_speaker.setdefault(path.name.split("_")[0], path)
        (urdu / folder.name).mkdir(parents=True)
        for path in list(first_per_speaker.values())[:4]:
            (urdu / folder.name / path.name).symlink_to(path)
    output = tmp_path / "emoset"
    code = main(
        ["emoset", "build", "--manifest", f"tiny={manifest}", "--corpus", f"urdu={urdu}", "--label-map", str(labels),
         "--output", str(output), "--max-duration", "10", "--seed", "1"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "\ntiny" in captured.out and "\nurdu" in captured.out and "TOTAL" in captured.out
    assert "skipped files: 1" in captured.out and "long.wav: too long: 30.0 s" in captured.out
    assert "urdu: speaker-independent" in captured.out
    dataset = load_from_disk(str(output))
    ids = [i for split in dataset for i in dataset[split]["id"]]
    assert "tiny/stereo" in ids and not any(i.endswith("long") for i in ids)
    assert json.loads((output / "stats.json").read_text())["build"]["seed"] == 1

    plots = tmp_path / "plots"
    assert main(["emoset", "stats", str(output), "--plots-dir", str(plots)]) == 0
    out = capsys.readouterr().out
    assert "TOTAL" in out and "class_distribution.png" in out
    assert (plots / "class_distribution.png").is_file() and (plots / "duration_histogram.png").is_file()

    import exhubert.hub.push as push

    calls = []
    monkeypatch.setattr(push, "push_dataset", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert main(["emoset", "push", str(output), "someone/emoset", "--private"]) == 0
    assert calls == [((str(output), "someone/emoset"), {"private": True, "token": None})]
    assert "someone/emoset" in capsys.readouterr().out

    assert main(["emoset", "build", "--manifest", f"tiny={manifest}", "--output", str(output)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_build_errors(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["emoset", "build", "--corpus", f"ravdess={missing}", "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "exhubert emoset: error:" in err and "does not exist" in err and "ravdess" in err
    assert main(["emoset", "build", "--manifest", f"x={missing}.csv", "--output", str(tmp_path / "o")]) == 2
    assert "Manifest of 'x' not found" in capsys.readouterr().err
    manifest, _ = _corpus(tmp_path / "tiny")
    args = ["emoset", "build", "--manifest", f"tiny={manifest}", "--output", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "tiny: 'ang' (4 files)" in err and "--label-map" in err
    assert main([*args, "--corpus", f"tiny={manifest}"]) == 2
    assert "given twice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["emoset", "build", "--corpus", "ravdess", "--output", str(tmp_path / "o")])
    assert "expected NAME=PATH" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    assert main(["emoset", "stats", str(tmp_path)]) == 2
    assert "not a saved EmoSet++" in capsys.readouterr().err
