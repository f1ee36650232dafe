"""The EmoSet++ dataset card: YAML header, per-corpus table, label mapping, licences, citations, split methods."""

import json

import numpy as np
import yaml
from datasets import Dataset, DatasetDict

from exhubert.data.builder import emoset_features
from exhubert.hub.dataset_card import dataset_card


def _tiny_emoset() -> DatasetDict:
    """Three rows per split of two corpora, built in memory (no decoding)."""
    splits = {}
    for split, count in (("train", 4), ("validation", 2), ("test", 2)):
        rows = {name: [] for name in emoset_features()}
        for i in range(count):
            corpus = "ravdess" if i % 2 == 0 else "mycorpus"
            rows["audio"].append({"array": np.zeros(1600, dtype=np.float32), "sampling_rate": 16000})
            rows["label"].append(i % 6)
            rows["arousal"].append(0)
            rows["valence"].append(0)
            for name in ("emotion", "raw_label", "text", "official_split", "gender"):
                rows[name].append(None)
            rows["corpus"].append(corpus)
            rows["speaker"].append(f"{split}{i}")
            rows["language"].append("en" if corpus == "ravdess" else "de")
            rows["duration"].append(0.1)
            rows["id"].append(f"{corpus}/{split}{i}")
        splits[split] = Dataset.from_dict(rows, features=emoset_features())
    return DatasetDict(splits)


def _header(card: str) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n")[1])


def test_card_from_dataset_dict():
    card = dataset_card(_tiny_emoset())
    header = _header(card)
    assert header["license"] == "other" and header["language"] == ["de", "en"]
    assert header["task_categories"] == ["audio-classification"] and header["size_categories"] == ["n<1K"]
    assert "| `ravdess` | [RAVDESS](" in card and "| 2 / 1 / 1 |" in card
    assert "| `mycorpus` | mycorpus | de | 2 / 1 / 1 |" in card
    assert "| `ravdess` | `05` | anger | high | negative | high_negative | ok |" in card
    assert "`mycorpus` | `" not in card  # no label rows for a corpus the table does not know
    assert "- `ravdess`: CC BY-NC-SA" in card and "Livingstone" in card
    assert 'load_from_disk("path/to/emoset")' in card
    assert "No file was skipped." in card


def test_card_from_folder_uses_build_report(tmp_path):
    directory = tmp_path / "emoset"
    _tiny_emoset().save_to_disk(str(directory))
    report = {
        "build": {
            "seed": 5,
            "split_policy": "speaker",
            "max_duration": 20.0,
            "audio_format": "int16",
            "sampling_rate": 16000,
        },
        "corpus_info": {
            "mycorpus": {
                "name": "My | Corpus",
                "license": "in-house",
                "citation": "@misc{mine, title={Mine}}",
                "homepage": "",
                "split_method": "utterance (no speaker information)",
                "split_details": "train 2 utt",
                "warnings": ["mycorpus: partial copy: 2 of 9 utterances."],
            },
        },
        "skipped": [
            {
                "corpus": "mycorpus",
                "path": "a.wav",
                "reason": "a.wav: the file is empty (0 bytes).",
                "stage": "decode",
            },
            {"corpus": "mycorpus", "path": "b.wav", "reason": "too long", "stage": "duration"},
        ],
    }
    (directory / "stats.json").write_text(json.dumps(report))
    card = dataset_card(directory, repo_id="someone/emoset")
    assert "| `mycorpus` | My \\| Corpus | de |" in card
    assert "| `mycorpus` | utterance (no speaker information) | train 2 utt |" in card
    assert "| `mycorpus` | decode | 1 |" in card and "| `mycorpus` | duration | 1 |" in card
    assert "2 files were not included" in card
    assert "- mycorpus: partial copy: 2 of 9 utterances." in card
    assert "@misc{mine, title={Mine}}" in card
    assert 'load_dataset("someone/emoset")' in card
    assert "seed 5, split policy `speaker`, max duration 20.0" in card
    assert "| `ravdess` | speaker-independent" not in card  # no report for ravdess: method unknown
    assert "| `ravdess` | unknown |" in card
