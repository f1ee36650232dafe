"""Split assignment: speaker independence, class coverage, determinism, official splits, utterance fallbacks."""

import re
from collections import Counter

import numpy as np
import pytest

from exhubert.data.splits import (
    SPLITS,
    assign_splits,
    normalize_split_name,
    speaker_independent_split,
    speaker_overlap,
    utterance_split,
)

from .emoset_files import shared_corpus


def synthetic(n_speakers=30, per_speaker=20, classes=6, seed=0):
    rng = np.random.default_rng(seed)
    speakers, labels = [], []
    for s in range(n_speakers):
        for _ in range(per_speaker):
            speakers.append(f"spk{s}")
            labels.append(int(rng.integers(classes)))
    return speakers, labels


def classes_per_split(labels, splits):
    found = {name: set() for name in SPLITS}
    for label, split in zip(labels, splits):
        found[split].add(label)
    return found


def test_speaker_independent_split_ratios_coverage_and_determinism():
    speakers, labels = synthetic()
    result = assign_splits(speakers, labels, seed=3, salt="synthetic")
    assert result.method == "speaker-independent"
    assert speaker_overlap(speakers, result.splits) == {}
    spk = {name: {s for s, x in zip(speakers, result.splits) if x == name} for name in SPLITS}
    assert [len(spk[name]) for name in SPLITS] == [24, 3, 3]
    assert all(found == set(range(6)) for found in classes_per_split(labels, result.splits).values())
    assert assign_splits(speakers, labels, seed=3, salt="synthetic").splits == result.splits
    assert assign_splits(speakers, labels, seed=4, salt="synthetic").splits != result.splits
    assert assign_splits(speakers, labels, seed=3, salt="other").splits != result.splits
    assert "train 480 utt / 24 spk" in result.details


def test_class_coverage_when_speakers_hold_few_classes():
    # each speaker has a single class except two; covering all classes needs the right speakers
    speakers = [f"a{i}" for i in range(12) for _ in range(5)] + ["mix1"] * 4 + ["mix2"] * 4
    labels = [i % 4 for i in range(12) for _ in range(5)] + [0, 1, 2, 3] * 2
    splits = speaker_independent_split(speakers, labels, seed=0)
    assert speaker_overlap(speakers, splits) == {}
    assert all(found == {0, 1, 2, 3} for found in classes_per_split(labels, splits).values())


def test_urdu_file_names_split_speaker_independently():
    files = sorted(shared_corpus("urdu").rglob("*.wav"))
    speakers = [re.match(r"(S[MF]\d+)_", path.name).group(1) for path in files]
    labels = [path.parent.name for path in files]
    result = assign_splits(speakers, labels, salt="urdu")
    assert speaker_overlap(speakers, result.splits) == {}
    assert all(found == set(labels) for found in classes_per_split(labels, result.splits).values())


def test_official_split_policies():
    speakers, labels = synthetic(n_speakers=10, per_speaker=10)
    independent = ["test" if s in ("spk0", "spk1") else "train" for s in speakers]
    result = assign_splits(speakers, labels, independent, official_speaker_independent=True)
    assert result.method == "official (speaker-independent)"
    assert [x for x, o in zip(result.splits, independent) if o == "test"] == ["test"] * 20
    assert Counter(result.splits)["validation"] > 0
    assert speaker_overlap(speakers, result.splits) == {}
    assert "validation speakers taken from the official train split" in result.details

    per_speaker = ["train", "train", "train", "train", "train", "train", "train", "train", "dev", "test"] * 10
    result = assign_splits(speakers, labels, per_speaker)
    assert result.method == "speaker-independent"
    assert speaker_overlap(speakers, result.splits) == {}
    assert "not speaker-independent" in result.details

    result = assign_splits(speakers, labels, per_speaker, official_speaker_independent=True)
    assert result.method == "speaker-independent"
    assert "declared speaker-independent but 10 speakers" in result.details

    result = assign_splits(speakers, labels, per_speaker, policy="official")
    assert result.method == "official"
    assert result.splits == [normalize_split_name(x) for x in per_speaker]

    partial = per_speaker[:-1] + [None]
    result = assign_splits(speakers, labels, partial, policy="official")
    assert result.method == "speaker-independent" and "official split ignored" in result.details


def test_utterance_fallbacks():
    labels = [i % 3 for i in range(60)]
    result = assign_splits([None] * 60, labels, seed=1)
    assert result.method == "utterance (no speaker information)"
    counts = Counter(result.splits)
    assert counts == {"train": 48, "validation": 6, "test": 6}
    assert all(found == {0, 1, 2} for found in classes_per_split(labels, result.splits).values())
    assert result.splits == utterance_split(labels, seed=1)

    two = assign_splits(["a", "b"] * 30, labels)
    assert two.method == "utterance (fewer than 3 speakers)"
    assert "only 2 speaker(s)" in two.details


def test_unknown_speakers_are_placed_individually():
    speakers, labels = synthetic(n_speakers=10, per_speaker=6)
    speakers[:3] = [None, None, None]
    result = assign_splits(speakers, labels)
    assert result.method == "speaker-independent"
    assert speaker_overlap(speakers, result.splits) == {}
    assert "3 utterances without speaker" in result.details


def test_split_names_and_bad_arguments():
    assert normalize_split_name(" Dev ") == "validation"
    assert normalize_split_name("training") == "train"
    assert normalize_split_name("") is None
    with pytest.raises(ValueError, match="Unknown split name"):
        normalize_split_name("holdout")
    with pytest.raises(ValueError, match="split policy"):
        assign_splits(["a"], [0], policy="random")
    with pytest.raises(ValueError, match="ratios"):
        utterance_split([0, 1], ratios=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="at least 3 speakers"):
        speaker_independent_split(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="one entry per utterance"):
        assign_splits(["a", "b"], [0])
