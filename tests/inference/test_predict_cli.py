"""`exhubert predict`: output files (CSV / JSONL schema), summaries and exit codes."""

import csv
import json

import pytest

from exhubert import EXHUBERT_LABELS
from exhubert.cli.main import main

PROBABILITY_COLUMNS = [f"prob_{label}" for label in EXHUBERT_LABELS]


def test_csv_output_with_windows_and_a_failing_file(tiny_exhubert_dir, recordings, tmp_path, capsys):
    output = tmp_path / "out" / "predictions.csv"
    argv = ["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), str(recordings["corrupt"])]
    code = main(argv + ["--window", "1.0", "--hop", "0.5", "--output", str(output), "--no-progress"])
    assert code == 1  # one input failed
    captured = capsys.readouterr()
    assert f"failed: {recordings['corrupt']}" in captured.err and "1 of 2 inputs failed" in captured.err

    with open(output, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["file", "window", "start", "end", "label", "arousal", "valence"] + PROBABILITY_COLUMNS + [
        "error"
    ]
    clip, windows, failed = rows[0], rows[1:-1], rows[-1]
    assert clip["file"] == str(recordings["stereo"]) and clip["window"] == "" and float(clip["end"]) == 1.5
    assert [w["window"] for w in windows] == ["0", "1"] and [float(w["start"]) for w in windows] == [0.0, 0.5]
    for row in [clip, *windows]:
        assert sum(float(row[column]) for column in PROBABILITY_COLUMNS) == pytest.approx(1.0, abs=1e-5)
        assert row["label"] in EXHUBERT_LABELS and 0 <= float(row["arousal"]) <= 1 and row["error"] == ""
    assert failed["file"] == str(recordings["corrupt"]) and "cannot decode" in failed["error"]
    assert failed["label"] == "" and failed[PROBABILITY_COLUMNS[0]] == ""
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".")]  # written atomically


def test_jsonl_output_and_success_exit_code(tiny_exhubert_dir, recordings, tmp_path):
    output = tmp_path / "predictions.jsonl"
    code = main(["predict", str(tiny_exhubert_dir), str(recordings["root"] / "sub"), "--output", str(output)])
    assert code == 0
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(lines) == 1
    result = lines[0]
    assert set(result) == {"source", "duration", "label", "probabilities", "arousal", "valence", "windows", "error"}
    assert result["source"] == str(recordings["rate_8k"]) and result["windows"] == [] and result["error"] is None
    assert list(result["probabilities"]) == list(EXHUBERT_LABELS)


def test_summary_on_stdout(tiny_exhubert_dir, recordings, capsys):
    assert main(["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), "--batch-size", "2"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(str(recordings["stereo"])) and "arousal=" in line and "valence=" in line


def test_usage_errors(tiny_exhubert_dir, recordings, tmp_path, capsys):
    assert main(["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), "--output", "x.txt"]) == 2
    assert "must end in .csv or .jsonl" in capsys.readouterr().err
    assert main(["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), "--hop", "1"]) == 2
    assert main(["predict", str(tmp_path / "no-model"), str(recordings["stereo"])]) == 2
