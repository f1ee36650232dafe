"""The demo behind `make demo` / `exhubert demo`: expand a tiny HuBERT, prove the identity, save, reload, classify."""

import logging
import os
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForAudioClassification, HubertConfig, HubertModel

from .expansion import default_feature_extractor
from .models.exhubert import ExHubertForSequenceClassification
from .utils import atomic_directory, tiny_hubert_kwargs

logger = logging.getLogger(__name__)

SAMPLING_RATE = 16000


def synthetic_clips(num_clips: int = 4, seconds: float = 1.0, seed: int = 0) -> list[np.ndarray]:
    """Voice-like harmonic clips of rising pitch (float32, 16 kHz) for the demo."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLING_RATE)) / SAMPLING_RATE
    clips = []
    for i in range(num_clips):
        f0 = 110.0 * (1 + 0.5 * i) * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLING_RATE
        wave = sum(np.sin(k * phase) / k for k in range(1, 6)) * (0.5 + 0.5 * np.sin(2 * np.pi * 2 * t) ** 2)
        clips.append((0.3 * wave + 0.01 * rng.standard_normal(t.shape)).astype(np.float32))
    return clips


def run_demo(output_dir: str | os.PathLike, seed: int = 0, overwrite: bool = True) -> dict:
    """
    Builds a tiny random HuBERT, expands it, checks that the expanded model computes what the source computes, saves
    it with its remote code, reloads it through `AutoModelForAudioClassification(..., trust_remote_code=True)` and
    classifies generated clips.

    Args:
        output_dir (`str` or `os.PathLike`): Where the model is saved (under `model/`).
        seed (`int`, *optional*, defaults to 0): Random seed.
        overwrite (`bool`, *optional*, defaults to `True`): Replace a previous demo output.

    Returns:
        `dict` with `max_abs_difference` (source vs expanded), `model_dir` and `predictions` (label per clip).
    """
    torch.manual_seed(seed)
    source = HubertModel(HubertConfig(**tiny_hubert_kwargs(do_stable_layer_norm=True))).eval()
    model = ExHubertForSequenceClassification.from_hubert(source).eval()
    logger.info(
        "Expanded a %d-layer HuBERT into %d layers.", source.config.num_hidden_layers, model.config.num_total_layers
    )

    clips = synthetic_clips(seed=seed)
    feature_extractor = default_feature_extractor(model.config)
    inputs = feature_extractor(clips, sampling_rate=SAMPLING_RATE, return_tensors="pt", padding=True)
    with torch.no_grad():
        expected = source(**inputs).last_hidden_state
        actual = model.hubert(**inputs).last_hidden_state
    max_abs_difference = (expected - actual).abs().max().item()
    if max_abs_difference > 1e-5:
        raise RuntimeError(f"Expanded model differs from its source by {max_abs_difference:.3g} at initialisation.")

    model_dir = Path(output_dir) / "model"
    with atomic_directory(model_dir, overwrite=overwrite) as tmp:
        model.save_pretrained(tmp)
        feature_extractor.save_pretrained(tmp)

    reloaded = AutoModelForAudioClassification.from_pretrained(model_dir, trust_remote_code=True).eval()
    with torch.no_grad():
        probabilities = reloaded(**inputs).logits.softmax(-1)
    predictions = [reloaded.config.id2label[int(i)] for i in probabilities.argmax(-1)]
    return {
        "max_abs_difference": max_abs_difference,
        "model_dir": str(model_dir),
        "num_total_layers": model.config.num_total_layers,
        "predictions": predictions,
        "probabilities": probabilities.tolist(),
    }
