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
    assert f"1 of 2 inputs failed; see the error column of {output}" in capsys.readouterr().err

    with open(output, newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = ["file", "window", "start", "end", "label", "arousal", "valence", *PROBABILITY_COLUMNS, "error"]
    assert list(rows[0]) == columns
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
    argv = ["predict", str(tiny_exhubert_dir), str(recordings["root"] / "sub"), "--output", str(output)]
    assert main(argv) == 0
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(lines) == 1
    result = lines[0]
    assert set(result) == {"source", "duration", "label", "probabilities", "arousal", "valence", "windows", "error"}
    assert result["source"] == str(recordings["rate_8k"]) and result["windows"] == [] and result["error"] is None
    assert list(result["probabilities"]) == list(EXHUBERT_LABELS)

    assert main(argv + ["--window", "1.0", "--hop", "0.5"]) == 0
    windows = json.loads(output.read_text())["windows"]
    assert [(w["start"], w["end"]) for w in windows] == [(0.0, 1.0), (0.25, 1.25)]  # the last one ends at the end
    for window in windows:
        assert set(window) == {"start", "end", "label", "probabilities", "arousal", "valence"}
        assert list(window["probabilities"]) == list(EXHUBERT_LABELS)


def test_summary_on_stdout(tiny_exhubert_dir, recordings, capsys):
    paths = [str(recordings["stereo"]), str(recordings["empty"])]
    assert main(["predict", str(tiny_exhubert_dir), *paths, "--batch-size", "2"]) == 1
    captured = capsys.readouterr()
    classified, failed = captured.out.strip().splitlines()
    assert classified.startswith(paths[0]) and "arousal=" in classified and "valence=" in classified
    assert failed.startswith(f"{paths[1]}  FAILED  ") and "empty" in failed
    assert "1 of 2 inputs failed; see the FAILED lines on stdout" in captured.err


@pytest.mark.parametrize("family", ["hubert", "wav2vec2"])
def test_plain_transformers_checkpoints(family, recordings, tmp_path, capsys):
    """Any Hubert/Wav2Vec2-family classifier directory works, even without a preprocessor_config.json."""
    from transformers import (
        HubertConfig,
        HubertForSequenceClassification,
        Wav2Vec2Config,
        Wav2Vec2ForSequenceClassification,
    )

    from exhubert.utils import tiny_hubert_kwargs

    labels = {0: "negative", 1: "neutral", 2: "positive"}
    config_class, model_class = {
        "hubert": (HubertConfig, HubertForSequenceClassification),
        "wav2vec2": (Wav2Vec2Config, Wav2Vec2ForSequenceClassification),
    }[family]
    model_class(config_class(**tiny_hubert_kwargs(), id2label=labels)).save_pretrained(tmp_path / family)
    output = tmp_path / "out.jsonl"
    argv = ["predict", str(tmp_path / family), str(recordings["rate_44k"]), str(recordings["mp3"])]
    assert main(argv + ["--output", str(output), "--no-progress"]) == 0
    results = [json.loads(line) for line in output.read_text().splitlines()]
    for result in results:
        assert list(result["probabilities"]) == ["negative", "neutral", "positive"]
        assert result["arousal"] is None and 0.0 <= result["valence"] <= 1.0


def test_usage_errors(tiny_exhubert_dir, recordings, tmp_path, capsys):
    assert main(["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), "--output", "x.txt"]) == 2
    assert "must end in .csv or .jsonl" in capsys.readouterr().err
    assert main(["predict", str(tiny_exhubert_dir), str(recordings["stereo"]), "--hop", "1"]) == 2
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "no-model"), str(recordings["stereo"])]) == 2
    assert f"{tmp_path / 'no-model'} not found: it is neither a directory nor a Hub id" in capsys.readouterr().err
    (tmp_path / "empty-model").mkdir()
    assert main(["predict", str(tmp_path / "empty-model"), str(recordings["stereo"])]) == 2
    assert "empty-model has no config.json: pass a model directory" in capsys.readouterr().err
