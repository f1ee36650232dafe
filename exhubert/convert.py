"""Conversion of the published `amiriparian/ExHuBERT` checkpoint into [`ExHubertForSequenceClassification`].

The published checkpoint is a plain `HubertConfig` (`model_type="hubert"`, `architectures=["ExHuBERT"]`) with 48 flat
pre-layer-norm encoder layers, each ending in a `gate_bb_linear`, and a pairwise skip: for every pair `(2i, 2i + 1)`
it computes `y = G_2i(L_2i(x))` and `z = G_2i+1(L_2i+1(y)) + y`. Even layers are the frozen originals, odd layers the
trainable copies; the head projects every frame (1024 -> 256) before mean pooling and classifies 6 classes named
`LABEL_0`..`LABEL_5`. This is exactly an [`ExHubertBlock`] with `original_layer_gates=True` (`original` + its identity
gate, one expansion whose gated output is added to its input), so block `i` takes:

| ExHuBERT key (block `i`)                     | published key                               |
|----------------------------------------------|---------------------------------------------|
| `hubert.encoder.layers.{i}.original.*`       | `hubert.encoder.layers.{2i}.*`              |
| `hubert.encoder.layers.{i}.original_gate.*`  | `hubert.encoder.layers.{2i}.gate_bb_linear.*`  |
| `hubert.encoder.layers.{i}.expansions.0.layer.*` | `hubert.encoder.layers.{2i+1}.*`        |
| `hubert.encoder.layers.{i}.expansions.0.gate.*`  | `hubert.encoder.layers.{2i+1}.gate_bb_linear.*` |

Everything else (feature encoder, projection, positional convolution in either weight-norm spelling, final layer norm,
`projector`, `classifier`) keeps its name, and the classes get their real names ([`EXHUBERT_LABELS`]).
"""

import dataclasses
import json
import logging
import os
import re
from pathlib import Path

import torch

from .expansion import default_feature_extractor
from .models.exhubert import EXHUBERT_LABELS, ExHubertConfig, ExHubertForSequenceClassification
from .utils import atomic_directory

logger = logging.getLogger(__name__)

ORIGINAL_REPO_ID = "amiriparian/ExHuBERT"
"""Hub id of the published checkpoint."""

ORIGINAL_REVISION = "b158d45ed8578432468f3ab8d46cbe5974380812"
"""The revision the published model card pins (48-layer layout); earlier revisions hold a plain 24-layer HuBERT."""

ORIGINAL_LICENSE = "cc-by-nc-sa-4.0"
"""Licence of the published checkpoint (research use only)."""

_FLAT_LAYER_KEY = re.compile(r"^hubert\.encoder\.layers\.(\d+)\.(.+)$")
_POS_CONV_PREFIX = "hubert.encoder.pos_conv_embed.conv."
_WEIGHT_NORM_SPELLINGS = {
    "weight_g": "g",
    "weight_v": "v",
    "parametrizations.weight.original0": "g",
    "parametrizations.weight.original1": "v",
}
_STATE_DICT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)


def is_original_config(config: dict) -> bool:
    """
    Whether a `config.json` dictionary describes the published ExHuBERT layout: a `hubert` model whose architecture
    (or `auto_map`) is the remote `ExHuBERT` class.
    """
    if config.get("model_type") != "hubert":
        return False
    auto_map = config.get("auto_map") or {}
    return "ExHuBERT" in (config.get("architectures") or []) or any(
        "ExHuBERT_model" in str(target) for target in auto_map.values()
    )


def check_not_original_checkpoint(path: str | os.PathLike, revision: str | None = None) -> None:
    """
    Raises a `ValueError` that explains the conversion when `path` (a local directory, or a Hub id whose config is
    reachable or cached) holds the published ExHuBERT layout; does nothing for anything else.

    Args:
        path (`str` or `os.PathLike`): Model directory or Hub id.
        revision (`str`, *optional*): Hub revision.
    """
    from transformers.utils import cached_file

    try:
        config_file = cached_file(
            path,
            "config.json",
            revision=revision,
            _raise_exceptions_for_missing_entries=False,
            _raise_exceptions_for_connection_errors=False,
        )
        config = json.loads(Path(config_file).read_text()) if config_file else {}
    except (OSError, ValueError):
        return
    if is_original_config(config):
        raise ValueError(
            f"{path} holds the published ExHuBERT layout ({config.get('num_hidden_layers')} flat layers with "
            "`gate_bb_linear`, generic LABEL_n names), which transformers would load as a plain HuBERT with wrong "
            f"results. Convert it first: `exhubert convert-original {path} OUTPUT_DIR`, then use OUTPUT_DIR."
        )


def load_state_dict(directory: str | os.PathLike) -> dict[str, torch.Tensor]:
    """
    Reads the weights of a checkpoint directory: `model.safetensors`, `pytorch_model.bin` or their sharded variants
    (safetensors preferred).

    Raises:
        FileNotFoundError: no weight file in `directory`.
    """
    directory = Path(directory)
    for name in _STATE_DICT_FILES:
        path = directory / name
        if not path.is_file():
            continue
        if name.endswith(".index.json"):
            shards = sorted(set(json.loads(path.read_text())["weight_map"].values()))
            state_dict = {}
            for shard in shards:
                state_dict.update(_load_weight_file(directory / shard))
            return state_dict
        return _load_weight_file(path)
    raise FileNotFoundError(f"{directory} holds no weights: expected one of {', '.join(_STATE_DICT_FILES)}.")


def _load_weight_file(path: Path) -> dict[str, torch.Tensor]:
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(path)
    return torch.load(path, map_location="cpu", weights_only=True)


def _resolve_source(source: str | os.PathLike, revision: str | None) -> Path:
    if Path(source).is_dir():
        return Path(source)
    from huggingface_hub import snapshot_download
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(str(source))
    except HFValidationError:
        raise FileNotFoundError(f"{source} is neither a checkpoint directory nor a Hub id.") from None

    logger.info("Downloading %s (revision %s) from the Hub.", source, revision or "main")
    return Path(
        snapshot_download(
            str(source), revision=revision, allow_patterns=["*.json", "*.safetensors", "pytorch_model*.bin"]
        )
    )


def _exhubert_config(config: dict, num_blocks: int, labels, source_model: str | None) -> ExHubertConfig:
    fields = {field.name for field in dataclasses.fields(ExHubertConfig)}
    skip = {"architectures", "auto_map", "transformers_version", "model_type", "id2label", "label2id", "num_labels"}
    kwargs = {key: value for key, value in config.items() if key in fields and key not in skip}
    kwargs.update(
        num_hidden_layers=num_blocks,
        expansion_factor=2,
        expanded_layers=None,
        original_layer_gates=True,
        freeze_original_layers=True,
        freeze_feature_encoder=True,
        pooling_mode="mean",
        source_model=source_model,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return ExHubertConfig(**kwargs)


def convert_state_dict(state_dict: dict[str, torch.Tensor], target_keys) -> dict[str, torch.Tensor]:
    """
    Renames the published flat 48-layer state dict into the ExHuBERT block layout (see the module documentation).

    Args:
        state_dict (`dict[str, torch.Tensor]`): Weights in the published key layout.
        target_keys (`Iterable[str]`): Keys of the target model's state dict; they decide the spelling of the
            positional convolution's weight norm (`weight_g`/`weight_v` or `parametrizations.weight.original0/1`).

    Returns:
        `dict[str, torch.Tensor]` in the ExHuBERT layout.

    Raises:
        ValueError: an odd number of flat layers, a layer without `gate_bb_linear`, a weighted layer sum, or weights
            the layout does not know.
    """
    target_keys = set(target_keys)
    converted, weight_norm, unknown = {}, {}, []
    layers_with_gate, layers = set(), set()
    for key, value in state_dict.items():
        match = _FLAT_LAYER_KEY.match(key)
        if match is not None:
            index, rest = int(match.group(1)), match.group(2)
            block, is_copy = divmod(index, 2)
            layers.add(index)
            if rest.startswith("gate_bb_linear."):
                layers_with_gate.add(index)
                param = rest[len("gate_bb_linear.") :]
                target = f"expansions.0.gate.{param}" if is_copy else f"original_gate.{param}"
            else:
                target = f"expansions.0.layer.{rest}" if is_copy else f"original.{rest}"
            converted[f"hubert.encoder.layers.{block}.{target}"] = value
        elif key.startswith(_POS_CONV_PREFIX) and key[len(_POS_CONV_PREFIX) :] in _WEIGHT_NORM_SPELLINGS:
            weight_norm[_WEIGHT_NORM_SPELLINGS[key[len(_POS_CONV_PREFIX) :]]] = value
        elif key == _POS_CONV_PREFIX + "weight":
            weight_norm["g"] = torch.linalg.vector_norm(value, dim=(0, 1), keepdim=True)
            weight_norm["v"] = value
        elif key == "layer_weights":
            raise ValueError(
                "The checkpoint uses a weighted sum over its 49 per-layer outputs (`layer_weights`); the ExHuBERT "
                "block layout exposes one output per block, so this variant cannot be converted exactly."
            )
        elif key in target_keys:
            converted[key] = value
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f"Weights unknown to the published ExHuBERT layout: {unknown[:5]}.")
    if not layers or len(layers) % 2 or layers != set(range(len(layers))):
        raise ValueError(
            f"Expected an even number of consecutive flat layers (48 for ExHuBERT), found indices {sorted(layers)}."
        )
    if layers_with_gate != layers:
        raise ValueError(
            f"Layers {sorted(layers - layers_with_gate)} have no `gate_bb_linear`: this is not the published "
            "ExHuBERT layout (revisions before fec72ec hold a plain 24-layer HuBERT; expand those with "
            "`exhubert expand` instead)."
        )
    if set(weight_norm) != {"g", "v"}:
        raise ValueError("The positional convolution lacks its weight-norm parameters (weight_g and weight_v).")
    if _POS_CONV_PREFIX + "weight_g" in target_keys:
        converted[_POS_CONV_PREFIX + "weight_g"] = weight_norm["g"]
        converted[_POS_CONV_PREFIX + "weight_v"] = weight_norm["v"]
    else:
        converted[_POS_CONV_PREFIX + "parametrizations.weight.original0"] = weight_norm["g"]
        converted[_POS_CONV_PREFIX + "parametrizations.weight.original1"] = weight_norm["v"]
    return converted


def gate_statistics(state_dict: dict[str, torch.Tensor]) -> list[dict]:
    """
    Statistics of every `gate_bb_linear` in a published-layout state dict, to see how far the gates are from their
    function-preserving initialisation (identity for the even, original layers; zero for the odd copies).

    Returns:
        `list[dict]`, one per flat layer: `layer`, `block`, `kind` (`"original"` or `"copy"`), `weight_distance`
        (`||W - I||_F` for originals, `||W||_F` for copies), `weight_norm` (`||W||_F`) and `bias_norm` (`||b||`).
    """
    rows = []
    for key, weight in state_dict.items():
        match = _FLAT_LAYER_KEY.match(key)
        if match is None or match.group(2) != "gate_bb_linear.weight":
            continue
        index = int(match.group(1))
        weight = weight.detach().double()
        bias = state_dict.get(key[: -len("weight")] + "bias")
        is_copy = index % 2 == 1
        reference = torch.zeros_like(weight) if is_copy else torch.eye(weight.shape[0], dtype=weight.dtype)
        rows.append(
            {
                "layer": index,
                "block": index // 2,
                "kind": "copy" if is_copy else "original",
                "weight_distance": float(torch.linalg.norm(weight - reference)),
                "weight_norm": float(torch.linalg.norm(weight)),
                "bias_norm": 0.0 if bias is None else float(torch.linalg.norm(bias.double())),
            }
        )
    return sorted(rows, key=lambda row: row["layer"])


def format_gate_statistics(rows: list[dict]) -> str:
    """Formats [`gate_statistics`] as a markdown table plus a one-line summary per kind."""
    lines = ["| layer | block | kind | distance to init | ||W|| | ||b|| |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['layer']} | {row['block']} | {row['kind']} | {row['weight_distance']:.4g} "
            f"| {row['weight_norm']:.4g} | {row['bias_norm']:.4g} |"
        )
    for kind, what in (("original", "||W - I||"), ("copy", "||W||")):
        selected = [row for row in rows if row["kind"] == kind]
        if selected:
            distances = [row["weight_distance"] for row in selected]
            biases = [row["bias_norm"] for row in selected]
            lines.append(
                f"{kind} gates ({len(selected)}): {what} min {min(distances):.4g} / max {max(distances):.4g}, "
                f"||b|| max {max(biases):.4g}"
            )
    return "\n".join(lines)


def convert_original(
    source: str | os.PathLike,
    output_dir: str | os.PathLike | None = None,
    *,
    labels=EXHUBERT_LABELS,
    revision: str | None = None,
    overwrite: bool = False,
) -> tuple[ExHubertForSequenceClassification, list[dict]]:
    """
    Converts the published `amiriparian/ExHuBERT` checkpoint into an [`ExHubertForSequenceClassification`] with
    `original_layer_gates=True`, the real class names and the same logits, and optionally saves it (weights, config,
    remote code, a feature extractor and a model card).

    The saved feature extractor is HuBERT-large's (normalisation, attention mask). Note that the published model card
    pads every clip to 3 s and calls the model without an attention mask; with the mask, clips shorter than 3 s get
    the logits of the clip itself rather than of the clip plus silence.

    Args:
        source (`str` or `os.PathLike`): A local copy of the checkpoint (`config.json` plus `pytorch_model.bin` or
            `model.safetensors`) or a Hub id (downloaded with `huggingface_hub`).
        output_dir (`str` or `os.PathLike`, *optional*): Where to save the converted model (atomically).
        labels (`Sequence[str]`, *optional*): Class names in class-id order; defaults to [`EXHUBERT_LABELS`], the
            order documented by the published model card.
        revision (`str`, *optional*): Hub revision when `source` is a Hub id, e.g. [`ORIGINAL_REVISION`].
        overwrite (`bool`, *optional*, defaults to `False`): Replace an existing `output_dir`.

    Returns:
        `(model, gate_statistics)`: the converted model (eval mode) and [`gate_statistics`] of the source gates.

    Raises:
        FileNotFoundError: `source` has no `config.json` or no weights.
        ValueError: `source` is not the published ExHuBERT layout, or `labels` does not match the head.
    """
    directory = _resolve_source(source, revision)
    config_file = directory / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"{source} has no config.json; pass a copy of the {ORIGINAL_REPO_ID} repository.")
    raw_config = json.loads(config_file.read_text())
    if raw_config.get("model_type") == ExHubertConfig.model_type:
        raise ValueError(f"{source} is already an ExHuBERT checkpoint; load it with `from_pretrained`.")
    if not is_original_config(raw_config):
        raise ValueError(
            f"{source} is not the published ExHuBERT layout (model_type {raw_config.get('model_type')!r}, "
            f"architectures {raw_config.get('architectures')}); expand plain HuBERT checkpoints with "
            "`exhubert expand`."
        )
    state_dict = load_state_dict(directory)
    classifier = state_dict.get("classifier.weight")
    if classifier is None:
        raise ValueError(f"{source} has no `classifier.weight`: not a published ExHuBERT classification checkpoint.")
    labels = list(labels)
    if classifier.shape[0] != len(labels):
        raise ValueError(f"{source} classifies {classifier.shape[0]} classes but {len(labels)} labels were given.")
    num_layers = len({int(m.group(1)) for m in map(_FLAT_LAYER_KEY.match, state_dict) if m is not None})
    source_model = ORIGINAL_REPO_ID if Path(source).is_dir() else str(source)
    config = _exhubert_config(raw_config, num_layers // 2, labels, source_model)
    model = ExHubertForSequenceClassification(config)
    converted = convert_state_dict(state_dict, model.state_dict().keys())
    missing, unexpected = model.load_state_dict(converted, strict=False)
    # SpecAugment's mask embedding is only used in training; keep the model's initial value if the source lacks it.
    missing = [key for key in missing if key != "hubert.masked_spec_embed"]
    if missing or unexpected:
        raise ValueError(f"Conversion of {source} left missing weights {missing[:5]} / unexpected {unexpected[:5]}.")
    model.apply_freezing()
    model.eval()
    statistics = gate_statistics(state_dict)

    if output_dir is not None:
        from .hub.model_card import ModelCardData, save_model_card

        card_data = ModelCardData(
            base_model=ORIGINAL_REPO_ID,
            license=ORIGINAL_LICENSE,
            model_description=(
                f"Conversion of the published [{ORIGINAL_REPO_ID}](https://huggingface.co/{ORIGINAL_REPO_ID}) "
                "checkpoint to the `exhubert` layout (`exhubert convert-original`): identical logits, named classes."
            ),
        )
        with atomic_directory(output_dir, overwrite=overwrite) as tmp:
            model.save_pretrained(tmp)
            default_feature_extractor(config).save_pretrained(tmp)
            save_model_card(tmp, model, card_data)
    return model, statistics


__all__ = [
    "ORIGINAL_LICENSE",
    "ORIGINAL_REPO_ID",
    "ORIGINAL_REVISION",
    "check_not_original_checkpoint",
    "convert_original",
    "convert_state_dict",
    "format_gate_statistics",
    "gate_statistics",
    "is_original_config",
    "load_state_dict",
]
