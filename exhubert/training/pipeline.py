"""
The fine-tuning job behind `examples/finetune.py` and `exhubert train --config FILE`: data, model expansion,
round-robin training, per-corpus test evaluation, plots, model card, all from one YAML configuration.

Configuration (YAML; every section optional except `data` and `model`):

```yaml
output_dir: runs/exhubert          # results layout below
seed: 42
model:
  source: facebook/hubert-large-ll60k   # HuBERT to expand (Hub id or folder), or
  # pretrained: path/to/exhubert         # an ExHuBERT to continue from, or
  # tiny_hubert: {do_stable_layer_norm: true}   # a tiny random HuBERT (offline demos/tests)
  config: {expansion_factor: 2}     # ExHubertConfig overrides for the expansion
data:
  emoset_dir: path/to/emoset        # a saved EmoSet++ (`exhubert emoset build`), or
  # corpora: {ravdess: /data/RAVDESS}; label_map: my_labels.csv   # built on the fly, or
  # synthetic: {num_corpora: 3}     # in-memory synthetic corpora, or
  # synthetic_corpora: {num_corpora: 3}   # synthetic WAV corpora built through build_emoset
  train_split: train
  eval_split: validation
  test_split: test
training: {...}                     # ExHubertTrainingArguments fields
card: {license: cc-by-nc-sa-4.0}    # ModelCardData fields
```

Results layout (the same with one or several processes): `checkpoints/` (Trainer checkpoints), `model/` (weights,
remote code, feature extractor, `README.md` card, `eval_results.json`), `eval_results.json` (per corpus and mean
`uar`, `war`, `macro_f1` on the test split, with chance levels), `plots/training_curves.png`,
`plots/confusion_matrix_<corpus>.png`, and `config.yaml` (the configuration used).
"""

import copy
import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import yaml

logger = logging.getLogger(__name__)

EVAL_RESULTS_FILE = "eval_results.json"
"""Name of the per-corpus test results file, in the output folder and in the model folder."""

_SECTIONS = {"output_dir", "seed", "model", "data", "training", "card"}


def load_config(path: str | os.PathLike) -> dict:
    """
    Reads a fine-tuning YAML configuration and checks its top-level sections.

    Args:
        path (`str` or `os.PathLike`): The YAML file.

    Returns:
        `dict` with the configuration.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not a YAML mapping or has unknown sections.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Configuration file {path} does not exist.")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ValueError(f"{path}: a fine-tuning configuration must be a YAML mapping of sections.")
    unknown = sorted(set(config) - _SECTIONS)
    if unknown:
        raise ValueError(f"{path}: unknown sections {unknown}; allowed: {sorted(_SECTIONS)}.")
    for section in ("model", "data"):
        if not isinstance(config.get(section), dict):
            raise ValueError(f"{path}: the `{section}` section is required and must be a mapping.")
    return config


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False)
    with handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    os.replace(handle.name, path)


def load_data(data_config: dict, output_dir: Path, seed: int, write: bool = True):
    """
    Loads or builds the EmoSet++ `DatasetDict` a configuration's `data` section describes.

    Args:
        data_config (`dict`): The `data` section (`emoset_dir`, `corpora`, `synthetic` or `synthetic_corpora`).
        output_dir (`Path`): Output folder (synthetic WAV corpora are written under it).
        seed (`int`): Seed of splits and synthetic data.
        write (`bool`, *optional*, defaults to `True`): Write the synthetic WAV corpora; with `False` (the other
            processes of a distributed run) the ones the main process wrote are read back.

    Returns:
        `datasets.DatasetDict`.

    Raises:
        ValueError: none or several data sources are given.
    """
    sources = [key for key in ("emoset_dir", "corpora", "synthetic", "synthetic_corpora") if key in data_config]
    if len(sources) != 1:
        raise ValueError(
            "The `data` section needs exactly one of `emoset_dir`, `corpora`, `synthetic`, `synthetic_corpora`; "
            f"got {sources or 'none'}."
        )
    source = sources[0]
    if source == "emoset_dir":
        from datasets import load_from_disk

        path = Path(data_config["emoset_dir"]).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"EmoSet++ folder {path} does not exist; build it with `exhubert emoset build`.")
        return load_from_disk(str(path))
    if source == "synthetic":
        from ..data.synthetic import synthetic_emoset

        return synthetic_emoset(**{"seed": seed, **(data_config["synthetic"] or {})})
    from ..data.builder import build_emoset

    label_map = data_config.get("label_map")
    if source == "synthetic_corpora":
        from ..data.synthetic import LABEL_MAP_FILE, generate_synthetic_corpora

        folder = output_dir / "synthetic_corpora"
        if write:
            corpora = generate_synthetic_corpora(
                folder, **{"seed": seed, **(data_config["synthetic_corpora"] or {})}, overwrite=True
            )
        else:
            corpora = {manifest.parent.name: manifest for manifest in sorted(folder.glob("*/manifest.csv"))}
        label_map = folder / LABEL_MAP_FILE
    else:
        corpora = data_config["corpora"]
    return build_emoset(corpora, label_map=label_map, seed=seed, **data_config.get("build", {}))


def build_model(model_config: dict, num_labels: int | None, seed: int):
    """
    Builds the ExHuBERT to fine-tune from the `model` section.

    Args:
        model_config (`dict`): `source` (HuBERT id/folder to expand), `pretrained` (ExHuBERT folder) or
            `tiny_hubert` (kwargs overrides of a tiny random HuBERT), plus `config` (ExHubertConfig overrides).
        num_labels (`int`, *optional*): Number of outputs for regression (`None` keeps the 6 classes).
        seed (`int`): Seed of random initialisations.

    Returns:
        [`~exhubert.ExHubertForSequenceClassification`].

    Raises:
        ValueError: none or several model sources are given.
    """
    import torch
    from transformers import HubertConfig, HubertModel

    from ..models.exhubert import ExHubertForSequenceClassification
    from ..utils import tiny_hubert_kwargs

    sources = [key for key in ("source", "pretrained", "tiny_hubert") if key in model_config]
    if len(sources) != 1:
        raise ValueError(f"The `model` section needs exactly one of source, pretrained, tiny_hubert; got {sources}.")
    overrides = dict(model_config.get("config") or {})
    if num_labels is not None:
        overrides["num_labels"] = num_labels
    torch.manual_seed(seed)
    if "pretrained" in model_config:
        return ExHubertForSequenceClassification.from_pretrained(model_config["pretrained"], **overrides)
    if "tiny_hubert" in model_config:
        source = HubertModel(HubertConfig(**tiny_hubert_kwargs(**(model_config["tiny_hubert"] or {}))))
    else:
        source = model_config["source"]
    return ExHubertForSequenceClassification.from_hubert(source, **overrides)


def run_finetuning(config: dict, output_dir: str | os.PathLike | None = None, resume_from_checkpoint=None) -> dict:
    """
    Runs a whole fine-tuning job: data, model, training, test evaluation per corpus, plots, saved model with card.
    Works the same in one process and under `accelerate launch --multi_gpu --num_processes N` / `torchrun` (only the
    main process writes the results).

    Args:
        config (`dict`): The configuration (see the module docstring), e.g. from [`load_config`].
        output_dir (`str` or `os.PathLike`, *optional*): Overrides `config["output_dir"]`.
        resume_from_checkpoint (`str` or `bool`, *optional*): Passed to `Trainer.train`.

    Returns:
        `dict` with `output_dir`, `model_dir`, `eval_results` (per corpus and mean), `train_metrics`,
        `world_size`, `plots` and `test_speakers`.

    Raises:
        ValueError: invalid configuration.
    """
    from ..hub.model_card import ModelCardData, save_model_card
    from ..utils import atomic_directory
    from .plots import plot_confusion_matrix, plot_training_curves
    from .trainer import ExHubertTrainer
    from .training_args import ExHubertTrainingArguments, Losses

    config = copy.deepcopy(config)
    output_dir = Path(output_dir or config.get("output_dir") or "exhubert_output")
    seed = int(config.get("seed", 42))
    data_config = dict(config["data"])
    training_config = dict(config.get("training") or {})
    training_config.setdefault("seed", seed)
    training_config.setdefault("report_to", [])
    args = ExHubertTrainingArguments(output_dir=str(output_dir / "checkpoints"), **training_config)

    with args.main_process_first(local=False, desc="building the data"):
        dataset = load_data(data_config, output_dir, seed, write=args.process_index == 0)
    splits = {
        key: data_config.get(f"{key}_split", default)
        for key, default in (("train", "train"), ("eval", "validation"), ("test", "test"))
    }
    missing = [name for name in splits.values() if name and name not in dataset]
    if missing:
        raise ValueError(f"The dataset has no split {missing}; it has {list(dataset)}.")
    regression = args.loss == Losses.CCC
    model = build_model(config["model"], len(args.regression_columns) if regression else None, seed)
    eval_dataset = dataset[splits["eval"]] if splits["eval"] and args.eval_strategy != "no" else None
    trainer = ExHubertTrainer(
        model=model, args=args, train_dataset=dataset[splits["train"]], eval_dataset=eval_dataset
    )
    train_output = trainer.train(resume_from_checkpoint=resume_from_checkpoint)

    test_corpora = ExHubertTrainer._as_corpora(dataset[splits["test"]], args, "test")
    results, predictions = {}, {}
    for corpus, corpus_dataset in test_corpora.items():
        prefix = f"test_{corpus}" if corpus != "__single__" else "test"
        output = trainer.predict(corpus_dataset, metric_key_prefix=prefix)
        results[corpus] = {
            key[len(prefix) + 1 :]: float(value)
            for key, value in output.metrics.items()
            if not key.endswith(("_runtime", "_per_second", "model_preparation_time"))
        }
        results[corpus]["num_examples"] = len(corpus_dataset)
        if not regression:
            references = np.asarray(output.label_ids)
            results[corpus]["chance_uar"] = 1.0 / len(np.unique(references))
        predictions[corpus] = output
    metric_names = sorted({key for r in results.values() for key in r if key not in ("num_examples",)})
    mean = {key: float(np.mean([r[key] for r in results.values() if key in r])) for key in metric_names}
    eval_results = {
        "split": splits["test"],
        "world_size": args.world_size,
        "global_step": trainer.state.global_step,
        "corpora": results,
        "mean": mean,
    }

    plots = []
    model_dir = output_dir / "model"
    if trainer.is_world_process_zero():
        plots_dir = output_dir / "plots"
        plots.append(
            plot_training_curves(
                trainer.state.log_history,
                plots_dir / "training_curves.png",
                metric="ccc" if regression else "uar",
                chance=None if regression else 1.0 / model.config.num_labels,
            )
        )
        if not regression:
            labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
            for corpus, output in predictions.items():
                plots.append(
                    plot_confusion_matrix(
                        np.asarray(output.predictions).argmax(-1),
                        output.label_ids,
                        labels,
                        plots_dir / f"confusion_matrix_{corpus}.png",
                        title=f"{corpus} ({splits['test']}), UAR {results[corpus]['uar']:.2f}",
                    )
                )
        _write_json(output_dir / EVAL_RESULTS_FILE, eval_results)
        card_fields = {
            "training_corpora": _corpus_summaries(trainer.train_corpora),
            "eval_split": splits["test"],
            "hyperparameters": _hyperparameters(args),
        }
        if not regression:
            card_fields["label_mapping"] = _label_mapping(
                trainer.train_corpora, model.config.id2label, args.label_column
            )
            card_fields["eval_results"] = {c: r for c, r in results.items() if c != "__single__"}
        card_data = ModelCardData(**{**card_fields, **(config.get("card") or {})})
        with atomic_directory(model_dir, overwrite=True) as tmp:
            trainer.model.save_pretrained(tmp)
            trainer.processing_class.save_pretrained(tmp)
            _write_json(tmp / EVAL_RESULTS_FILE, eval_results)
            save_model_card(tmp, trainer.model, card_data)
        handle = tempfile.NamedTemporaryFile("w", dir=output_dir, prefix=".config.yaml.", delete=False)
        with handle:
            yaml.safe_dump(config, handle, sort_keys=False)
        os.replace(handle.name, output_dir / "config.yaml")
        logger.info("Fine-tuning results written to %s", output_dir)
    trainer.accelerator.wait_for_everyone()
    return {
        "output_dir": str(output_dir),
        "model_dir": str(model_dir),
        "eval_results": eval_results,
        "train_metrics": train_output.metrics,
        "world_size": args.world_size,
        "plots": [str(p) for p in plots],
        "test_speakers": sorted(set(dataset[splits["test"]]["speaker"]))
        if "speaker" in dataset[splits["test"]].column_names
        else [],
    }


def _corpus_summaries(corpora: dict) -> dict[str, dict]:
    """Number of examples, hours and languages of every training corpus, for the model card."""
    summaries = {}
    for name, corpus in corpora.items():
        summary = {"num_examples": len(corpus)}
        if "duration" in corpus.column_names:
            summary["hours"] = float(np.sum(corpus["duration"])) / 3600.0
        if "language" in corpus.column_names:
            summary["languages"] = sorted({language for language in corpus["language"] if language})
        summaries[name] = summary
    return summaries


def _label_mapping(corpora: dict, id2label: dict, label_column: str) -> dict[str, dict[str, list[str]]]:
    """Class -> corpus -> raw corpus labels mapped to it, read from the `raw_label` column, for the model card."""
    mapping: dict[str, dict[str, list[str]]] = {}
    for name, corpus in corpora.items():
        if "raw_label" not in corpus.column_names:
            continue
        for raw, label in sorted(set(zip(corpus["raw_label"], corpus[label_column]))):
            mapping.setdefault(id2label[int(label)], {}).setdefault(name, []).append(str(raw))
    return {id2label[i]: mapping[id2label[i]] for i in sorted(id2label) if id2label[i] in mapping}


def _hyperparameters(args) -> dict:
    """The training arguments worth listing on a model card."""
    keys = (
        "loss",
        "multi_dataset_batch_sampler",
        "learning_rate",
        "max_steps",
        "num_train_epochs",
        "per_device_train_batch_size",
        "gradient_accumulation_steps",
        "optim",
        "adam_beta1",
        "adam_beta2",
        "adam_epsilon",
        "weight_decay",
        "warmup_steps",
        "lr_scheduler_type",
        "seed",
        "train_sampling_strategy",
        "max_length_seconds",
    )
    values = args.to_dict()
    if args.max_steps > 0:
        keys = tuple(key for key in keys if key != "num_train_epochs")  # max_steps overrides the epochs
    result = {key: values[key] for key in keys if key in values}
    result["world_size"] = args.world_size
    return result
