"""Fixtures of the training tests: small in-memory corpora (raw arrays, no decoding) and a tiny ExHuBERT factory."""

import numpy as np
import pytest


@pytest.fixture(scope="session")
def tiny_corpora():
    """Two small corpora of 0.3-0.5 s clips whose pitch depends on the label: dict name -> (train, eval) datasets."""
    from datasets import ClassLabel, Dataset, Features, Sequence, Value

    from exhubert import EXHUBERT_LABELS

    features = Features(
        {
            "audio": Sequence(Value("float32")),
            "label": ClassLabel(names=list(EXHUBERT_LABELS)),
            "arousal": Value("float32"),
            "valence": Value("float32"),
            "id": Value("string"),
            "duration": Value("float32"),
        }
    )
    rng = np.random.default_rng(0)

    def corpus(name, size):
        rows = []
        for i in range(size):
            label = i % 6
            seconds = rng.uniform(0.3, 0.5)
            t = np.arange(int(seconds * 16000)) / 16000
            wave = np.sin(2 * np.pi * (120 + 40 * label) * t) + 0.05 * rng.standard_normal(t.shape)
            rows.append(
                {
                    "audio": wave.astype(np.float32),
                    "label": label,
                    "arousal": float(label >= 3),
                    "valence": (label % 3) / 2,
                    "id": f"{name}-{i}",
                    "duration": seconds,
                }
            )
        return Dataset.from_list(rows, features=features)

    return {"alpha": (corpus("alpha", 12), corpus("alpha", 6)), "beta": (corpus("beta", 6), corpus("beta", 6))}


@pytest.fixture()
def make_tiny_model():
    """Factory of a freshly expanded tiny ExHuBERT (no LayerDrop), deterministic per seed; group norm on request."""

    def make(seed: int = 0, stable_layer_norm: bool = True, **overrides):
        import torch
        from transformers import HubertConfig, HubertModel

        from exhubert import ExHubertForSequenceClassification
        from exhubert.utils import tiny_hubert_kwargs

        torch.manual_seed(seed)
        kwargs = tiny_hubert_kwargs(do_stable_layer_norm=stable_layer_norm, layerdrop=0.0)
        return ExHubertForSequenceClassification.from_hubert(HubertModel(HubertConfig(**kwargs)), **overrides)

    return make
