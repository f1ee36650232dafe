"""[`ExHubertTrainer`]: multi-corpus fine-tuning on `transformers.Trainer`, in the way of sentence-transformers."""

import logging
import math
from collections import Counter
from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import ConcatDataset, DataLoader, SequentialSampler
from transformers import Trainer, TrainerCallback
from transformers.trainer_utils import EvalPrediction, seed_worker

from ..data.collator import AudioCollator
from ..losses import AMSoftmaxLoss, CCCLoss, CrossEntropyLoss, MultiTaskLoss
from ..metrics import compute_classification_metrics, compute_regression_metrics
from .sampler import CorpusBatchSampler, MultiCorpusBatchSampler, ProportionalBatchSampler, RoundRobinBatchSampler
from .training_args import ExHubertTrainingArguments, Losses, MultiCorpusBatchSamplers

logger = logging.getLogger(__name__)

REGRESSION_TARGETS_COLUMN = "regression_targets"
"""Column the trainer adds for the `"ccc"` loss: the `regression_columns` of every example as one float vector."""

MEAN_KEY = "mean"
"""Name under which metrics averaged over corpora are reported (`eval_mean_uar`); not allowed as a corpus name."""


class _SamplerEpochCallback(TrainerCallback):
    """Keeps the multi-corpus sampler on the trainer's epoch, also when a resumed run wraps the dataloader."""

    def __init__(self, trainer: "ExHubertTrainer"):
        self.trainer = trainer

    def on_epoch_begin(self, args, state, control, **kwargs):
        sampler = self.trainer.train_batch_sampler
        if sampler is not None:
            sampler.set_epoch(math.floor((state.epoch or 0.0) + 1e-6))


class ExHubertTrainer(Trainer):
    r"""
    [`~transformers.Trainer`] for multi-corpus speech emotion recognition with ExHuBERT (or any audio classifier that
    takes `input_values`/`attention_mask`).

    - `train_dataset` / `eval_dataset` are a dict of corpus name → `datasets.Dataset` (e.g. from
      `exhubert.data.builder.split_by_corpus`) or a single dataset, split by its `args.corpus_column` when it has one.
    - Training batches come from one corpus each, interleaved by `args.multi_dataset_batch_sampler`
      ([`RoundRobinBatchSampler`] or [`ProportionalBatchSampler`]), shuffled/length-bucketed inside each corpus by
      `args.train_sampling_strategy`; the order is a function of `(args.seed, epoch)`, so resuming from a checkpoint
      continues it exactly.
    - Batches are normalised and padded by [`~exhubert.data.collator.AudioCollator`] (attention mask only for
      layer-norm feature encoders).
    - The loss is `args.loss`: cross-entropy, AM-softmax or CCC (see [`ExHubertTrainingArguments`]), or the `loss`
      module passed here.
    - Evaluation runs per corpus and reports `eval_<corpus>_uar`, `eval_<corpus>_war`, `eval_<corpus>_macro_f1`
      (`eval_<corpus>_ccc_<column>` and `eval_<corpus>_ccc` for the CCC loss), `eval_<corpus>_loss`, and their means
      over corpora as `eval_mean_<metric>`.

    Args:
        model (`PreTrainedModel`): The model to train, e.g. an [`~exhubert.ExHubertForSequenceClassification`].
        args ([`ExHubertTrainingArguments`], *optional*): Training arguments; defaults to the paper's settings with
            `output_dir="exhubert_output"`.
        train_dataset (`Dataset` or `dict[str, Dataset]`, *optional*): Training corpora.
        eval_dataset (`Dataset` or `dict[str, Dataset]`, *optional*): Evaluation corpora.
        processing_class (`Wav2Vec2FeatureExtractor`, *optional*): Feature extractor; defaults to
            `exhubert.expansion.default_feature_extractor(model.config)`.
        data_collator (`Callable`, *optional*): Defaults to an [`~exhubert.data.collator.AudioCollator`].
        compute_metrics (`Callable[[EvalPrediction], dict]`, *optional*): Defaults to UAR/WAR/macro-F1 (or CCC).
        loss (`torch.nn.Module`, *optional*): A loss called as `loss(logits, labels)`, replacing `args.loss`.
        kwargs: Other [`~transformers.Trainer`] arguments (`callbacks`, `optimizers`, ...).

    Raises:
        ValueError: a corpus misses a column, its label names disagree with the model's, a corpus is named
            `"mean"`, or `args.remove_unused_columns` is set.
    """

    def __init__(
        self,
        model=None,
        args: ExHubertTrainingArguments | None = None,
        train_dataset=None,
        eval_dataset=None,
        processing_class=None,
        data_collator=None,
        compute_metrics=None,
        loss: torch.nn.Module | None = None,
        **kwargs,
    ):
        if model is None:
            raise ValueError("ExHubertTrainer needs a `model`.")
        if args is None:
            args = ExHubertTrainingArguments(output_dir="exhubert_output")
        elif not isinstance(args, ExHubertTrainingArguments):
            raise ValueError(
                f"`args` must be an ExHubertTrainingArguments, got {type(args).__name__}; build one with the same "
                "fields (it adds the multi-corpus sampler, the loss and the paper's defaults)."
            )
        if args.remove_unused_columns:
            raise ValueError(
                "remove_unused_columns=True would drop the audio column the collator needs; leave it False."
            )
        if processing_class is None:
            from ..expansion import default_feature_extractor

            processing_class = default_feature_extractor(model.config)
        self._custom_loss = loss
        train_corpora = self._as_corpora(train_dataset, args, "train_dataset")
        eval_corpora = self._as_corpora(eval_dataset, args, "eval_dataset")
        for corpora in (train_corpora, eval_corpora):
            if corpora is not None:
                self._check_corpora(corpora, model, args)
        if args.loss == Losses.CCC:
            train_corpora = self._with_regression_targets(train_corpora, args)
            eval_corpora = self._with_regression_targets(eval_corpora, args)
        if data_collator is None:
            data_collator = AudioCollator(
                processing_class,
                audio_column=args.audio_column,
                label_column=REGRESSION_TARGETS_COLUMN if args.loss == Losses.CCC else args.label_column,
                max_length_seconds=args.max_length_seconds,
            )
        if compute_metrics is None:
            compute_metrics = self.default_compute_metrics
        if args.ddp_find_unused_parameters is None:
            args.ddp_find_unused_parameters = float(getattr(model.config, "layerdrop", 0.0) or 0.0) > 0.0

        self.train_corpora = train_corpora
        self.train_batch_sampler: MultiCorpusBatchSampler | None = None
        self._pooled_features: torch.Tensor | None = None
        self._loss_fn = None
        if eval_corpora is not None and list(eval_corpora) == ["__single__"]:
            eval_corpora = eval_corpora["__single__"]
        super().__init__(
            model=model,
            args=args,
            data_collator=data_collator,
            train_dataset=None if train_corpora is None else ConcatDataset(list(train_corpora.values())),
            eval_dataset=eval_corpora,
            processing_class=processing_class,
            compute_metrics=compute_metrics,
            **kwargs,
        )
        # Our losses are per-batch means: let the Trainer divide them by the gradient accumulation steps.
        self.model_accepts_loss_kwargs = False
        self._loss_fn = self._build_loss(train_corpora)
        self.add_callback(_SamplerEpochCallback(self))

    # ---- data -------------------------------------------------------------------------------------------------

    @staticmethod
    def _as_corpora(dataset, args: ExHubertTrainingArguments, what: str) -> dict | None:
        """Normalises a dataset argument into an ordered dict corpus name → dataset."""
        if dataset is None:
            return None
        if isinstance(dataset, Mapping):
            corpora = dict(dataset)
            if not corpora:
                raise ValueError(f"{what} is an empty dict; give at least one corpus.")
        elif hasattr(dataset, "column_names") and args.corpus_column in dataset.column_names:
            names = np.asarray(dataset[args.corpus_column])
            corpora = {
                str(name): dataset.select(np.flatnonzero(names == name).tolist())
                for name in dict.fromkeys(names.tolist())
            }
        else:
            corpora = {"__single__" if what == "eval_dataset" else "train": dataset}
        if MEAN_KEY in corpora:
            raise ValueError(f"A corpus of {what} is named {MEAN_KEY!r}, which is reserved for the mean over corpora.")
        for name, corpus in corpora.items():
            if len(corpus) == 0:
                raise ValueError(f"Corpus {name!r} of {what} is empty; drop it or give it examples.")
        return corpora

    @staticmethod
    def _check_corpora(corpora: dict, model, args: ExHubertTrainingArguments) -> None:
        """Checks columns and label names of every corpus against the arguments and the model configuration."""
        model_labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        for name, corpus in corpora.items():
            columns = getattr(corpus, "column_names", None)
            if columns is None:
                continue
            shown = "the dataset" if name == "__single__" else f"corpus {name!r}"
            required = [args.audio_column]
            required += list(args.regression_columns) if args.loss == Losses.CCC else [args.label_column]
            missing = [column for column in required if column not in columns]
            if missing:
                raise ValueError(f"{shown} has no column {missing} (columns: {columns}); rename or add it.")
            if args.loss == Losses.CCC:
                continue
            feature = corpus.features.get(args.label_column)
            names = getattr(feature, "names", None)
            if names is not None and list(names) != model_labels[: len(names)]:
                raise ValueError(
                    f"The label names of {shown} {list(names)} differ from the model's {model_labels}; build the "
                    "model with the dataset's id2label or cast the label column to the model's classes."
                )

    @staticmethod
    def _with_regression_targets(corpora: dict | None, args: ExHubertTrainingArguments) -> dict | None:
        """Adds the regression columns of every corpus as one float vector column (no audio decoding)."""
        if corpora is None:
            return None
        result = {}
        for name, corpus in corpora.items():
            values = np.stack([np.asarray(corpus[column], dtype=np.float32) for column in args.regression_columns], 1)
            if not np.isfinite(values).all():
                raise ValueError(
                    f"Corpus {name!r} has missing or non-finite values in {args.regression_columns}; filter them out "
                    "before training with the 'ccc' loss."
                )
            if REGRESSION_TARGETS_COLUMN in corpus.column_names:
                corpus = corpus.remove_columns(REGRESSION_TARGETS_COLUMN)
            result[name] = corpus.add_column(REGRESSION_TARGETS_COLUMN, values.tolist())
        return result

    def _corpus_lengths(self, name: str, corpus) -> list[float]:
        """Durations (or lengths) of the examples of one corpus for length bucketing."""
        for column in (self.args.length_column_name, "duration"):
            if column in corpus.column_names:
                return [float(value) for value in corpus[column]]
        logger.warning(
            "Corpus %r has no %r or 'duration' column: decoding its audio once to measure lengths for "
            "group_by_length.",
            name,
            self.args.length_column_name,
        )
        collator = AudioCollator(self.processing_class, audio_column=self.args.audio_column)
        return [float(len(collator.waveform(corpus[i]))) for i in range(len(corpus))]

    def get_multi_corpus_batch_sampler(self) -> MultiCorpusBatchSampler:
        """
        Builds the training batch sampler from `self.train_corpora` and the arguments (override for custom
        interleavings).

        Returns:
            A [`MultiCorpusBatchSampler`] yielding indices into the concatenation of the training corpora.
        """
        samplers = []
        for name, corpus in self.train_corpora.items():
            strategy = self.args.train_sampling_strategy
            lengths = self._corpus_lengths(name, corpus) if strategy == "group_by_length" else None
            samplers.append(
                CorpusBatchSampler(
                    len(corpus),
                    self.args.per_device_train_batch_size,
                    strategy=strategy,
                    lengths=lengths,
                    drop_last=self.args.dataloader_drop_last,
                    num_replicas=max(1, self.args.world_size),
                    rank=self.args.process_index if self.args.world_size > 1 else 0,
                    length_grouping_factor=self.args.length_grouping_factor,
                )
            )
        seed = self.args.data_seed if self.args.data_seed is not None else self.args.seed
        sampler_class = (
            RoundRobinBatchSampler
            if self.args.multi_dataset_batch_sampler == MultiCorpusBatchSamplers.ROUND_ROBIN
            else ProportionalBatchSampler
        )
        return sampler_class(samplers, corpus_names=list(self.train_corpora), seed=seed)

    def get_train_dataloader(self) -> DataLoader:
        """The training dataloader over all corpora, batched by [`get_multi_corpus_batch_sampler`]."""
        if self.train_dataset is None:
            raise ValueError("ExHubertTrainer: training requires a train_dataset.")
        self.train_batch_sampler = self.get_multi_corpus_batch_sampler()
        params = {
            "batch_sampler": self.train_batch_sampler,
            "collate_fn": self.data_collator,
            "num_workers": self.args.dataloader_num_workers,
            "pin_memory": self.args.dataloader_pin_memory,
            "persistent_workers": self.args.dataloader_persistent_workers,
            "prefetch_factor": self.args.dataloader_prefetch_factor,
            "worker_init_fn": lambda worker_id: seed_worker(
                worker_id, num_workers=self.args.dataloader_num_workers, rank=self.args.process_index
            ),
        }
        if self.args.dataloader_num_workers == 0:
            params.pop("worker_init_fn")
        dataloader = self.accelerator.prepare(DataLoader(self.train_dataset, **params))
        # The sampler is rank-aware already: make accelerate's per-process batch sharding a pass-through.
        shard = getattr(dataloader, "batch_sampler", None)
        if shard is not None and getattr(shard, "batch_sampler", None) is self.train_batch_sampler:
            shard.num_processes = 1
            shard.process_index = 0
        return dataloader

    def _get_eval_sampler(self, eval_dataset):
        """Evaluation keeps the dataset order (length bucketing applies to training only)."""
        if self.args.train_sampling_strategy == "group_by_length" and eval_dataset is not None:
            return SequentialSampler(eval_dataset)
        return super()._get_eval_sampler(eval_dataset)

    # ---- loss -------------------------------------------------------------------------------------------------

    def _class_weights(self, train_corpora: dict | None) -> list[float] | None:
        weights = self.args.class_weights
        num_labels = self.model.config.num_labels
        if weights is None:
            return None
        if weights == "balanced":
            if train_corpora is None:
                raise ValueError("class_weights='balanced' needs a train_dataset to count the classes.")
            counts = Counter()
            for corpus in train_corpora.values():
                counts.update(int(label) for label in corpus[self.args.label_column])
            total = sum(counts.values())
            present = [c for c in range(num_labels) if counts[c] > 0]
            return [total / (len(present) * counts[c]) if counts[c] else 0.0 for c in range(num_labels)]
        if len(weights) != num_labels:
            raise ValueError(f"class_weights has {len(weights)} entries but the model has {num_labels} labels.")
        return [float(w) for w in weights]

    def _build_loss(self, train_corpora: dict | None) -> torch.nn.Module:
        if self._custom_loss is not None:
            return self._custom_loss
        if self.args.loss == Losses.CCC:
            columns = list(self.args.regression_columns)
            if self.model.config.num_labels != len(columns):
                raise ValueError(
                    f"The 'ccc' loss regresses {columns} but the model has {self.model.config.num_labels} outputs; "
                    f"build it with num_labels={len(columns)}."
                )
            weights = dict(zip(columns, self.args.regression_weights or [1.0] * len(columns)))
            return MultiTaskLoss({column: CCCLoss() for column in columns}, weights=weights)
        class_weights = self._class_weights(train_corpora)
        if self.args.loss == Losses.AM_SOFTMAX:
            classifier = getattr(self.model, "classifier", None)
            if not isinstance(classifier, torch.nn.Linear):
                raise ValueError("The 'am_softmax' loss needs a model with a linear `classifier` head.")
            if classifier.bias is not None:
                with torch.no_grad():
                    classifier.bias.zero_()
                classifier.bias.requires_grad = False
            classifier.register_forward_hook(self._capture_pooled_features)
            return AMSoftmaxLoss(self.args.am_softmax_margin, self.args.am_softmax_scale, class_weights=class_weights)
        return CrossEntropyLoss(class_weights=class_weights, label_smoothing=self.args.label_smoothing)

    def _capture_pooled_features(self, module, inputs, output) -> None:
        self._pooled_features = inputs[0]

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """
        Computes `args.loss` (or the custom `loss`) on one batch.

        Args:
            model (`torch.nn.Module`): The (possibly DDP-wrapped) model.
            inputs (`dict`): Collated batch with `labels`.
            return_outputs (`bool`, *optional*, defaults to `False`): Also return the model outputs; for AM-softmax
                their `logits` are the margin-free scaled cosines used for evaluation.
            num_items_in_batch: Unused; the losses are per-batch means.

        Returns:
            The loss, or `(loss, outputs)` when `return_outputs`.
        """
        inputs = dict(inputs)
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits
        if self._custom_loss is not None:
            loss = self._loss_fn(logits, labels)
        elif self.args.loss == Losses.CCC:
            columns = list(self.args.regression_columns)
            predictions = {column: logits[:, i] for i, column in enumerate(columns)}
            targets = {column: labels[:, i] for i, column in enumerate(columns)}
            loss = self._loss_fn(predictions, targets)
        elif self.args.loss == Losses.AM_SOFTMAX:
            features, self._pooled_features = self._pooled_features, None
            weight = self.accelerator.unwrap_model(model).classifier.weight
            loss = self._loss_fn(features, weight, labels)
            outputs.logits = self._loss_fn.cosine_logits(features, weight)
        else:
            loss = self._loss_fn(logits, labels)
        outputs.loss = loss
        return (loss, outputs) if return_outputs else loss

    def train(self, *args, **kwargs):
        """
        Trains like [`~transformers.Trainer.train`]. With the AM-softmax loss the classifier rows are then set to
        `scale * w_c / |w_c|` (bias zero), so that the saved model's `argmax(logits)` is the cosine classifier's.
        """
        output = super().train(*args, **kwargs)
        if self._custom_loss is None and self.args.loss == Losses.AM_SOFTMAX:
            classifier = self.model.classifier
            with torch.no_grad():
                classifier.weight.copy_(
                    self.args.am_softmax_scale * torch.nn.functional.normalize(classifier.weight, dim=-1)
                )
        return output

    # ---- evaluation -------------------------------------------------------------------------------------------

    def default_compute_metrics(self, prediction: EvalPrediction) -> dict[str, float]:
        """UAR, WAR and macro-F1 of the logits (classification), or CCC per regression column and their mean."""
        predictions = prediction.predictions
        if isinstance(predictions, tuple):
            predictions = predictions[0]
        if self.args.loss == Losses.CCC:
            return compute_regression_metrics(predictions, prediction.label_ids, names=self.args.regression_columns)
        return compute_classification_metrics(predictions, prediction.label_ids)

    def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix: str = "eval") -> dict[str, float]:
        """
        Evaluates every corpus and adds the mean of each metric over corpora as `<prefix>_mean_<metric>`.

        Args:
            eval_dataset (`Dataset` or `dict[str, Dataset]`, *optional*): Overrides `self.eval_dataset`; a single
                dataset with a corpus column is split into corpora.
            ignore_keys (`list[str]`, *optional*): Output keys to ignore.
            metric_key_prefix (`str`, *optional*, defaults to `"eval"`): Prefix of the metric names.

        Returns:
            `dict[str, float]` with per-corpus metrics (`eval_<corpus>_uar`, ...) and their means (`eval_mean_uar`).
        """
        if eval_dataset is not None:
            eval_dataset = self._as_corpora(eval_dataset, self.args, "eval_dataset")
            self._check_corpora(eval_dataset, self.model, self.args)
            if self.args.loss == Losses.CCC:
                eval_dataset = self._with_regression_targets(eval_dataset, self.args)
            if list(eval_dataset) == ["__single__"]:
                eval_dataset = eval_dataset["__single__"]
        override = eval_dataset is not None
        corpora = eval_dataset if override else self.eval_dataset
        if not isinstance(corpora, Mapping):
            return super().evaluate(eval_dataset, ignore_keys=ignore_keys, metric_key_prefix=metric_key_prefix)
        metrics = {}
        for name, corpus in corpora.items():
            metrics.update(
                super().evaluate(
                    corpus if override else name,
                    ignore_keys=ignore_keys,
                    metric_key_prefix=f"{metric_key_prefix}_{name}",
                )
            )
        means = self._mean_over_corpora(metrics, list(corpora), metric_key_prefix)
        if means:
            self.log(means)
            metrics.update(means)
        return metrics

    @staticmethod
    def _mean_over_corpora(metrics: dict, corpora: list[str], prefix: str) -> dict[str, float]:
        skip = ("runtime", "samples_per_second", "steps_per_second", "model_preparation_time", "epoch")
        heads = sorted(((f"{prefix}_{corpus}_", corpus) for corpus in corpora), key=lambda item: -len(item[0]))
        per_metric: dict[str, list[float]] = {}
        for key, value in metrics.items():
            if not isinstance(value, (int, float)):
                continue
            # The longest matching corpus name wins, so that corpora "a" and "a_b" do not mix.
            head = next((head for head, _ in heads if key.startswith(head)), None)
            if head is not None and key[len(head) :] not in skip:
                per_metric.setdefault(key[len(head) :], []).append(float(value))
        return {
            f"{prefix}_{MEAN_KEY}_{name}": float(np.mean(values))
            for name, values in per_metric.items()
            if len(values) == len(corpora)
        }
