"""Tests of the corpus scripts in `dataset_scripts/`: generated miniature trees for every script, and real clips."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from corpus_miniatures import GENERATORS, container_bytes, emofilm
from data.emoset_files import SHARED_DATA, shared_corpus
from datasets import load_from_disk

import dataset_scripts
from dataset_scripts import get_script
from exhubert.data.builder import build_emoset
from exhubert.data.corpus import CorpusScript
from exhubert.data.labels import LabelTable
from exhubert.data.splits import speaker_overlap

CATALOG = SHARED_DATA.parent / "emoset" / "catalog.csv"
LABELS = SHARED_DATA.parent / "emoset" / "labels.csv"
SCRIPTED = [c for c in dataset_scripts.available_corpora() if c != "manifest"]
ISO_639_1 = set(
    "aa ab af ak am ar as ay az be bg bn bo br bs ca cs cy da de dv dz el en eo es et eu fa fi "
    "fj fo fr fy ga gd gl gn gu ha he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ku ky la "
    "lb lo lt lv mg mi mk ml mn mr ms mt my nb ne nl nn no ny oc or pa pl ps pt qu ro ru rw sd "
    "si sk sl sm sn so sq sr st su sv sw ta te tg th ti tk tl tn to tr ts tt ug uk ur uz vi wo "
    "xh yi yo zh zu".split()
)


def read_shared_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        pytest.skip(f"{path} is not available (it lives in the shared/ folder)")
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def miniatures(tmp_path_factory):
    """Every generator's miniature tree, built once (corpus id -> Miniature)."""
    return {cid: gen(tmp_path_factory.mktemp(cid).resolve()) for cid, gen in GENERATORS.items()}


@pytest.fixture(scope="module")
def scans(miniatures):
    """The scan of every miniature tree (corpus id -> CorpusScan)."""
    return {cid: get_script(cid).scan(m.root) for cid, m in miniatures.items()}


def test_every_script_has_a_miniature():
    assert set(SCRIPTED) == set(GENERATORS), "each corpus script needs a generator in corpus_miniatures.py"


@pytest.mark.parametrize("corpus_id", SCRIPTED)
def test_script_attributes(corpus_id):
    script = get_script(corpus_id)
    assert isinstance(script, CorpusScript)
    assert script.corpus_id == corpus_id
    assert script.name and script.citation and script.homepage.startswith("http")
    assert script.label_set and len(set(script.label_set)) == len(script.label_set)
    assert script.languages and set(script.languages) <= ISO_639_1
    assert script.audio_extensions and all(e.startswith(".") for e in script.audio_extensions)
    re.compile(script.file_pattern)
    # No script here has an official split that separates speakers (ESD's and MELD's do not).
    assert script.official_split_speaker_independent is False
    if script.speaker_ids:
        assert len(set(script.speaker_ids)) == len(script.speaker_ids) == script.expected_speakers


def leading_number(text: str) -> int | None:
    """The count a catalog cell starts with (`"3000 (EmoBox: 2838)"` -> 3000), `None` for `unknown`."""
    match = re.match(r"\d+", text)
    return int(match.group()) if match else None


@pytest.mark.parametrize("corpus_id", SCRIPTED)
def test_script_matches_catalog_and_label_list(corpus_id):
    catalog = {row["corpus_id"]: row for row in read_shared_csv(CATALOG)}
    script, entry = get_script(corpus_id), catalog[corpus_id]
    assert set(script.languages) == set(entry["languages"].split("|"))
    assert script.expected_files == leading_number(entry["n_utterances"])
    if script.expected_speakers is not None:
        assert script.expected_speakers == leading_number(entry["n_speakers"])
    assert script.has_official_split == entry["official_split"].startswith("official")
    raw_labels = {row["raw_label"] for row in read_shared_csv(LABELS) if row["corpus_id"] == corpus_id}
    assert set(script.label_set) == raw_labels


@pytest.mark.parametrize("corpus_id", sorted(GENERATORS))
def test_miniature_is_parsed(corpus_id, miniatures, scans):
    miniature, scan = miniatures[corpus_id], scans[corpus_id]
    found = {Path(e.path).relative_to(miniature.root).as_posix(): e for e in scan.examples}
    assert set(found) == set(miniature.expected)
    for relative, fields in miniature.expected.items():
        example = found[relative]
        for name, value in fields.items():
            assert getattr(example, name) == value, f"{relative}: {name}"
        assert example.language in get_script(corpus_id).languages
        assert example.gender in (None, "female", "male", "child")
    ids = [e.id for e in scan.examples]
    assert len(set(ids)) == len(ids) and all(ids)


@pytest.mark.parametrize("corpus_id", sorted(GENERATORS))
def test_miniature_skips_are_reported(corpus_id, miniatures, scans):
    miniature, scan = miniatures[corpus_id], scans[corpus_id]
    reasons = dict(scan.skipped)
    assert len(reasons) == len(scan.skipped), "a file is skipped twice"
    expected_skips = miniature.unparseable + miniature.unknown_label
    assert set(reasons) == {str(miniature.root / r) for r in expected_skips}
    for relative in miniature.unknown_label:
        assert "label" in reasons[str(miniature.root / relative)]
    for relative in miniature.unparseable:
        assert reasons[str(miniature.root / relative)].strip()
    for relative in miniature.ignored:
        assert str(miniature.root / relative) not in reasons


@pytest.mark.parametrize("corpus_id", sorted(GENERATORS))
def test_miniature_warns_about_the_partial_copy(corpus_id, scans):
    (warning,) = [w for w in scans[corpus_id].warnings if "partial copy" in w]
    script = get_script(corpus_id)
    found = {e.speaker for e in scans[corpus_id].examples}
    missing = [speaker for speaker in script.speaker_ids if speaker not in found]
    assert (f"speakers (no file of {', '.join(missing)})" in warning) == bool(missing)
    for speaker, reason in [(e, r) for e, r in scans[corpus_id].skipped if "documented" in r]:
        assert script.name in reason and "speaker" in reason, speaker


@pytest.mark.parametrize("corpus_id", SCRIPTED)
def test_missing_or_empty_root(corpus_id, tmp_path):
    script = get_script(corpus_id)
    with pytest.raises(FileNotFoundError, match=corpus_id):
        script.scan(tmp_path / "does-not-exist")
    with pytest.raises(ValueError, match="no usable utterance"):
        script.scan(tmp_path)


def test_cremad_without_demographics_warns(tmp_path, miniatures):
    clip = "AudioWAV/1001_DFA_ANG_XX.wav"
    (tmp_path / "AudioWAV").mkdir()
    (tmp_path / clip).write_bytes((miniatures["cremad"].root / clip).read_bytes())
    scan = get_script("cremad").scan(tmp_path)
    assert [e.gender for e in scan.examples] == [None]
    assert any("VideoDemographics.csv" in w for w in scan.warnings)


def test_emofilm_without_legend_warns(tmp_path):
    miniature = emofilm(tmp_path.resolve(), legend=False)
    scan = get_script("emofilm").scan(miniature.root)
    assert {e.speaker for e in scan.examples} == {None}
    assert any("legend" in w for w in scan.warnings)


def test_meld_missing_split_warns(tmp_path, miniatures):
    root = miniatures["meld"].root
    copy = tmp_path / "meld"
    (copy / "train" / "train_splits").mkdir(parents=True)
    (copy / "train_sent_emo.csv").write_bytes((root / "train_sent_emo.csv").read_bytes())
    clip = "train/train_splits/dia0_utt0.mp4"
    (copy / clip).write_bytes((root / clip).read_bytes())
    scan = get_script("meld").scan(copy)
    assert [e.split for e in scan.examples] == ["train"]
    assert any("dev_sent_emo.csv not found" in w for w in scan.warnings)
    assert any("test_sent_emo.csv not found" in w for w in scan.warnings)


@pytest.mark.parametrize("extension", [".avi", ".mp4"])
def test_miniature_containers_decode(extension, tmp_path):
    from exhubert.data.audio import load_audio

    path = tmp_path / f"clip{extension}"
    path.write_bytes(container_bytes(extension))
    audio = load_audio(path)
    assert audio.ndim == 1 and 1000 < audio.shape[0] < 2400


def test_real_ravdess():
    scan = get_script("ravdess").scan(shared_corpus("ravdess"))
    assert len(scan.examples) == 192 and not scan.skipped
    assert Counter(e.raw_label for e in scan.examples) == {f"0{i}": 24 for i in range(1, 9)}
    speakers = Counter(e.speaker for e in scan.examples)
    assert len(speakers) == 24 and set(speakers.values()) == {8}
    assert all(e.gender == ("male" if int(e.speaker) % 2 else "female") for e in scan.examples)
    assert all(e.text == "Kids are talking by the door" for e in scan.examples)
    assert scan.warnings == ["ravdess: partial copy: 192 of 1440 utterances."]


def test_real_savee():
    scan = get_script("savee").scan(shared_corpus("savee"))
    assert len(scan.examples) == 140 and not scan.skipped
    assert Counter(e.raw_label for e in scan.examples) == dict.fromkeys(["a", "d", "f", "h", "n", "sa", "su"], 20)
    assert Counter(e.speaker for e in scan.examples) == dict.fromkeys(["DC", "JE", "JK", "KL"], 35)
    assert {e.gender for e in scan.examples} == {"male"}
    assert scan.warnings == ["savee: partial copy: 140 of 480 utterances."]


def test_real_urdu():
    scan = get_script("urdu").scan(shared_corpus("urdu"))
    assert len(scan.examples) == 400 and not scan.skipped and not scan.warnings
    assert Counter(e.raw_label for e in scan.examples) == dict.fromkeys(["Angry", "Happy", "Neutral", "Sad"], 100)
    speakers = Counter(e.speaker for e in scan.examples)
    assert len(speakers) == 29 and speakers["SM5"] == 80 and speakers["SF10"] == 2
    assert {e.speaker for e in scan.examples if e.gender == "female"} == {s for s in speakers if s.startswith("SF")}
    labels_per_speaker = {s: {e.raw_label for e in scan.examples if e.speaker == s} for s in speakers}
    assert {s for s, labels in labels_per_speaker.items() if len(labels) > 1} == {"SM3", "SM5", "SM6"}


def test_every_miniature_builds_into_emoset(miniatures, scans, tmp_path):
    """All scripts at once through the builder: labels mapped, audio decoded, official splits kept, no speaker leak."""
    table = LabelTable.load()
    build_emoset({cid: m.root for cid, m in miniatures.items()}, tmp_path / "emoset")
    dataset = load_from_disk(str(tmp_path / "emoset"))
    info = json.loads((tmp_path / "emoset" / "stats.json").read_text())["corpus_info"]
    assert set(info) == set(miniatures)
    rows = {}
    for split in dataset:
        for row in dataset[split].remove_columns("audio"):
            rows[row["id"]] = {**row, "split": split}
    for corpus_id, scan in scans.items():
        kept = [e for e in scan.examples if not table.lookup(corpus_id, e.raw_label).excluded]
        built = {f"{corpus_id}/{e.id}": e for e in kept}
        assert {i for i in rows if i.split("/", 1)[0] == corpus_id} == set(built), corpus_id
        for identifier, example in built.items():
            row = rows[identifier]
            assert row["official_split"] == example.split and row["raw_label"] == example.raw_label
            assert row["language"] == example.language and row["duration"] > 0.04, identifier
        speakers = [rows[i]["speaker"] for i in built]
        splits = [rows[i]["split"] for i in built]
        if len({s for s in speakers if s is not None}) >= 3:
            assert info[corpus_id]["split_method"] == "speaker-independent"
            assert speaker_overlap(speakers, splits) == {}, corpus_id
    segment = rows["iemocap/Ses02M_script01_1_F004"]
    assert abs(segment["duration"] - 1.0) < 0.01
