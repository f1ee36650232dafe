"""Synthetic multi-corpus data: manifests for the manifest corpus script, the builder round trip, in-memory set."""

import csv

import numpy as np
import pytest

from exhubert import EXHUBERT_LABELS
from exhubert.data.synthetic import (
    LABEL_MAP_FILE,
    SyntheticChannel,
    generate_synthetic_corpora,
    make_speakers,
    synthesize_utterance,
    synthetic_emoset,
)


def test_arousal_raises_pitch_and_syllable_rate():
    rng = np.random.default_rng(0)
    speaker = make_speakers("x", 1, rng)[0]
    channel = SyntheticChannel(noise=0.0, lowpass=0.0, gain=0.5)

    def pitch(wave):
        spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
        return np.argmax(spectrum[10:]) + 10

    low = synthesize_utterance("low_neutral", speaker, channel, np.random.default_rng(1), 1.0)
    high = synthesize_utterance("high_neutral", speaker, channel, np.random.default_rng(1), 1.0)
    assert low.dtype == np.float32 and len(low) == 16000 and np.abs(high).max() <= 0.5 + 1e-6
    assert pitch(high) > 1.3 * pitch(low)
    with pytest.raises(ValueError, match="Unknown class"):
        synthesize_utterance("bored", speaker, channel, rng)


def test_generated_corpora_build_through_emoset_builder(tmp_path):
    corpora = generate_synthetic_corpora(tmp_path / "synth", num_corpora=2, speakers_per_corpus=3, clips_per_speaker=6)
    assert sorted(corpora) == ["synth_a", "synth_b"]
    with open(corpora["synth_a"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["file", "label", "speaker", "gender", "language"] and len(rows) == 18
    assert (corpora["synth_a"].parent / rows[0]["file"]).is_file()

    from exhubert.data.builder import build_emoset

    emoset = build_emoset(corpora, label_map=tmp_path / "synth" / LABEL_MAP_FILE, seed=0)
    train = emoset["train"]
    assert set(train["corpus"]) == {"synth_a", "synth_b"}
    assert train.features["label"].names == list(EXHUBERT_LABELS)
    raw_to_class = {raw: label for raw, label in zip(train["raw_label"], train["label"])}
    assert EXHUBERT_LABELS[raw_to_class["angry"]] == "high_negative"
    assert EXHUBERT_LABELS[raw_to_class["calm"]] == "low_positive"
    speakers = {split: set(emoset[split]["speaker"]) for split in emoset}
    assert not speakers["train"] & speakers["test"]


def test_in_memory_set_is_split_by_speaker():
    emoset = synthetic_emoset(num_corpora=2, speakers_per_corpus=3, clips_per_speaker=6, duration_range=(0.3, 0.4))
    assert {split: len(ds) for split, ds in emoset.items()} == {"train": 12, "validation": 12, "test": 12}
    assert not set(emoset["train"]["speaker"]) & set(emoset["test"]["speaker"])
    example = emoset["test"][0]
    assert example["audio"]["sampling_rate"] == 16000 and example["duration"] >= 0.3
    with pytest.raises(ValueError, match="no training speaker"):
        synthetic_emoset(speakers_per_corpus=2)


def test_classes_are_separable_on_held_out_speakers():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.preprocessing import StandardScaler

    from exhubert.data.synthetic import _iter_utterances

    def band_statistics(wave):
        wave = (wave - wave.mean()) / (wave.std() + 1e-7)
        frames = np.lib.stride_tricks.sliding_window_view(wave, 400)[::320] * np.hanning(400)
        power = np.log(np.abs(np.fft.rfft(frames, axis=-1)) ** 2 + 1e-6)
        edges = np.geomspace(1, power.shape[1], 25).astype(int)
        bands = np.stack([power[:, a : max(b, a + 1)].mean(1) for a, b in zip(edges[:-1], edges[1:])], 1)
        return np.concatenate([bands.mean(0), bands.std(0)])

    features, labels, held_out = [], [], []
    for _, speaker, class_name, _, wave in _iter_utterances(2, 6, 12, (0.8, 1.2), 0, None):
        features.append(band_statistics(wave))
        labels.append(EXHUBERT_LABELS.index(class_name))
        held_out.append(int(speaker.speaker_id[-2:]) >= 4)
    features, labels, held_out = np.array(features), np.array(labels), np.array(held_out)
    scaler = StandardScaler().fit(features[~held_out])
    probe = LogisticRegression(max_iter=2000).fit(scaler.transform(features[~held_out]), labels[~held_out])
    predictions = probe.predict(scaler.transform(features[held_out]))
    # a linear probe on spectral statistics tells the six classes apart for unseen speakers (chance 1/6)
    assert balanced_accuracy_score(labels[held_out], predictions) > 0.75
