"""Multi-corpus fine-tuning: [`ExHubertTrainer`], its arguments, batch samplers and result plots."""

from .sampler import (
    CorpusBatchSampler,
    MultiCorpusBatchSampler,
    ProportionalBatchSampler,
    RoundRobinBatchSampler,
)
from .trainer import ExHubertTrainer
from .training_args import ExHubertTrainingArguments, Losses, MultiCorpusBatchSamplers

__all__ = [
    "CorpusBatchSampler",
    "ExHubertTrainer",
    "ExHubertTrainingArguments",
    "Losses",
    "MultiCorpusBatchSampler",
    "MultiCorpusBatchSamplers",
    "ProportionalBatchSampler",
    "RoundRobinBatchSampler",
]
