"""EmoSet++ builder: features, decode-once, skips with reasons, speaker independence, atomic output, bad inputs."""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from datasets import load_from_disk

from exhubert.data.audio import load_audio
from exhubert.data.builder import build_emoset, emoset_features, plan_emoset, split_by_corpus
from exhubert.data.labels import CLASS_NAMES, UnmappedLabelError
from exhubert.data.splits import SPLITS, speaker_overlap

from .emoset_files import shared_corpus, write_label_map, write_manifest, write_tone


def _rows(dataset, columns=("id", "corpus", "speaker", "label", "duration", "official_split")):
    return dataset.select_columns(list(columns))[:]


def test_round_trip_features_and_ids(emoset_build, generated_corpus):
    loaded = load_from_disk(str(emoset_build["dir"]))
    assert list(loaded) == list(SPLITS) and all(loaded[split].split == split for split in SPLITS)
    assert loaded["train"].features == emoset_features()
    assert loaded["train"].features["label"].names == list(CLASS_NAMES)
    ids = [i for split in SPLITS for i in loaded[split]["id"]]
    assert len(ids) == len(set(ids))
    corpora = {i.split("/", 1)[0] for i in ids}
    assert corpora == set(emoset_build["corpora"])
    gen = [i for i in ids if i.startswith("gen/")]
    assert len(gen) == generated_corpus["good"]
    row = loaded["train"][0]
    audio = row["audio"]
    assert audio["sampling_rate"] == 16000
    assert abs(len(audio["array"]) / 16000 - row["duration"]) < 1e-3


def test_decode_once_and_stored_audio_is_the_decoded_audio(emoset_build, generated_corpus):
    counter = emoset_build["counter"]
    assert counter.calls and set(counter.calls.values()) == {1}
    kept = sum(len(emoset_build["dataset"][split]) for split in SPLITS)
    decode_skips = sum(1 for stage in generated_corpus["skips"].values() if stage in ("decode", "duration"))
    assert len(counter.calls) == kept + decode_skips
    loaded = load_from_disk(str(emoset_build["dir"]))
    by_name = {}
    for split in SPLITS:
        for index, identifier in enumerate(loaded[split]["id"]):
            by_name[identifier] = (split, index)
    for kind, path in generated_corpus["special"].items():
        expected = counter.outputs[str(path.resolve())]
        split, index = by_name[f"gen/{path.relative_to(generated_corpus['root']).with_suffix('').as_posix()}"]
        stored = loaded[split][index]["audio"]
        assert stored["sampling_rate"] == 16000
        np.testing.assert_array_equal(stored["array"], expected, err_msg=kind)
        assert abs(len(expected) / 16000 - 0.5) < 0.06, kind
    # The stereo file holds 0.3 and 0.15 x the same sine: the channel mean peaks at 0.225 (FFmpeg's downmix: 0.32).
    stereo = counter.outputs[str(generated_corpus["special"]["stereo44"].resolve())]
    assert abs(np.abs(stereo).max() - 0.225) < 0.01


def test_every_bad_file_is_recorded_with_a_reason(emoset_build, generated_corpus):
    stats = json.loads((emoset_build["dir"] / "stats.json").read_text())
    gen_skips = {Path(entry["path"]).name: entry for entry in stats["skipped"] if entry["corpus"] == "gen"}
    for name, stage in generated_corpus["skips"].items():
        assert name in gen_skips, name
        assert gen_skips[name]["stage"] == stage, name
        assert gen_skips[name]["reason"]
    assert "too long" in gen_skips["long.wav"]["reason"]
    assert "empty" in gen_skips["empty.wav"]["reason"]
    assert "excluded on purpose" in gen_skips["other.wav"]["reason"]
    assert "duplicate id" in gen_skips["s1_ang_0.wav"]["reason"]
    assert "file not found" in gen_skips["missing.wav"]["reason"]
    assert "gender" in gen_skips["badgender.wav"]["reason"]
    # nothing lost: every manifest row is either in the dataset or skipped
    kept = sum(1 for split in SPLITS for i in emoset_build["dataset"][split]["id"] if i.startswith("gen/"))
    assert kept + len([e for e in stats["skipped"] if e["corpus"] == "gen"]) == len(generated_corpus["rows"])


def test_zero_speaker_overlap_for_every_corpus(emoset_build):
    loaded = load_from_disk(str(emoset_build["dir"]))
    per_corpus = {}
    for split in SPLITS:
        rows = _rows(loaded[split])
        for corpus, speaker in zip(rows["corpus"], rows["speaker"]):
            per_corpus.setdefault(corpus, ([], []))
            per_corpus[corpus][0].append(speaker)
            per_corpus[corpus][1].append(split)
    stats = json.loads((emoset_build["dir"] / "stats.json").read_text())
    for corpus, (speakers, splits) in per_corpus.items():
        assert len({s for s in speakers if s}) >= 3
        assert stats["corpus_info"][corpus]["split_method"] == "speaker-independent"
        assert speaker_overlap(speakers, splits) == {}, corpus
        assert set(splits) == set(SPLITS), corpus


def test_corpora_losing_files_at_decode_are_split_again(emoset_build):
    loaded = load_from_disk(str(emoset_build["dir"]))
    info = json.loads((emoset_build["dir"] / "stats.json").read_text())["corpus_info"]
    for corpus, meta in info.items():
        counts = {split: loaded[split]["corpus"].count(corpus) for split in SPLITS}
        assert meta["planned_utterances"] == sum(counts.values()), corpus
        for split in SPLITS:
            assert f"{split} {counts[split]} utt" in meta["split_details"], (corpus, meta["split_details"])


def test_output_folder_has_card_stats_and_label_rows(emoset_build):
    directory = emoset_build["dir"]
    card = (directory / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["task_categories"] == ["audio-classification"]
    assert "gen" in card and "speaker-independent" in card
    stats = json.loads((directory / "stats.json").read_text())
    assert stats["total"]["utterances"] == sum(len(emoset_build["dataset"][s]) for s in SPLITS)
    assert stats["build"]["max_duration"] == 10.0 and stats["build"]["seed"] == 7
    table = (directory / "label_map.csv").read_text()
    assert "gen,oth" in table and "gen,ang" in table
    assert not any(p.name.startswith(".") for p in directory.iterdir())


def test_split_by_corpus(emoset_build):
    train = emoset_build["dataset"]["train"]
    parts = split_by_corpus(train)
    assert list(parts) == sorted(emoset_build["corpora"])
    assert sum(len(part) for part in parts.values()) == len(train)
    for corpus, part in parts.items():
        assert set(part["corpus"]) == {corpus}
    assert split_by_corpus(emoset_build["dataset"], split="test").keys() == parts.keys()
    with pytest.raises(ValueError, match="split="):
        split_by_corpus(emoset_build["dataset"])


def _small_manifest(root: Path, count: int = 6) -> Path:
    rows = []
    for index in range(count):
        path = write_tone(root / f"a{index}.wav", 0.2, frequency=300 + 10 * index)
        rows.append({"file": path.name, "label": ("ang", "neu", "hap")[index % 3], "speaker": f"p{index % 3}"})
    write_label_map(root / "labels.csv", "tiny", {"ang": 3, "neu": 1, "hap": 5})
    return write_manifest(root / "manifest.csv", rows)


@pytest.mark.parametrize("interruption", [RuntimeError, KeyboardInterrupt])
def test_failed_or_interrupted_build_leaves_no_output(tmp_path, monkeypatch, interruption):
    import exhubert.data.builder as builder

    manifest = _small_manifest(tmp_path / "tiny")
    calls = []

    def failing(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise interruption("simulated crash while decoding")
        return load_audio(path, *args, **kwargs)

    monkeypatch.setattr(builder, "load_audio", failing)
    output = tmp_path / "out" / "emoset"
    with pytest.raises(BaseException, match="simulated crash|generating the dataset"):
        build_emoset({"tiny": manifest}, output, label_map=tmp_path / "tiny" / "labels.csv")
    assert not output.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_existing_output_is_refused(tmp_path):
    manifest = _small_manifest(tmp_path / "tiny")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError, match="already exists"):
        build_emoset({"tiny": manifest}, tmp_path / "out", label_map=tmp_path / "tiny" / "labels.csv")


def test_bad_inputs_give_clear_errors(tmp_path):
    manifest = _small_manifest(tmp_path / "tiny")
    labels = tmp_path / "tiny" / "labels.csv"
    with pytest.raises(FileNotFoundError, match="ravdess"):
        plan_emoset({"ravdess": tmp_path / "nowhere"})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no usable utterance"):
        plan_emoset({"ravdess": tmp_path / "empty"})
    with pytest.raises(ValueError, match="No corpus script for 'mycorpus'.*--manifest mycorpus="):
        plan_emoset({"mycorpus": tmp_path / "empty"})
    with pytest.raises(ValueError, match="No corpus given"):
        plan_emoset({})
    with pytest.raises(ValueError, match="split policy"):
        plan_emoset({"tiny": manifest}, label_map=labels, split_policy="random")
    with pytest.raises(ValueError, match="max_duration"):
        build_emoset({"tiny": manifest}, tmp_path / "x", label_map=labels, max_duration=0)
    with pytest.raises(ValueError, match="No file could be decoded and kept: all 6 were skipped.*too long: 0.2 s"):
        build_emoset({"tiny": manifest}, tmp_path / "x", label_map=labels, max_duration=0.1)
    assert not (tmp_path / "x").exists()


def test_unknown_labels_error_lists_all_or_are_recorded(tmp_path):
    manifest = _small_manifest(tmp_path / "tiny")
    partial = write_label_map(tmp_path / "partial.csv", "tiny", {"ang": 3})
    with pytest.raises(UnmappedLabelError) as error:
        plan_emoset({"tiny": manifest}, label_map=partial)
    message = str(error.value)
    assert "tiny: 'hap' (2 files)" in message and "tiny: 'neu' (2 files)" in message
    assert "label_map.csv" in message and "--label-map" in message
    assert sorted(error.value.missing) == [("tiny", "hap"), ("tiny", "neu")]
    plans = plan_emoset({"tiny": manifest}, label_map=partial, unmapped="skip")
    assert len(plans[0].records) == 2
    assert Counter(entry["stage"] for entry in plans[0].skipped) == {"label": 4}


def test_duplicate_audio_across_corpora_is_recorded(tmp_path):
    manifest = _small_manifest(tmp_path / "tiny")
    write_label_map(tmp_path / "both.csv", "tiny", {"ang": 3, "neu": 1, "hap": 5})
    with (tmp_path / "both.csv").open("a") as handle:
        handle.write("twin,ang,anger,3,ok,test\ntwin,neu,neutral,1,ok,test\ntwin,hap,joy,5,ok,test\n")
    plans = plan_emoset({"tiny": manifest, "twin": manifest}, label_map=tmp_path / "both.csv")
    assert len(plans[0].records) == 6 and plans[1].records == []
    assert {entry["stage"] for entry in plans[1].skipped} == {"duplicate"}
    assert all("already included as 'tiny/" in entry["reason"] for entry in plans[1].skipped)


@pytest.mark.parametrize("corpus", ["ravdess", "savee", "urdu"])
def test_real_corpora_plan_speaker_independent(corpus):
    (plan,) = plan_emoset({corpus: shared_corpus(corpus)})
    speakers = [r["speaker"] for r in plan.records]
    splits = [r["split"] for r in plan.records]
    assert plan.split_method == "speaker-independent"
    assert speaker_overlap(speakers, splits) == {}
    for split in SPLITS:
        classes = {r["label"] for r in plan.records if r["split"] == split}
        assert classes == {r["label"] for r in plan.records}, (corpus, split)


@pytest.mark.slow
def test_parallel_build_matches_sequential(tmp_path):
    manifest = _small_manifest(tmp_path / "tiny", count=9)
    labels = tmp_path / "tiny" / "labels.csv"
    one = build_emoset({"tiny": manifest}, tmp_path / "one", label_map=labels, num_proc=1)
    two = build_emoset({"tiny": manifest}, tmp_path / "two", label_map=labels, num_proc=2, audio_format="int16")
    for split in SPLITS:
        assert one[split]["id"] == two[split]["id"]
        if len(one[split]):
            a, b = one[split][0]["audio"]["array"], two[split][0]["audio"]["array"]
            np.testing.assert_allclose(a, b, atol=1 / 32767)


def test_manifest_of_a_catalogued_corpus_uses_the_package_label_rows(tmp_path):
    rows = []
    for index, label in enumerate(["aggressive", "neutral", "tired", "cheerful"]):
        write_tone(tmp_path / f"abc{index}.wav", 0.2)
        rows.append({"file": f"abc{index}.wav", "label": label, "speaker": f"s{index % 2}", "language": "de"})
    (plan,) = plan_emoset({"abc": write_manifest(tmp_path / "abc.csv", rows)})
    assert [(r["raw_label"], r["label"]) for r in plan.records] == [
        ("aggressive", 3),
        ("neutral", 1),
        ("tired", 0),
        ("cheerful", 5),
    ]
    assert plan.split_method == "utterance (fewer than 3 speakers)"
