"""Training arguments of [`ExHubertTrainer`]: multi-corpus sampling, the loss and the paper's defaults."""

from dataclasses import dataclass, field

from transformers import TrainingArguments
from transformers.utils import ExplicitEnum


class MultiCorpusBatchSamplers(ExplicitEnum):
    """
    How batches of the training corpora are interleaved. Every batch holds examples of one corpus only.

    - `"round_robin"` (default): one batch of each corpus in turn (corpus 0, 1, ..., n-1, 0, 1, ...). Corpora with
      fewer batches are cycled (restarted with a fresh shuffle) until the largest corpus has been seen once, so every
      corpus gets the same number of batches whatever its size. One epoch is `n_corpora x max_i(batches_i)` batches.
    - `"proportional"`: every batch of every corpus exactly once per epoch, in a random order, so larger corpora are
      seen more often. One epoch is `sum_i(batches_i)` batches.
    """

    ROUND_ROBIN = "round_robin"
    PROPORTIONAL = "proportional"


class Losses(ExplicitEnum):
    """
    The training objective.

    - `"cross_entropy"` (default): softmax cross-entropy on the model's logits (optional class weights).
    - `"am_softmax"`: additive-margin softmax on a cosine classifier over the pooled features and the classifier's
      weight rows (`am_softmax_margin`, `am_softmax_scale`); the classifier bias is zeroed and frozen.
    - `"ccc"`: `1 - CCC` per regression column (`regression_columns`, e.g. arousal and valence), combined with
      `regression_weights`; the model's `num_labels` must equal the number of regression columns.
    """

    CROSS_ENTROPY = "cross_entropy"
    AM_SOFTMAX = "am_softmax"
    CCC = "ccc"


@dataclass
class ExHubertTrainingArguments(TrainingArguments):
    r"""
    [`~transformers.TrainingArguments`] for multi-corpus speech emotion recognition with [`ExHubertTrainer`].

    The defaults follow the ExHuBERT paper (Amiriparian et al., Interspeech 2024): AdamW (transformers' default
    `optim`, PyTorch's fused AdamW, with `adam_beta1=0.9`, `adam_beta2=0.999`, `adam_epsilon=1e-8` and
    `weight_decay=0.0`), `learning_rate=1e-5`, 3,000 optimisation steps (`max_steps=3000`, which overrides
    `num_train_epochs`), one corpus per batch in round robin. The learning-rate schedule is not among these values:
    the default stays transformers' linear decay, `examples/configs/paper.yaml` keeps the rate constant.

    Freezing is a property of the model: an ExHuBERT built by `from_hubert` keeps its CNN feature encoder and its
    original layers frozen (`freeze_feature_encoder=True`, `freeze_original_layers=True`, the paper setting); the
    trainer never updates a parameter with `requires_grad=False`.

    `train_sampling_strategy` applies inside every corpus: `"random"` (shuffle), `"sequential"` or
    `"group_by_length"` (length bucketing: each corpus is shuffled, cut into chunks of
    `length_grouping_factor x batch` examples, each chunk sorted by duration and cut into batches, then the batch order
    is shuffled). Durations come from `length_column_name` if the dataset has it, else from a `duration` column (as
    EmoSet++ has), else from decoding the audio once.

    With several processes (DDP) every optimisation step takes its batches from the same corpus on all ranks (each
    rank gets a different shard of that corpus' batch), so the step sequence is the same as in one process.
    `ddp_find_unused_parameters=None` (default) is resolved by the trainer: frozen parameters are not registered
    with DDP at all, so it is set to `False` unless the model uses LayerDrop (`config.layerdrop > 0`), which skips
    trainable blocks at random and needs `True`.

    Args:
        multi_dataset_batch_sampler (`str` or [`MultiCorpusBatchSamplers`], *optional*, defaults to `"round_robin"`):
            How corpora are interleaved: `"round_robin"` or `"proportional"`.
        loss (`str` or [`Losses`], *optional*, defaults to `"cross_entropy"`):
            `"cross_entropy"`, `"am_softmax"` or `"ccc"`.
        am_softmax_margin (`float`, *optional*, defaults to 0.2): AM-softmax additive cosine margin.
        am_softmax_scale (`float`, *optional*, defaults to 30.0): AM-softmax logit scale.
        class_weights (`list[float]` or `str`, *optional*):
            Per-class loss weights for `cross_entropy`/`am_softmax`: a list with one weight per model label, or
            `"balanced"` for `n_examples / (n_classes x count_c)` computed on the training set (all corpora).
        label_smoothing (`float`, *optional*, defaults to 0.0): Label smoothing of the cross-entropy.
        regression_columns (`list[str]`, *optional*, defaults to `["arousal", "valence"]`):
            Dataset columns regressed by the `"ccc"` loss, one model output each, in order.
        regression_weights (`list[float]`, *optional*): Weight of each regression column in the `"ccc"` loss
            (default 1.0 each).
        audio_column (`str`, *optional*, defaults to `"audio"`): Column holding the audio.
        label_column (`str`, *optional*, defaults to `"label"`): Column holding the class index.
        corpus_column (`str`, *optional*, defaults to `"corpus"`):
            Column used to split a single dataset into corpora; a dataset without it is one corpus.
        max_length_seconds (`float`, *optional*): Crop training and evaluation audio to this length.
        length_grouping_factor (`int`, *optional*, defaults to 50):
            Chunk size, in batches, of `group_by_length` bucketing.
    """

    multi_dataset_batch_sampler: MultiCorpusBatchSamplers | str = field(
        default=MultiCorpusBatchSamplers.ROUND_ROBIN,
        metadata={"help": "How corpora are interleaved: 'round_robin' or 'proportional'."},
    )
    loss: Losses | str = field(
        default=Losses.CROSS_ENTROPY, metadata={"help": "Training loss: 'cross_entropy', 'am_softmax' or 'ccc'."}
    )
    am_softmax_margin: float = field(default=0.2, metadata={"help": "AM-softmax additive cosine margin."})
    am_softmax_scale: float = field(default=30.0, metadata={"help": "AM-softmax logit scale."})
    class_weights: list[float] | str | None = field(
        default=None, metadata={"help": "Per-class loss weights (list, one per label) or 'balanced'."}
    )
    label_smoothing: float = field(default=0.0, metadata={"help": "Cross-entropy label smoothing."})
    regression_columns: list[str] = field(
        default_factory=lambda: ["arousal", "valence"],
        metadata={"help": "Columns regressed by the 'ccc' loss, one model output each."},
    )
    regression_weights: list[float] | None = field(
        default=None, metadata={"help": "Weight of each regression column in the 'ccc' loss."}
    )
    audio_column: str = field(default="audio", metadata={"help": "Column holding the audio."})
    label_column: str = field(default="label", metadata={"help": "Column holding the class index."})
    corpus_column: str = field(default="corpus", metadata={"help": "Column naming the corpus of each example."})
    max_length_seconds: float | None = field(default=None, metadata={"help": "Crop audio to this many seconds."})
    length_grouping_factor: int = field(
        default=50, metadata={"help": "Chunk size, in batches, of group_by_length bucketing inside each corpus."}
    )

    learning_rate: float = field(default=1e-5, metadata={"help": "Initial AdamW learning rate (paper: 1e-5)."})
    max_steps: int = field(default=3000, metadata={"help": "Optimisation steps (paper: 3000); -1 uses epochs."})
    remove_unused_columns: bool = field(
        default=False,
        metadata={"help": "Kept False: the audio collator needs the raw audio and label columns."},
    )

    def __post_init__(self):
        self.multi_dataset_batch_sampler = MultiCorpusBatchSamplers(self.multi_dataset_batch_sampler)
        self.loss = Losses(self.loss)
        if isinstance(self.class_weights, str) and self.class_weights != "balanced":
            raise ValueError(f"class_weights must be a list of floats or 'balanced', got {self.class_weights!r}.")
        if self.loss == Losses.CCC and not self.regression_columns:
            raise ValueError("The 'ccc' loss needs at least one entry in regression_columns, e.g. ['arousal'].")
        if self.regression_weights is not None and len(self.regression_weights) != len(self.regression_columns):
            raise ValueError(
                f"regression_weights has {len(self.regression_weights)} entries but regression_columns "
                f"{self.regression_columns} has {len(self.regression_columns)}."
            )
        if self.am_softmax_scale <= 0 or self.am_softmax_margin < 0:
            raise ValueError("am_softmax_scale must be positive and am_softmax_margin non-negative.")
        if self.length_grouping_factor < 1:
            raise ValueError(f"length_grouping_factor must be >= 1, got {self.length_grouping_factor}.")
        super().__post_init__()
        if self.train_sampling_strategy == "batch_rebalance":
            raise ValueError(
                "train_sampling_strategy='batch_rebalance' is not supported by ExHubertTrainer; use 'random', "
                "'sequential' or 'group_by_length' (applied inside each corpus)."
            )
