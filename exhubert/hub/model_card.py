"""Model cards for ExHuBERT checkpoints, rendered from `model_cards/model_card.md.j2`."""

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import AutoConfig, PretrainedConfig, PreTrainedModel

from .templates import render_template

MODEL_CARD_TEMPLATE = "model_card.md.j2"

MODEL_ID_PLACEHOLDER = "path/or/hub-id/of/this/model"
"""Model id written in the usage snippet of a card generated without `repo_id`; [`push_model`] fills it in."""

EXHUBERT_CITATION = """@inproceedings{amiriparian2024exhubert,
  title     = {{ExHuBERT}: Enhancing {HuBERT} Through Block Extension and Fine-Tuning on 37 Emotion Datasets},
  author    = {Amiriparian, Shahin and Packa{\\'n}, Filip and Gerczuk, Maurice and Schuller, Bj{\\"o}rn W.},
  booktitle = {Proc. Interspeech 2024},
  year      = {2024},
  eprint    = {2406.10275},
  archivePrefix = {arXiv},
}"""

HUBERT_CITATION = """@article{hsu2021hubert,
  title   = {{HuBERT}: Self-Supervised Speech Representation Learning by Masked Prediction of Hidden Units},
  author  = {Hsu, Wei-Ning and Bolte, Benjamin and Tsai, Yao-Hung Hubert and Lakhotia, Kushal and
             Salakhutdinov, Ruslan and Mohamed, Abdelrahman},
  journal = {IEEE/ACM Transactions on Audio, Speech, and Language Processing},
  volume  = {29},
  pages   = {3451--3460},
  year    = {2021},
}"""

DEFAULT_INTENDED_USE = (
    "Research on speech emotion recognition: estimating the expressed arousal (low/high) and valence "
    "(negative/neutral/positive) of short speech segments, as features for downstream analysis, or as a starting "
    "point for fine-tuning on a new corpus (the original layers stay frozen, only the expansions train)."
)

DEFAULT_LIMITATIONS = (
    "The training corpora are mostly acted or elicited emotional speech from a limited set of languages and "
    "speakers; performance on spontaneous, noisy, far-field or unseen-language speech is lower and should be measured "
    "before use. The six classes are a coarse arousal x valence grid, labels of different corpora were mapped onto "
    "it, and predictions describe the *expressed* emotion of a segment, not a person's inner state. Do not use the "
    "model for decisions about individuals (hiring, health, law enforcement, surveillance) or without their consent. "
    "The model works best on segments of a few seconds: classify long recordings in windows."
)


@dataclass
class ModelCardData:
    """
    What a model card says beyond what the configuration tells: training data, results, licence and intended use.

    Args:
        model_name (`str`, *optional*): Title of the card; defaults to the repository or directory name.
        model_description (`str`, *optional*): A paragraph describing the model.
        base_model (`str`, *optional*): Checkpoint the model was expanded from; defaults to `config.source_model`.
        repo_id (`str`, *optional*): Hub id used in the usage snippet (filled in automatically on push).
        language (`list[str]`): ISO 639-1 codes of the training speech.
        license (`str`, *optional*): Licence identifier of the weights, e.g. `"cc-by-nc-sa-4.0"`.
        datasets (`list[str]`): Hub dataset ids the model was trained on (card metadata).
        tags (`list[str]`): Extra Hub tags.
        training_corpora (`dict[str, int | dict]`): Corpus id -> number of training examples, or a dict with any of
            `num_examples`, `hours`, `languages`, `license`, `citation`, `name`, `homepage`. Missing licence,
            citation, name and languages are taken from the corpus script in `dataset_scripts/` when there is one.
        eval_results (`dict[str, dict[str, float]]`): Corpus -> `{"uar", "war", "macro_f1"}` as fractions in [0, 1].
        eval_split (`str`, defaults to `"test"`): Split the results were computed on.
        label_mapping (`dict[str, dict[str, list[str]]]`): Class -> corpus -> raw corpus labels mapped to it.
        hyperparameters (`dict[str, Any]`): Training hyperparameters to list.
        intended_use (`str`, *optional*): Replaces the default intended-use paragraph.
        limitations (`str`, *optional*): Replaces the default limitations paragraph.
        citations (`list[str]`): Extra BibTeX entries (ExHuBERT, HuBERT and the corpora are cited automatically).
    """

    model_name: str | None = None
    model_description: str | None = None
    base_model: str | None = None
    repo_id: str | None = None
    language: list[str] = field(default_factory=list)
    license: str | None = None
    datasets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    training_corpora: dict[str, Any] = field(default_factory=dict)
    eval_results: dict[str, dict[str, float]] = field(default_factory=dict)
    eval_split: str = "test"
    label_mapping: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    intended_use: str | None = None
    limitations: str | None = None
    citations: list[str] = field(default_factory=list)


def _config_of(model_or_config) -> tuple[PretrainedConfig, PreTrainedModel | None]:
    if isinstance(model_or_config, PreTrainedModel):
        return model_or_config.config, model_or_config
    if isinstance(model_or_config, PretrainedConfig):
        return model_or_config, None
    if isinstance(model_or_config, (str, os.PathLike)):
        from ..inference.predict import check_model_path

        check_model_path(model_or_config)
        return AutoConfig.from_pretrained(model_or_config), None
    raise TypeError(f"Expected a model, a config or a model directory, got {type(model_or_config).__name__}.")


def _parameter_counts(config, model) -> dict | None:
    if model is not None:
        if hasattr(model, "num_parameters_by_status"):
            counts = model.num_parameters_by_status()
        else:
            total = sum(p.numel() for p in model.parameters())
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            counts = {"total": total, "trainable": trainable, "frozen": total - trainable}
    elif getattr(config, "model_type", None) == "exhubert":
        from ..models.exhubert import ExHubertForSequenceClassification

        with torch.device("meta"):
            counts = ExHubertForSequenceClassification(config).num_parameters_by_status()
    else:
        return None
    return {key: f"{value:,} ({value / 1e6:.2f}M)" for key, value in counts.items()}


def _expansion(config) -> dict | None:
    if getattr(config, "model_type", None) != "exhubert":
        return None
    expanded = config.expanded_layer_indices
    if len(expanded) == config.num_hidden_layers:
        description = f"all {len(expanded)}"
    else:
        description = f"{len(expanded)} ({', '.join(map(str, expanded))})"
    frozen = [
        name
        for name, flag in (
            ("original layers", config.freeze_original_layers),
            ("convolutional feature encoder", config.freeze_feature_encoder),
        )
        if flag
    ]
    return {
        "factor": config.expansion_factor,
        "expanded_description": description,
        "original_layers": config.num_hidden_layers,
        "total_layers": config.num_total_layers,
        "original_layer_gates": config.original_layer_gates,
        "frozen_parts": ", ".join(frozen) or "nothing",
        "pooling_mode": config.pooling_mode,
    }


def _format_hours(hours: float) -> str:
    """Hours with one decimal, or two significant digits below 0.1 h so that small corpora do not read as 0.0."""
    return f"{hours:.1f}" if hours >= 0.1 or hours == 0 else f"{hours:.2g}"


def _corpus_rows(training_corpora: dict) -> tuple[list[dict], dict, list[str], list[str]]:
    rows, citations, languages = [], [], []
    total_examples, total_hours, hours_known = 0, 0.0, True
    for corpus_id, info in sorted(training_corpora.items()):
        info = {"num_examples": info} if isinstance(info, int) else dict(info or {})
        script = _corpus_script(corpus_id)
        for key in ("name", "license", "citation", "homepage"):
            if not info.get(key) and script is not None and getattr(script, key, None):
                info[key] = getattr(script, key)
        if not info.get("languages") and script is not None:
            info["languages"] = list(script.languages)
        name = info.get("name") or corpus_id
        if info.get("homepage"):
            name = f"[{name}]({info['homepage']})"
        num_examples = info.get("num_examples")
        hours = info.get("hours")
        total_examples += num_examples or 0
        if hours is None:
            hours_known = False
        else:
            total_hours += hours
        corpus_languages = list(info.get("languages") or [])
        languages.extend(corpus_languages)
        if info.get("citation"):
            citations.append(info["citation"].strip())
        rows.append(
            {
                "name": _cell(name),
                "num_examples": f"{num_examples:,}" if num_examples is not None else "",
                "hours": _format_hours(hours) if hours is not None else "",
                "languages": _cell(", ".join(corpus_languages)),
                "license": _cell(info.get("license") or ""),
            }
        )
    totals = {
        "num_examples": f"{total_examples:,}",
        "hours": _format_hours(total_hours) if hours_known and rows else "",
    }
    return rows, totals, citations, languages


def _corpus_script(corpus_id: str):
    try:
        from dataset_scripts import get_script

        return get_script(corpus_id)
    except (ImportError, ValueError):
        return None


def _table_label_mapping(corpora, labels: list[str]) -> tuple[dict[str, dict[str, list[str]]], str | None]:
    """
    Class -> corpus -> raw labels of the training corpora, read from the package label table, for models with the
    ExHuBERT classes; returns the mapping and the table version (`({}, None)` when it does not apply).
    """
    from ..data.labels import CLASS_NAMES, LabelTable

    if not corpora or list(labels) != list(CLASS_NAMES):
        return {}, None
    table = LabelTable.load()
    mapping: dict[str, dict[str, list[str]]] = {}
    for corpus in sorted(corpora):
        for row in table.rows_for(corpus):
            if row.class_name is None:
                continue
            same = row.raw_label.casefold() == row.emotion.casefold()
            raw = row.raw_label if same else f"{row.raw_label} ({row.emotion})"
            mapping.setdefault(row.class_name, {}).setdefault(corpus, []).append(raw)
    return {label: mapping[label] for label in labels if label in mapping}, table.version


def _cell(value) -> str:
    """Text safe inside a markdown table cell (no pipe, no line break)."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _percent(value) -> str:
    return "" if value is None else f"{100 * float(value):.1f}"


def _evaluation(eval_results: dict) -> tuple[list[dict], dict]:
    keys = ("uar", "war", "macro_f1")
    rows = [
        {"corpus": _cell(corpus), **{key: _percent(metrics.get(key)) for key in keys}}
        for corpus, metrics in sorted(eval_results.items())
    ]
    mean = {}
    for key in keys:
        values = [float(m[key]) for m in eval_results.values() if m.get(key) is not None]
        mean[key] = _percent(sum(values) / len(values)) if values else ""
    return rows, mean


def _metadata(card_data: ModelCardData, base_model: str | None, languages: list[str]) -> str:
    from huggingface_hub import ModelCardData as HubCardData
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    hub_base_model = None
    if base_model and not Path(base_model).exists():
        try:
            validate_repo_id(base_model)
            hub_base_model = base_model
        except HFValidationError:
            hub_base_model = None
    tags = ["audio-classification", "speech-emotion-recognition", "exhubert"]
    tags += [tag for tag in card_data.tags if tag not in tags]
    metadata = HubCardData(
        language=sorted(set(card_data.language or languages)) or None,
        license=card_data.license,
        library_name="transformers",
        pipeline_tag="audio-classification",
        tags=tags,
        datasets=list(card_data.datasets) or None,
        base_model=hub_base_model,
        metrics=["uar", "war", "f1"] if card_data.eval_results else None,
    )
    return metadata.to_yaml()


def generate_model_card(model_or_config, card_data: ModelCardData | None = None) -> str:
    """
    Renders the model card (README.md text with Hub metadata) of an ExHuBERT or any audio classification model.

    Args:
        model_or_config (`PreTrainedModel`, `PretrainedConfig`, `str` or `os.PathLike`): The model (parameter counts
            follow its current freezing), its configuration (counts computed on the meta device for ExHuBERT) or a
            saved model directory.
        card_data (`ModelCardData`, *optional*): Training data, results, licence and other facts to include.

    Returns:
        `str`, the card in markdown with a YAML metadata header.

    Raises:
        FileNotFoundError: a directory without `config.json` (see [`~exhubert.inference.predict.check_model_path`]).
    """
    from .. import __version__
    from ..inference.predict import label_dimensions

    card_data = card_data or ModelCardData()
    config, model = _config_of(model_or_config)
    base_model = card_data.base_model or getattr(config, "source_model", None) or None
    corpora, corpora_total, corpus_citations, corpus_languages = _corpus_rows(card_data.training_corpora)
    evaluation, evaluation_mean = _evaluation(card_data.eval_results)

    labels = [config.id2label[i] for i in range(config.num_labels)]
    arousal, valence = label_dimensions(labels)
    level = lambda levels, i: "" if levels is None else f"{levels[i]:g}"  # noqa: E731
    classes = [
        {"id": i, "label": label, "arousal": level(arousal, i), "valence": level(valence, i)}
        for i, label in enumerate(labels)
    ]
    if arousal is not None or valence is not None:
        dimensions_note = (
            "Arousal (0 = low, 1 = high) and valence (0 = negative, 0.5 = neutral, 1 = positive) levels of each "
            "class; `exhubert predict` reports their expectation under the predicted probabilities."
        )
    else:
        dimensions_note = "The class names carry no arousal/valence levels, so only class probabilities are reported."

    label_mapping, table_version = card_data.label_mapping, None
    if not label_mapping:
        label_mapping, table_version = _table_label_mapping(card_data.training_corpora, labels)

    model_id = card_data.repo_id or MODEL_ID_PLACEHOLDER
    model_name = card_data.model_name or (card_data.repo_id or "").split("/")[-1] or "ExHuBERT speech emotion model"
    description = card_data.model_description or (
        f"A speech emotion recognition model ({len(labels)} classes)"
        + (f" built from `{base_model}`" if base_model else "")
        + " with ExHuBERT block expansion (Amiriparian et al., Interspeech 2024)."
        if getattr(config, "model_type", None) == "exhubert"
        else f"An audio classification model with {len(labels)} classes."
    )
    license_text = (
        f"The weights are released under `{card_data.license}`. Each training corpus keeps its own licence (see the "
        "table above); check them before any use beyond research."
        if card_data.license
        else "No licence was recorded for these weights (set `ModelCardData.license`); the training corpora keep "
        "their own licences."
    )
    all_citations = corpus_citations + [c.strip() for c in card_data.citations]
    citations = [EXHUBERT_CITATION, HUBERT_CITATION] + [c for c in all_citations if c.startswith("@")]
    references = [" ".join(c.split()) for c in all_citations if not c.startswith("@")]
    feature_rate = getattr(config, "sampling_rate", None) or 16000

    return render_template(
        MODEL_CARD_TEMPLATE,
        metadata=_metadata(card_data, base_model, corpus_languages),
        exhubert_version=__version__,
        model_name=model_name,
        description=description,
        architecture=(config.architectures or [type(model).__name__ if model is not None else "unknown"])[0],
        model_type=config.model_type,
        base_model=f"`{base_model}`" if base_model else "",
        expansion=_expansion(config),
        hidden_size=config.hidden_size,
        num_layers=getattr(config, "num_total_layers", config.num_hidden_layers),
        num_heads=config.num_attention_heads,
        parameters=_parameter_counts(config, model),
        sampling_rate=feature_rate,
        classes=classes,
        dimensions_note=dimensions_note,
        model_id=model_id,
        corpora=corpora,
        corpora_total=corpora_total,
        hyperparameters=[(_cell(k), _cell(v)) for k, v in sorted(card_data.hyperparameters.items())],
        label_mapping=[
            {
                "label": label,
                "sources": _cell("; ".join(f"{corpus}: {', '.join(raws)}" for corpus, raws in sorted(m.items()))),
            }
            for label, m in label_mapping.items()
        ],
        label_table_version=table_version,
        eval_split=card_data.eval_split,
        evaluation=evaluation,
        evaluation_mean=evaluation_mean,
        intended_use=card_data.intended_use or DEFAULT_INTENDED_USE,
        limitations=card_data.limitations or DEFAULT_LIMITATIONS,
        license_text=license_text,
        citations=list(dict.fromkeys(citations)),
        references=list(dict.fromkeys(references)),
    )


def save_model_card(
    save_directory: str | os.PathLike, model_or_config, card_data: ModelCardData | None = None
) -> Path:
    """
    Writes the card of [`generate_model_card`] to `save_directory/README.md` atomically.

    Args:
        save_directory (`str` or `os.PathLike`): The model directory (created if missing).
        model_or_config: See [`generate_model_card`].
        card_data (`ModelCardData`, *optional*): See [`generate_model_card`].

    Returns:
        `Path` of the written README.md.
    """
    text = generate_model_card(model_or_config, card_data)
    directory = Path(save_directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "README.md"
    handle = tempfile.NamedTemporaryFile("w", dir=directory, prefix=".README.md.", delete=False, encoding="utf-8")
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
    return path


def write_model_card_for_push(directory: str | os.PathLike, model, repo_id: str) -> Path:
    """Writes the card of `model` with `repo_id` in its usage snippet; `model.push_to_hub` calls it before upload."""
    return save_model_card(directory, model, ModelCardData(repo_id=repo_id))


__all__ = [
    "MODEL_ID_PLACEHOLDER",
    "ModelCardData",
    "generate_model_card",
    "save_model_card",
    "write_model_card_for_push",
]
