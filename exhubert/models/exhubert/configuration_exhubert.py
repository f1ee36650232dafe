"""ExHuBERT model configuration.

This file is self-contained (it only imports `transformers`): `save_pretrained` copies it next to the weights so that
`AutoConfig.from_pretrained(dir, trust_remote_code=True)` works where the `exhubert` package is not installed.
"""

from huggingface_hub.dataclasses import strict
from transformers import HubertConfig

EXHUBERT_LABELS = (
    "low_negative",
    "low_neutral",
    "low_positive",
    "high_negative",
    "high_neutral",
    "high_positive",
)
"""The 6 ExHuBERT classes (arousal × valence) in the order of the published checkpoint."""

POOLING_MODES = ("mean", "attentive_statistics")


@strict
class ExHubertConfig(HubertConfig):
    r"""
    Configuration of an ExHuBERT model: a HuBERT whose encoder layers are each followed by trainable copies that end in
    a zero-initialised linear layer with a skip connection (backbone block expansion, Amiriparian et al. 2024).

    All [`~transformers.HubertConfig`] fields describe the *source* HuBERT: `num_hidden_layers` is the number of
    original layers (24 for HuBERT-Large) and the expansion adds layers on top of it, see
    [`~ExHubertConfig.num_total_layers`] (48 for the published ExHuBERT).

    Args:
        expansion_factor (`int`, *optional*, defaults to 2):
            Each expanded original layer is followed by `expansion_factor - 1` trainable copies. 1 means no expansion,
            2 is ExHuBERT, 3 is the paper's "XLarge" variant.
        expanded_layers (`list[int]`, *optional*):
            Indices of the original layers to expand. `None` expands all of them; a subset gives cheaper
            LLaMA-Pro-style variants.
        original_layer_gates (`bool`, *optional*, defaults to `False`):
            Also put a gate linear after every original layer, initialised to the identity. This is the layout of the
            published `amiriparian/ExHuBERT` checkpoint (a `gate_bb_linear` in all 48 layers) and what makes its
            "non-frozen" variant 664.18M trainable parameters.
        freeze_original_layers (`bool`, *optional*, defaults to `True`):
            Keep the original layers (and their gates, if any) frozen. Applied on construction and after loading.
        freeze_feature_encoder (`bool`, *optional*, defaults to `True`):
            Keep the convolutional feature encoder frozen. Applied on construction and after loading.
        source_model (`str`, *optional*):
            Name or path of the checkpoint this model was expanded from (set by `from_hubert`; used by model cards).
        pooling_mode (`str`, *optional*, defaults to `"mean"`):
            How the classification head pools frames: `"mean"` (masked mean, as `HubertForSequenceClassification`)
            or `"attentive_statistics"` (attention-weighted mean and standard deviation).
        classifier_proj_size (`int`, *optional*, defaults to 256):
            Size of the per-frame projection applied before pooling.
        kwargs:
            Any other [`~transformers.HubertConfig`] argument. Without `id2label`/`num_labels` the config carries the
            6 ExHuBERT classes `low_negative, low_neutral, low_positive, high_negative, high_neutral, high_positive`.

    Example:

    ```python
    >>> from exhubert import ExHubertConfig, ExHubertForSequenceClassification
    >>> config = ExHubertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37)
    >>> config.num_total_layers
    4
    >>> model = ExHubertForSequenceClassification(config)
    ```
    """

    model_type = "exhubert"

    expansion_factor: int = 2
    expanded_layers: list[int] | tuple[int, ...] | None = None
    original_layer_gates: bool = False
    freeze_original_layers: bool = True
    freeze_feature_encoder: bool = True
    pooling_mode: str = "mean"
    source_model: str | None = None

    def __post_init__(self, **kwargs):
        if self.id2label is None and kwargs.get("num_labels") is None:
            self.id2label = dict(enumerate(EXHUBERT_LABELS))
            self.label2id = {label: i for i, label in self.id2label.items()}
        super().__post_init__(**kwargs)
        if self.expanded_layers is not None:
            self.expanded_layers = sorted({int(i) for i in self.expanded_layers})

    def validate_architecture(self):
        """Checks the expansion fields on top of HuBERT's own architecture checks."""
        super().validate_architecture()
        if not isinstance(self.expansion_factor, int) or self.expansion_factor < 1:
            raise ValueError(f"`expansion_factor` must be an integer >= 1, got {self.expansion_factor!r}.")
        if self.pooling_mode not in POOLING_MODES:
            raise ValueError(f"`pooling_mode` must be one of {POOLING_MODES}, got {self.pooling_mode!r}.")
        if self.expanded_layers is not None:
            invalid = [i for i in self.expanded_layers if not 0 <= int(i) < self.num_hidden_layers]
            if invalid:
                raise ValueError(
                    f"`expanded_layers` contains {invalid}, but the source has {self.num_hidden_layers} layers: "
                    f"valid indices are 0..{self.num_hidden_layers - 1}."
                )

    @property
    def expanded_layer_indices(self) -> list[int]:
        """Indices of the original layers that are followed by trainable copies."""
        if self.expansion_factor == 1:
            return []
        if self.expanded_layers is None:
            return list(range(self.num_hidden_layers))
        return list(self.expanded_layers)

    @property
    def num_copies_per_layer(self) -> list[int]:
        """Number of trainable copies after each original layer."""
        expanded = set(self.expanded_layer_indices)
        return [self.expansion_factor - 1 if i in expanded else 0 for i in range(self.num_hidden_layers)]

    @property
    def num_total_layers(self) -> int:
        """Number of transformer layers after expansion (originals + copies), e.g. 48 for ExHuBERT-Large."""
        return self.num_hidden_layers + sum(self.num_copies_per_layer)


__all__ = ["EXHUBERT_LABELS", "ExHubertConfig"]
