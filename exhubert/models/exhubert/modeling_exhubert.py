"""PyTorch ExHuBERT: HuBERT with backbone block expansion (Amiriparian et al., Interspeech 2024).

Every expanded encoder layer of the source HuBERT is followed by `expansion_factor - 1` trainable copies of itself.
Each copy ends in a zero-initialised linear layer (the "gate", `gate_bb_linear` in the published checkpoint) whose
output is added to the copy's input, so at initialisation the expanded model computes exactly what the source computed.
The original layers and the convolutional feature encoder are frozen by default.

This file is self-contained (it imports only `torch`, `transformers` and its configuration file): `save_pretrained`
copies it next to the weights so that `AutoModel.from_pretrained(dir, trust_remote_code=True)` works where the
`exhubert` package is not installed.
"""

import os
import re

import torch
from huggingface_hub.errors import StrictDataclassError
from torch import nn
from transformers import AutoConfig, AutoModel, AutoModelForAudioClassification, PreTrainedModel
from transformers import initialization as init
from transformers.modeling_outputs import SequenceClassifierOutput
from transformers.models.hubert.modeling_hubert import (
    HubertAttention,
    HubertEncoder,
    HubertEncoderLayer,
    HubertEncoderLayerStableLayerNorm,
    HubertEncoderStableLayerNorm,
    HubertFeatureEncoder,
    HubertFeatureProjection,
    HubertModel,
    HubertPositionalConvEmbedding,
    HubertPreTrainedModel,
)
from transformers.utils import logging
from transformers.utils.generic import can_return_tuple
from transformers.utils.output_capturing import OutputRecorder

from .configuration_exhubert import ExHubertConfig

logger = logging.get_logger(__name__)

SUPPORTED_SOURCE_MODEL_TYPES = ("hubert", "wav2vec2")
"""`model_type`s whose encoder layers have HuBERT's layout and can be expanded by `from_hubert`."""

_LAYER_KEY = re.compile(r"^encoder\.layers\.(\d+)\.(.+)$")
_GATE_KEY = re.compile(r"(^|\.)(original_)?gate\.(weight|bias)$")
_HEAD_PREFIXES = ("projector.", "classifier.", "layer_weights")


class ExHubertGate(nn.Linear):
    """
    The square linear layer that ends an expansion copy (zero-initialised) or, in the published layout, follows an
    original layer (identity-initialised). Called `gate_bb_linear` in the published ExHuBERT checkpoint.

    Args:
        hidden_size (`int`): Width of the residual stream.
        identity_init (`bool`, *optional*, defaults to `False`): Initialise to the identity instead of zero.
    """

    def __init__(self, hidden_size: int, identity_init: bool = False):
        super().__init__(hidden_size, hidden_size)
        self.identity_init = identity_init


class ExHubertExpansion(nn.Module):
    """
    One trainable copy of an original layer followed by its zero-initialised gate and a skip connection:
    `y = x + gate(layer(x))`. With the gate at zero the expansion is the identity.
    """

    def __init__(self, config: ExHubertConfig):
        super().__init__()
        layer_class = HubertEncoderLayerStableLayerNorm if config.do_stable_layer_norm else HubertEncoderLayer
        self.layer = layer_class(config)
        self.gate = ExHubertGate(config.hidden_size)

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None, **kwargs):
        return hidden_states + self.gate(self.layer(hidden_states, attention_mask=attention_mask, **kwargs))


class ExHubertBlock(nn.Module):
    """
    An original HuBERT layer (frozen by default), its optional identity-initialised gate (published layout) and the
    trainable expansions that follow it. `hidden_states` outputs hold one entry per block.

    Args:
        config (`ExHubertConfig`): The model configuration.
        num_copies (`int`): Number of trainable copies after the original layer (0 for a layer that is not expanded).
    """

    def __init__(self, config: ExHubertConfig, num_copies: int):
        super().__init__()
        layer_class = HubertEncoderLayerStableLayerNorm if config.do_stable_layer_norm else HubertEncoderLayer
        self.original = layer_class(config)
        self.original_gate = (
            ExHubertGate(config.hidden_size, identity_init=True) if config.original_layer_gates else None
        )
        self.expansions = nn.ModuleList([ExHubertExpansion(config) for _ in range(num_copies)])

    def original_parameters(self):
        """Parameters of the original layer and of its gate: the part `freeze_original_layers` freezes."""
        yield from self.original.parameters()
        if self.original_gate is not None:
            yield from self.original_gate.parameters()

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None, **kwargs):
        hidden_states = self.original(hidden_states, attention_mask=attention_mask, **kwargs)
        if self.original_gate is not None:
            hidden_states = self.original_gate(hidden_states)
        for expansion in self.expansions:
            hidden_states = expansion(hidden_states, attention_mask=attention_mask, **kwargs)
        return hidden_states


def _init_expanded_encoder(encoder: nn.Module, config: ExHubertConfig) -> None:
    nn.Module.__init__(encoder)
    encoder.config = config
    encoder.pos_conv_embed = HubertPositionalConvEmbedding(config)
    encoder.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
    encoder.dropout = nn.Dropout(config.hidden_dropout)
    encoder.layers = nn.ModuleList([ExHubertBlock(config, n) for n in config.num_copies_per_layer])
    encoder.gradient_checkpointing = False


class ExHubertEncoder(HubertEncoder):
    """HuBERT's post-layer-norm encoder (base models) with its layers replaced by [`ExHubertBlock`]s."""

    def __init__(self, config: ExHubertConfig):
        _init_expanded_encoder(self, config)


class ExHubertEncoderStableLayerNorm(HubertEncoderStableLayerNorm):
    """HuBERT's pre-layer-norm encoder (large models) with its layers replaced by [`ExHubertBlock`]s."""

    def __init__(self, config: ExHubertConfig):
        _init_expanded_encoder(self, config)


class ExHubertPreTrainedModel(HubertPreTrainedModel):
    """
    Base class of the ExHuBERT models: weight initialisation (gates at zero or identity), freezing, and
    [`~ExHubertPreTrainedModel.from_hubert`], the block expansion of a HuBERT checkpoint.
    """

    config_class = ExHubertConfig
    config: ExHubertConfig
    base_model_prefix = "hubert"
    _no_split_modules = ["ExHubertBlock", "ParametrizedConv1d"]
    _can_record_outputs = {
        "hidden_states": ExHubertBlock,
        "attentions": OutputRecorder(HubertAttention, index=1, layer_name="encoder"),
    }

    @torch.no_grad()
    def _init_weights(self, module):
        """Initialises like HuBERT, with expansion gates at zero and original-layer gates at the identity."""
        if isinstance(module, ExHubertGate):
            (init.eye_ if module.identity_init else init.zeros_)(module.weight)
            init.zeros_(module.bias)
        elif isinstance(module, AttentiveStatisticsPooling):
            init.zeros_(module.score)
        else:
            super()._init_weights(module)

    def _exhubert_base(self) -> "ExHubertModel":
        return getattr(self, self.base_model_prefix, self)

    def freeze_original_layers(self, freeze: bool = True):
        """
        Freezes (or, with `freeze=False`, unfreezes) the original HuBERT layers and their gates. The choice is stored
        in `config.freeze_original_layers`, so it is saved with the model and re-applied by `from_pretrained`.
        """
        self.config.freeze_original_layers = freeze
        for block in self._exhubert_base().encoder.layers:
            for param in block.original_parameters():
                param.requires_grad = not freeze

    def unfreeze_original_layers(self):
        """Makes the original HuBERT layers trainable again (the paper's "non-frozen" variant)."""
        self.freeze_original_layers(False)

    def freeze_og_encoder(self):
        """Alias of [`~ExHubertPreTrainedModel.freeze_original_layers`], the published checkpoint's method name."""
        self.freeze_original_layers(True)

    def freeze_feature_encoder(self, freeze: bool = True):
        """
        Freezes (or, with `freeze=False`, unfreezes) the convolutional feature encoder. The choice is stored in
        `config.freeze_feature_encoder`.
        """
        self.config.freeze_feature_encoder = freeze
        feature_encoder = self._exhubert_base().feature_extractor
        for param in feature_encoder.parameters():
            param.requires_grad = not freeze
        feature_encoder._requires_grad = not freeze

    def unfreeze_feature_encoder(self):
        """Makes the convolutional feature encoder trainable again."""
        self.freeze_feature_encoder(False)

    def apply_freezing(self):
        """Applies `config.freeze_original_layers` and `config.freeze_feature_encoder` to the parameters."""
        self.freeze_original_layers(self.config.freeze_original_layers)
        self.freeze_feature_encoder(self.config.freeze_feature_encoder)

    def num_parameters_by_status(self) -> dict[str, int]:
        """Counts parameters as `{"total": ..., "trainable": ..., "frozen": ...}` (works on the meta device)."""
        total = sum(p.numel() for p in self.parameters())
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        return {"total": total, "trainable": trainable, "frozen": total - trainable}

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        """
        Loads the model like [`~transformers.PreTrainedModel.from_pretrained`], then re-applies the freezing.

        Raises:
            ValueError: the checkpoint is the published `amiriparian/ExHuBERT` layout (a plain `HubertConfig` with 48
                flat layers, each with a `gate_bb_linear`), which must be converted first with
                `exhubert convert-original SRC OUT`.
        """
        import json

        from transformers.utils import cached_file

        source = args[0] if args else kwargs.get("pretrained_model_name_or_path")
        config_file = None
        if isinstance(source, (str, os.PathLike)):
            try:
                config_file = cached_file(
                    source,
                    "config.json",
                    subfolder=kwargs.get("subfolder") or "",
                    revision=kwargs.get("revision"),
                    cache_dir=kwargs.get("cache_dir"),
                    token=kwargs.get("token"),
                    local_files_only=kwargs.get("local_files_only", False),
                    _raise_exceptions_for_missing_entries=False,
                    _raise_exceptions_for_connection_errors=False,
                )
            except (OSError, ValueError):
                config_file = None
        if config_file is not None:
            try:
                with open(config_file, encoding="utf-8") as handle:
                    source_config = json.load(handle)
            except (OSError, ValueError):
                source_config = {}
            auto_map = source_config.get("auto_map") or {}
            if source_config.get("model_type") == "hubert" and (
                "ExHuBERT" in (source_config.get("architectures") or [])
                or any("ExHuBERT_model" in str(target) for target in auto_map.values())
            ):
                raise ValueError(
                    f"{source} is the published ExHuBERT checkpoint layout ({source_config.get('num_hidden_layers')} "
                    "flat layers with `gate_bb_linear`, generic LABEL_n class names), not an `exhubert` model. "
                    f"Convert it first with `exhubert convert-original {source} OUTPUT_DIR` (identical logits, named "
                    "classes), then load OUTPUT_DIR."
                )
        loaded = super().from_pretrained(*args, **kwargs)
        model = loaded[0] if isinstance(loaded, tuple) else loaded
        model.apply_freezing()
        return loaded

    model_card_writer = None
    """
    Optional `callable(directory, model, repo_id)` that writes the model card into a directory about to be pushed.
    `import exhubert` sets it to the package's card generator; remote-code loads keep transformers' generic card.
    """

    def _upload_modified_files(self, working_dir, repo_id, *args, **kwargs):
        """Replaces the generic card of a first `push_to_hub` with the ExHuBERT card before uploading."""
        readme = os.path.join(working_dir, "README.md")
        generic = True
        if os.path.isfile(readme):
            with open(readme, encoding="utf-8") as handle:
                generic = "automatically generated" in handle.read()
        if self.model_card_writer is not None and generic:
            self.model_card_writer(working_dir, self, repo_id)
        return super()._upload_modified_files(working_dir, repo_id, *args, **kwargs)

    def save_pretrained(self, save_directory, *args, **kwargs):
        """Saves like [`~transformers.PreTrainedModel.save_pretrained`], with an `auto_map` for the Auto classes."""
        module = self.__class__.__module__.rsplit(".", 1)[-1]
        config_module = self.config.__class__.__module__.rsplit(".", 1)[-1]
        self.config.auto_map = {
            "AutoConfig": f"{config_module}.{self.config.__class__.__name__}",
            "AutoModel": f"{module}.ExHubertModel",
            "AutoModelForAudioClassification": f"{module}.ExHubertForSequenceClassification",
        }
        if self._auto_class is None:
            self.__class__.register_for_auto_class(
                "AutoModelForAudioClassification"
                if "ForSequenceClassification" in type(self).__name__
                else "AutoModel"
            )
        if self.config._auto_class is None:
            self.config.__class__.register_for_auto_class()
        return super().save_pretrained(save_directory, *args, **kwargs)

    @classmethod
    def from_hubert(cls, source, **config_overrides):
        r"""
        Expands a HuBERT (or Wav2Vec2) checkpoint into an ExHuBERT: every weight of the source (feature encoder,
        projection, positional convolution, layers, final norm and, for a classification source, the head) is copied,
        each expanded layer gets `expansion_factor - 1` copies of itself with zero gates, and the returned model
        computes exactly what the source computes until it is trained.

        Args:
            source (`PreTrainedModel`, `str` or `os.PathLike`):
                A `HubertModel` / `HubertForSequenceClassification` / `HubertForCTC` instance (or the Wav2Vec2
                equivalents), a local checkpoint directory or a Hub id.
            config_overrides:
                [`ExHubertConfig`] fields to set on top of the source configuration, e.g. `expansion_factor=3`,
                `expanded_layers=[20, 21, 22, 23]`, `num_labels=4`, `freeze_original_layers=False`.

        Returns:
            The expanded model, of the class this method is called on.

        Example:

        ```python
        >>> from exhubert import ExHubertForSequenceClassification
        >>> model = ExHubertForSequenceClassification.from_hubert("facebook/hubert-large-ll60k")
        ```
        """
        source_model = _load_source_model(source, with_head=cls is not ExHubertModel)
        source_config = source_model.config
        source_has_head = hasattr(source_model, "classifier")

        config_dict = {k: v for k, v in source_config.to_dict().items() if k in _config_field_names()}
        for key in ("architectures", "auto_map", "transformers_version", "id2label", "label2id"):
            config_dict.pop(key, None)
        if source_has_head and "num_labels" not in config_overrides and "id2label" not in config_overrides:
            config_dict["id2label"] = dict(source_config.id2label)
            config_dict["label2id"] = dict(source_config.label2id)
        config_dict["source_model"] = getattr(source_config, "_name_or_path", None) or None
        config_dict.update(config_overrides)
        attn_implementation = config_dict.pop("attn_implementation", None)
        try:
            config = ExHubertConfig(**config_dict)
        except StrictDataclassError as error:
            raise ValueError(f"Cannot expand {_describe(source)}: {error}") from error
        config._attn_implementation = attn_implementation or source_config._attn_implementation

        model = cls(config)
        prefix = f"{model.base_model_prefix}." if cls is not ExHubertModel else ""
        state_dict, head = _expand_state_dict(source_model, config)
        state_dict = {prefix + key: value for key, value in state_dict.items()}
        if head and cls is not ExHubertModel:
            state_dict.update(_compatible_head(model, head))
        missing, unexpected = model.load_state_dict(state_dict, strict=False)
        if unexpected:
            raise ValueError(f"Cannot expand {_describe(source)}: unexpected weights {unexpected[:5]}.")
        new_head = [key for key in missing if key.startswith(_HEAD_PREFIXES + ("pooler.",))]
        lacking = [key for key in missing if not _GATE_KEY.search(key) and key not in new_head]
        if lacking:
            raise ValueError(f"Cannot expand {_describe(source)}: the source lacks the weights {lacking[:5]}.")
        if new_head and source_has_head:
            logger.warning(
                f"The classification head of {_describe(source)} does not fit the new configuration; "
                f"{new_head} are newly initialised."
            )
        model.train(source_model.training)
        return model


def _config_field_names() -> set[str]:
    import dataclasses

    return {field.name for field in dataclasses.fields(ExHubertConfig)} | {"num_labels"}


def _describe(source) -> str:
    return f"'{source}'" if isinstance(source, (str, os.PathLike)) else type(source).__name__


def _load_source_model(source, with_head: bool) -> PreTrainedModel:
    """Returns `source` as a model instance, loading it from a directory or the Hub if needed, after checks."""
    if isinstance(source, (str, os.PathLike)):
        config = AutoConfig.from_pretrained(source)
        _check_source_config(config, source)
        architectures = config.architectures or []
        if with_head and any(a.endswith("ForSequenceClassification") for a in architectures):
            return AutoModelForAudioClassification.from_pretrained(source)
        return AutoModel.from_pretrained(source)
    if not isinstance(source, PreTrainedModel):
        raise TypeError(
            f"`source` must be a HuBERT model instance, a local directory or a Hub id, got {type(source).__name__}."
        )
    _check_source_config(source.config, type(source).__name__)
    return source


def _check_source_config(config, source) -> None:
    model_type = getattr(config, "model_type", None)
    if model_type == "exhubert":
        raise ValueError(f"{source!s} is already an ExHuBERT model; load it with `from_pretrained` instead.")
    if model_type not in SUPPORTED_SOURCE_MODEL_TYPES:
        raise ValueError(
            f"Cannot expand {source!s}: its model_type is {model_type!r}, but block expansion needs a HuBERT-layout "
            f"encoder ({', '.join(SUPPORTED_SOURCE_MODEL_TYPES)})."
        )
    if getattr(config, "add_adapter", False) or getattr(config, "adapter_attn_dim", None):
        raise ValueError(f"Cannot expand {source!s}: Wav2Vec2 adapters are not supported.")


def _expand_state_dict(source_model: PreTrainedModel, config: ExHubertConfig):
    """Maps the source's base-model weights onto the expanded layout; returns `(base_state_dict, head_state_dict)`."""
    base_prefix = f"{source_model.base_model_prefix}."
    copies = config.num_copies_per_layer
    base, head = {}, {}
    for key, value in source_model.state_dict().items():
        if key.startswith(_HEAD_PREFIXES):
            head[key] = value
            continue
        if key.startswith(base_prefix):
            key = key[len(base_prefix) :]
        match = _LAYER_KEY.match(key)
        if match is None:
            base[key] = value
            continue
        index, rest = int(match.group(1)), match.group(2)
        base[f"encoder.layers.{index}.original.{rest}"] = value
        for copy in range(copies[index]):
            base[f"encoder.layers.{index}.expansions.{copy}.layer.{rest}"] = value.clone()
    return base, head


def _compatible_head(model: nn.Module, head: dict) -> dict:
    """The head weights of the source whose whole module (e.g. all of `classifier.*`) fits the new model."""
    own = model.state_dict()
    modules = {key.split(".")[0] for key in head}
    fitting = {
        module
        for module in modules
        if all(
            key in own and own[key].shape == value.shape for key, value in head.items() if key.split(".")[0] == module
        )
    }
    return {key: value for key, value in head.items() if key.split(".")[0] in fitting}


class ExHubertModel(ExHubertPreTrainedModel, HubertModel):
    r"""
    The bare ExHuBERT encoder: HuBERT's feature encoder and projection followed by the expanded transformer.

    `hidden_states` (with `output_hidden_states=True`) holds `config.num_hidden_layers + 1` tensors, exactly as for
    the source `HubertModel`: the encoder input (after the positional convolution), then the output of every block
    (original layer and its copies). Position `i + 1` is therefore the expanded counterpart of HuBERT's layer `i`,
    which keeps layer-probing code written for HuBERT valid. `attentions` holds one entry per transformer layer
    (originals and copies, in execution order: `config.num_total_layers` entries).
    """

    def __init__(self, config: ExHubertConfig):
        PreTrainedModel.__init__(self, config)
        self.config = config
        self.feature_extractor = HubertFeatureEncoder(config)
        self.feature_projection = HubertFeatureProjection(config)
        if config.mask_time_prob > 0.0 or config.mask_feature_prob > 0.0:
            self.masked_spec_embed = nn.Parameter(torch.Tensor(config.hidden_size).uniform_())
        if config.do_stable_layer_norm:
            self.encoder = ExHubertEncoderStableLayerNorm(config)
        else:
            self.encoder = ExHubertEncoder(config)
        self.post_init()
        self.apply_freezing()


class AttentiveStatisticsPooling(nn.Module):
    """
    Attentive statistics pooling (Okabe et al., 2018): frame scores `v·tanh(W h_t + b)`, softmax over the valid
    frames, and the attention-weighted mean and standard deviation, concatenated. `v` starts at zero, so at
    initialisation the mean half equals mean pooling.

    Args:
        hidden_size (`int`): Size of the frame features.
        attention_size (`int`, *optional*, defaults to 128): Size of the attention's hidden layer.
    """

    def __init__(self, hidden_size: int, attention_size: int = 128):
        super().__init__()
        self.attention = nn.Linear(hidden_size, attention_size)
        self.score = nn.Parameter(torch.zeros(attention_size))

    def forward(self, hidden_states: torch.Tensor, padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Pools `(batch, frames, hidden)` features over the frames where `padding_mask` is true."""
        scores = torch.tanh(self.attention(hidden_states)) @ self.score
        if padding_mask is not None:
            scores = scores.masked_fill(~padding_mask, torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1).unsqueeze(-1)
        mean = (weights * hidden_states).sum(dim=1)
        variance = (weights * hidden_states.pow(2)).sum(dim=1) - mean.pow(2)
        std = variance.clamp(min=1e-6).sqrt()
        return torch.cat([mean, std], dim=-1)


class ExHubertForSequenceClassification(ExHubertPreTrainedModel):
    r"""
    ExHuBERT with an utterance classification head: per-frame projection to `config.classifier_proj_size`, pooling
    over valid frames (`config.pooling_mode`) and a linear classifier. With `pooling_mode="mean"` the head is
    HuBERT's (`HubertForSequenceClassification`), so a source head is copied by `from_hubert`.
    """

    def __init__(self, config: ExHubertConfig):
        super().__init__(config)
        self.hubert = ExHubertModel(config)
        if config.use_weighted_layer_sum:
            num_layers = config.num_hidden_layers + 1
            self.layer_weights = nn.Parameter(torch.ones(num_layers) / num_layers)
        self.projector = nn.Linear(config.hidden_size, config.classifier_proj_size)
        if config.pooling_mode == "attentive_statistics":
            self.pooler = AttentiveStatisticsPooling(config.classifier_proj_size)
            classifier_input_size = 2 * config.classifier_proj_size
        else:
            self.pooler = None
            classifier_input_size = config.classifier_proj_size
        self.classifier = nn.Linear(classifier_input_size, config.num_labels)
        self.post_init()
        self.apply_freezing()

    @torch.no_grad()
    def _init_weights(self, module):
        super()._init_weights(module)
        if module is self and hasattr(module, "layer_weights"):
            init.constant_(module.layer_weights, 1.0 / (self.config.num_hidden_layers + 1))

    def freeze_base_model(self):
        """Freezes the whole encoder so that only the classification head trains."""
        for param in self.hubert.parameters():
            param.requires_grad = False

    def pool(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """
        Projects frame features and pools them over the valid frames.

        Args:
            hidden_states (`torch.Tensor` of shape `(batch, frames, hidden_size)`): Encoder output.
            attention_mask (`torch.Tensor` of shape `(batch, samples)`, *optional*): Sample-level mask of the input.

        Returns:
            `torch.Tensor` of shape `(batch, classifier_input_size)`.
        """
        hidden_states = self.projector(hidden_states)
        padding_mask = None
        if attention_mask is not None:
            padding_mask = self._get_feature_vector_attention_mask(hidden_states.shape[1], attention_mask)
        if self.pooler is not None:
            return self.pooler(hidden_states, padding_mask)
        if padding_mask is None:
            return hidden_states.mean(dim=1)
        hidden_states = hidden_states * padding_mask.unsqueeze(-1).to(hidden_states.dtype)
        return hidden_states.sum(dim=1) / padding_mask.sum(dim=1, keepdim=True).to(hidden_states.dtype)

    @can_return_tuple
    def forward(
        self,
        input_values: torch.Tensor | None,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs,
    ) -> SequenceClassifierOutput:
        r"""
        Args:
            input_values (`torch.Tensor` of shape `(batch_size, sequence_length)`):
                Raw 16 kHz waveforms, normalised and padded by the feature extractor.
            attention_mask (`torch.Tensor` of shape `(batch_size, sequence_length)`, *optional*):
                1 for real samples, 0 for padding. Pass it for layer-norm feature encoders (large models); models
                with a group-norm feature encoder (base) expect zero padding without a mask, as HuBERT does.
            labels (`torch.LongTensor` of shape `(batch_size,)`, *optional*):
                Class indices; when given, the cross-entropy loss is returned.
            kwargs:
                `output_hidden_states`, `output_attentions` and other HuBERT forward options.

        Returns:
            [`~transformers.modeling_outputs.SequenceClassifierOutput`] with `logits` of shape
            `(batch_size, num_labels)`; `hidden_states` as documented in [`ExHubertModel`].
        """
        if self.config.use_weighted_layer_sum:
            kwargs["output_hidden_states"] = True
        outputs = self.hubert(input_values, attention_mask=attention_mask, **kwargs)
        if self.config.use_weighted_layer_sum:
            stacked = torch.stack(outputs.hidden_states, dim=1)
            norm_weights = nn.functional.softmax(self.layer_weights, dim=-1)
            hidden_states = (stacked * norm_weights.view(-1, 1, 1)).sum(dim=1)
        else:
            hidden_states = outputs.last_hidden_state

        logits = self.classifier(self.pool(hidden_states, attention_mask))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits.view(-1, self.config.num_labels), labels.view(-1))
        return SequenceClassifierOutput(
            loss=loss, logits=logits, hidden_states=outputs.hidden_states, attentions=outputs.attentions
        )


__all__ = [
    "AttentiveStatisticsPooling",
    "ExHubertBlock",
    "ExHubertExpansion",
    "ExHubertForSequenceClassification",
    "ExHubertGate",
    "ExHubertModel",
    "ExHubertPreTrainedModel",
]
