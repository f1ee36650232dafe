"""ExHuBERT configuration and models (self-contained files, shipped as remote code by `save_pretrained`)."""

from .configuration_exhubert import EXHUBERT_LABELS, ExHubertConfig
from .modeling_exhubert import (
    AttentiveStatisticsPooling,
    ExHubertBlock,
    ExHubertExpansion,
    ExHubertForSequenceClassification,
    ExHubertGate,
    ExHubertModel,
    ExHubertPreTrainedModel,
)

__all__ = [
    "EXHUBERT_LABELS",
    "AttentiveStatisticsPooling",
    "ExHubertBlock",
    "ExHubertConfig",
    "ExHubertExpansion",
    "ExHubertForSequenceClassification",
    "ExHubertGate",
    "ExHubertModel",
    "ExHubertPreTrainedModel",
]
