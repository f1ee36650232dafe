"""Block expansion of HuBERT checkpoints on disk, feature extractors and the paper's parameter arithmetic."""

import json
import os
from pathlib import Path

import torch
from transformers import AutoFeatureExtractor, HubertConfig, HubertForSequenceClassification, Wav2Vec2FeatureExtractor

from .models.exhubert import ExHubertConfig, ExHubertForSequenceClassification
from .utils import atomic_directory

HUBERT_LARGE_KWARGS = dict(
    hidden_size=1024,
    num_hidden_layers=24,
    num_attention_heads=16,
    intermediate_size=4096,
    do_stable_layer_norm=True,
    feat_extract_norm="layer",
    conv_bias=True,
    classifier_proj_size=256,
    num_labels=6,
)
"""HuBERT-Large's shape (`facebook/hubert-large-ll60k`) with the ExHuBERT 6-class head."""


def default_feature_extractor(config: HubertConfig) -> Wav2Vec2FeatureExtractor:
    """
    The feature extractor HuBERT checkpoints ship: 16 kHz, zero-mean/unit-variance normalisation, and an attention
    mask only for layer-norm feature encoders (a group-norm encoder expects zero padding without a mask).
    """
    return Wav2Vec2FeatureExtractor(
        feature_size=1,
        sampling_rate=16000,
        padding_value=0.0,
        do_normalize=True,
        return_attention_mask=config.feat_extract_norm == "layer",
    )


def expand_checkpoint(
    source: str | os.PathLike,
    output_dir: str | os.PathLike,
    overwrite: bool = False,
    **config_overrides,
) -> ExHubertForSequenceClassification:
    """
    Expands a local or Hub HuBERT checkpoint and saves the result, with its remote code and a feature extractor, so
    that `AutoModelForAudioClassification.from_pretrained(output_dir, trust_remote_code=True)` loads it anywhere.

    Args:
        source (`str` or `os.PathLike`): Local directory or Hub id of a HuBERT/Wav2Vec2 checkpoint.
        output_dir (`str` or `os.PathLike`): Where to save; written atomically.
        overwrite (`bool`, *optional*, defaults to `False`): Replace an existing output directory.
        config_overrides: [`ExHubertConfig`] fields, e.g. `expansion_factor=3` or `num_labels=4`.

    Returns:
        The expanded [`ExHubertForSequenceClassification`].
    """
    model = ExHubertForSequenceClassification.from_hubert(source, **config_overrides)
    try:
        feature_extractor = AutoFeatureExtractor.from_pretrained(source)
    except (OSError, ValueError):
        feature_extractor = default_feature_extractor(model.config)
    with atomic_directory(output_dir, overwrite=overwrite) as tmp:
        model.save_pretrained(tmp)
        feature_extractor.save_pretrained(tmp)
    return model


def parameter_table() -> list[dict]:
    """
    Trainable/total parameter counts of the paper's variants, computed on the meta device from a HuBERT-Large-shaped
    configuration (no download, no memory). Rows: `name`, `layers`, `trainable`, `total`, `paper` (millions).
    """
    variants = [
        ("HuBERT-Large (CNN frozen)", None, 311.49),
        ("ExHuBERT (originals + CNN frozen)", {}, 336.68),
        (
            "ExHuBERT non-frozen (published layout, CNN frozen)",
            dict(original_layer_gates=True, freeze_original_layers=False),
            664.18,
        ),
        ("ExHuBERT XLarge (factor 3, originals + CNN frozen)", dict(expansion_factor=3), 664.18),
    ]
    rows = []
    with torch.device("meta"):
        for name, overrides, paper in variants:
            if overrides is None:
                model = HubertForSequenceClassification(HubertConfig(**HUBERT_LARGE_KWARGS))
                model.freeze_feature_encoder()
                layers = model.config.num_hidden_layers
            else:
                model = ExHubertForSequenceClassification(ExHubertConfig(**HUBERT_LARGE_KWARGS, **overrides))
                layers = model.config.num_total_layers
            total = sum(p.numel() for p in model.parameters())
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            rows.append({"name": name, "layers": layers, "trainable": trainable, "total": total, "paper": paper})
    return rows


def describe_model(path: str | os.PathLike) -> dict:
    """
    Summarises a saved ExHuBERT directory from its configuration alone (the parameters are counted on the meta
    device, so nothing is loaded): layers, expanded blocks and trainable/frozen counts.
    """
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path} has no config.json: pass a directory written by `save_pretrained`.")
    model_type = json.loads((path / "config.json").read_text()).get("model_type")
    if model_type != ExHubertConfig.model_type:
        raise ValueError(f"{path} holds a {model_type!r} model, not ExHuBERT; expand it first with `exhubert expand`.")
    config = ExHubertConfig.from_pretrained(path)
    with torch.device("meta"):
        counts = ExHubertForSequenceClassification(config).num_parameters_by_status()
    return {
        "source_model": config.source_model,
        "original_layers": config.num_hidden_layers,
        "total_layers": config.num_total_layers,
        "expansion_factor": config.expansion_factor,
        "expanded_layers": config.expanded_layer_indices,
        "original_layer_gates": config.original_layer_gates,
        "freeze_original_layers": config.freeze_original_layers,
        "freeze_feature_encoder": config.freeze_feature_encoder,
        "pooling_mode": config.pooling_mode,
        "labels": [config.id2label[i] for i in range(config.num_labels)],
        **counts,
    }
