"""exhubert: ExHuBERT (block-expanded HuBERT) and EmoSet++ tooling for multi-corpus speech emotion recognition.

Importing the package registers the `exhubert` model type with `AutoConfig`, `AutoModel` and
`AutoModelForAudioClassification`. The training classes (`ExHubertTrainer`, `ExHubertTrainingArguments`) are imported
on first use, so that loading a model or predicting does not import `transformers.Trainer`.
"""

import importlib

from transformers import AutoConfig, AutoModel, AutoModelForAudioClassification

from .hub.model_card import write_model_card_for_push
from .inference import predict
from .models.exhubert import (
    EXHUBERT_LABELS,
    ExHubertConfig,
    ExHubertForSequenceClassification,
    ExHubertModel,
    ExHubertPreTrainedModel,
)

__version__ = "0.1.0"

AutoConfig.register(ExHubertConfig.model_type, ExHubertConfig, exist_ok=True)
AutoModel.register(ExHubertConfig, ExHubertModel, exist_ok=True)
AutoModelForAudioClassification.register(ExHubertConfig, ExHubertForSequenceClassification, exist_ok=True)
ExHubertConfig.register_for_auto_class()
ExHubertModel.register_for_auto_class("AutoModel")
ExHubertForSequenceClassification.register_for_auto_class("AutoModelForAudioClassification")
ExHubertPreTrainedModel.model_card_writer = staticmethod(write_model_card_for_push)

_LAZY = {"ExHubertTrainer": ".training", "ExHubertTrainingArguments": ".training"}
"""Public names imported on first access (PEP 562), with the module that defines them."""


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXHUBERT_LABELS",
    "ExHubertConfig",
    "ExHubertForSequenceClassification",
    "ExHubertModel",
    "ExHubertPreTrainedModel",
    "ExHubertTrainer",
    "ExHubertTrainingArguments",
    "__version__",
    "predict",
]
