"""The generic manifest corpus: CSV/TSV/JSONL/JSON, relative paths, normalisation, per-row skips, clear errors."""

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dataset_scripts.manifest import ManifestCorpus, find_manifest, is_manifest_path, read_manifest


def _wav(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.zeros(1600, dtype=np.float32), 16000)
    return path


@pytest.fixture
def files(tmp_path):
    for name in ("a/one.wav", "a/two.wav", "b/three.wav", "b/four.wav"):
        _wav(tmp_path / name)
    return tmp_path


def test_csv_manifest_fields_and_relative_paths(files):
    absolute = str(files / "b" / "four.wav")
    (files / "list.csv").write_text(
        "File,Emotion,Speaker,Gender,Language,Text,Split,id\n"
        "a/one.wav,ang,s1,F,de,hallo,train,\n"
        "a/two.wav,neu,s2,male,de,,dev,u2\n"
        "b/three.wav,hap,s3,c,,,test,\n"
        f"{absolute},hap,s3,,,,test,\n"
    )
    script = ManifestCorpus("abc", language="en")
    scan = script.scan(files / "list.csv")
    assert scan.skipped == [] and scan.corpus_id == "abc"
    one, two, three, four = scan.examples
    assert one.path == str((files / "a/one.wav").resolve()) and one.id == "a/one"
    assert (one.raw_label, one.speaker, one.gender, one.language, one.text, one.split) == (
        "ang",
        "s1",
        "female",
        "de",
        "hallo",
        "train",
    )
    assert (two.id, two.gender, two.split, two.text) == ("u2", "male", "validation", None)
    assert (three.gender, three.language) == ("child", "en")
    assert four.path == absolute
    assert script.has_official_split and script.official_split_speaker_independent


def test_official_split_speaker_independence_is_detected(files):
    (files / "m.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"path": "a/one.wav", "label": "x", "speaker": "s1", "split": "train"},
                {"path": "a/two.wav", "label": "y", "speaker": "s1", "split": "train"},
                {"path": "b/three.wav", "label": "x", "speaker": "s2", "split": "test"},
            ]
        )
        + "\n\n"
    )
    script = ManifestCorpus("jsonl")
    scan = script.scan(files / "m.jsonl")
    assert len(scan.examples) == 3
    assert script.has_official_split and script.official_split_speaker_independent
    assert any("no language" in warning for warning in scan.warnings)
    assert {e.language for e in scan.examples} == {"und"}

    (files / "overlap.json").write_text(
        json.dumps(
            [
                {"file": "a/one.wav", "label": "x", "speaker": "s1", "split": "train"},
                {"file": "a/two.wav", "label": "y", "speaker": "s1", "split": "test"},
            ]
        )
    )
    script = ManifestCorpus("json")
    script.scan(files / "overlap.json")
    assert script.has_official_split and not script.official_split_speaker_independent


def test_bad_rows_are_skipped_with_line_numbers(files):
    (files / "manifest.tsv").write_text(
        "file\tlabel\tgender\tsplit\tstart\tend\n"
        "a/one.wav\tang\t\t\t\t\n"
        "a/missing.wav\tang\t\t\t\t\n"
        "a/two.wav\t\t\t\t\t\n"
        "b/three.wav\tang\trobot\t\t\t\n"
        "b/four.wav\tang\t\tholdout\t\t\n"
        "b/four.wav\tang\t\t\t2.0\t1.0\n"
        "b/four.wav\tang\t\t\t0.0\t0.05\n"
    )
    scan = ManifestCorpus("tsv").scan(files)
    reasons = [reason for _, reason in scan.skipped]
    assert len(scan.examples) == 2
    assert scan.examples[1].start == 0.0 and scan.examples[1].end == 0.05
    assert scan.examples[1].id == "b/four@0-0.05"
    expected = [
        "line 3: file not found",
        "line 4: empty label",
        "line 5: unknown gender",
        "line 6: Unknown split",
        "line 7: end 1.0 is not after start 2.0",
    ]
    assert len(reasons) == len(expected)
    for reason, fragment in zip(reasons, expected):
        assert fragment in reason


def test_manifest_errors(tmp_path, files):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ManifestCorpus("x").scan(tmp_path / "nope.csv")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no manifest"):
        ManifestCorpus("x").scan(tmp_path / "empty_dir")
    (files / "cols.csv").write_text("audio_path,emotion\na/one.wav,ang\n")
    with pytest.raises(ValueError, match="needs a file column"):
        ManifestCorpus("x").scan(files / "cols.csv")
    (files / "none.csv").write_text("file,label\nmissing.wav,ang\n")
    with pytest.raises(ValueError, match="no usable row.*file not found"):
        ManifestCorpus("x").scan(files / "none.csv")
    (files / "bad.jsonl").write_text('{"file": "a/one.wav", "label": "x"}\nnot json\n')
    with pytest.raises(ValueError, match="line 2: invalid JSON"):
        ManifestCorpus("x").scan(files / "bad.jsonl")
    with pytest.raises(ValueError, match="Invalid corpus name"):
        ManifestCorpus("my corpus")


def test_helpers(files):
    (files / "manifest.jsonl").write_text('{"file": "a/one.wav", "label": "x"}\n')
    assert find_manifest(files) == (files / "manifest.jsonl").resolve()
    assert is_manifest_path(files / "manifest.jsonl") and not is_manifest_path(files / "a")
    assert list(read_manifest(files / "manifest.jsonl")) == [(1, {"file": "a/one.wav", "label": "x"})]
