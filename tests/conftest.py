"""Session fixtures shared by the whole suite: tiny random models, built once (real clips: `data/emoset_files.py`)."""

import os

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

torch.set_num_threads(1)  # the tiny models of the suite run fastest on one thread


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
