"""exhubert: ExHuBERT (block-expanded HuBERT) and EmoSet++ tooling for multi-corpus speech emotion recognition.

Importing the package registers the `exhubert` model type with `AutoConfig`, `AutoModel` and
`AutoModelForAudioClassification`.
"""

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

__all__ = [
    "EXHUBERT_LABELS",
    "ExHubertConfig",
    "ExHubertForSequenceClassification",
    "ExHubertModel",
    "ExHubertPreTrainedModel",
    "__version__",
    "predict",
]
