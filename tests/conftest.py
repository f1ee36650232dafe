"""Session fixtures shared by the whole suite: tiny random models (built once) and the shared real clips."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def shared_corpus(name: str) -> Path:
    """Path of a real corpus sample in `../shared/data/<name>`; skips the test with the reason when absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"real clips of {name} not available: {path} is missing (they live in the shared/ folder)")
    return path


@pytest.fixture(scope="session")
def tiny_kwargs():
    """Factory of tiny HuBERT config kwargs (hidden 32, 2 layers, HuBERT's conv stack)."""
    from exhubert.utils import tiny_hubert_kwargs

    return tiny_hubert_kwargs


@pytest.fixture(scope="session", params=["post_ln", "stable_ln"])
def tiny_hubert_classifier(request):
    """A tiny random `HubertForSequenceClassification` in both layer-norm variants (eval mode, 6 labels)."""
    import torch
    from transformers import HubertConfig, HubertForSequenceClassification

    from exhubert.utils import tiny_hubert_kwargs

    torch.manual_seed(0)
    config = HubertConfig(**tiny_hubert_kwargs(do_stable_layer_norm=request.param == "stable_ln"), num_labels=6)
    return HubertForSequenceClassification(config).eval()


@pytest.fixture(scope="session")
def tiny_exhubert_dir(tmp_path_factory):
    """A saved tiny ExHuBERT (stable layer norm, 6 classes, remote code, feature extractor); treat as read-only."""
    import torch
    from transformers import HubertConfig, HubertModel

    from exhubert import ExHubertForSequenceClassification
    from exhubert.expansion import default_feature_extractor
    from exhubert.utils import tiny_hubert_kwargs

    torch.manual_seed(0)
    source = HubertModel(HubertConfig(**tiny_hubert_kwargs(do_stable_layer_norm=True)))
    model = ExHubertForSequenceClassification.from_hubert(source)
    path = tmp_path_factory.mktemp("tiny_exhubert")
    model.save_pretrained(path)
    default_feature_extractor(model.config).save_pretrained(path)
    return path
