"""
Evaluation metrics of exhubert, shipped as local `evaluate` modules (`uar/uar.py`, `ccc/ccc.py`) that load offline by
path, plus plain functions for `compute_metrics`.

Example:

```python
>>> from exhubert.metrics import compute_classification_metrics, load_metric
>>> load_metric("uar").compute(predictions=[0, 1, 1], references=[0, 1, 0])["uar"]
0.75
>>> compute_classification_metrics([[2.0, 0.1], [0.3, 0.9]], [0, 1])
{'uar': 1.0, 'war': 1.0, 'macro_f1': 1.0}
```
"""

from pathlib import Path

import numpy as np

from .ccc.ccc import concordance_correlation_coefficient
from .uar.uar import classification_scores

METRICS_DIR = Path(__file__).resolve().parent
"""Folder holding one sub-folder per `evaluate` module."""

AVAILABLE_METRICS = ("uar", "ccc")


def metric_path(name: str) -> Path:
    """
    The folder of a shipped `evaluate` module, to pass to `evaluate.load`.

    Args:
        name (`str`): One of `"uar"`, `"ccc"`.

    Raises:
        ValueError: `name` is not a shipped metric.
    """
    if name not in AVAILABLE_METRICS:
        raise ValueError(f"Unknown exhubert metric {name!r}; available: {', '.join(AVAILABLE_METRICS)}.")
    return METRICS_DIR / name


def load_metric(name: str, **kwargs):
    """
    Loads a shipped metric as an `evaluate.EvaluationModule`, offline (from the package folder, no Hub access).

    Args:
        name (`str`): `"uar"` (UAR, WAR and macro-F1 from class indices) or `"ccc"` (concordance correlation).
        kwargs: Passed to `evaluate.load`, e.g. `experiment_id` for distributed use.

    Returns:
        `evaluate.EvaluationModule`.

    Raises:
        ValueError: `name` is not a shipped metric.
    """
    import evaluate

    return evaluate.load(str(metric_path(name)), **kwargs)


def _to_class_indices(predictions) -> np.ndarray:
    predictions = np.asarray(predictions)
    if predictions.ndim == 2:
        return predictions.argmax(axis=-1)
    if predictions.ndim == 1:
        return predictions.astype(np.int64)
    raise ValueError(f"Expected class indices (1-D) or logits (2-D), got an array of shape {predictions.shape}.")


def compute_classification_metrics(predictions, references, labels=None) -> dict[str, float]:
    """
    UAR (mean per-class recall), WAR (accuracy) and macro-F1.

    Args:
        predictions (`array-like`): Class indices of shape `(n,)` or logits/probabilities of shape `(n, num_labels)`.
        references (`array-like`): True class indices of shape `(n,)`.
        labels (`Sequence[int]`, *optional*): Classes to average over; defaults to the classes in `references`.

    Returns:
        `dict` with `uar`, `war` and `macro_f1`.

    Raises:
        ValueError: empty or mismatched inputs.
    """
    return classification_scores(_to_class_indices(predictions), np.asarray(references).reshape(-1), labels=labels)


def compute_regression_metrics(predictions, references, names=None) -> dict[str, float]:
    """
    Concordance correlation coefficient per regression target and their mean.

    Args:
        predictions (`array-like`): Predictions of shape `(n,)` or `(n, num_targets)`.
        references (`array-like`): Targets of the same shape.
        names (`Sequence[str]`, *optional*): Target names (e.g. `["arousal", "valence"]`); defaults to
            `target_0, target_1, ...`.

    Returns:
        `dict` with `ccc_<name>` per target and `ccc` (their mean).

    Raises:
        ValueError: shapes differ or `names` has the wrong length.
    """
    predictions = np.asarray(predictions, dtype=np.float64)
    references = np.asarray(references, dtype=np.float64)
    if predictions.ndim == 1:
        predictions, references = predictions[:, None], references.reshape(-1, 1)
    if predictions.shape != references.shape:
        raise ValueError(f"predictions have shape {predictions.shape} but references {references.shape}.")
    names = list(names) if names is not None else [f"target_{i}" for i in range(predictions.shape[1])]
    if len(names) != predictions.shape[1]:
        raise ValueError(f"Got {len(names)} target names for {predictions.shape[1]} regression outputs.")
    scores = {
        f"ccc_{name}": concordance_correlation_coefficient(predictions[:, i], references[:, i])
        for i, name in enumerate(names)
    }
    scores["ccc"] = float(np.mean(list(scores.values())))
    return scores


__all__ = [
    "AVAILABLE_METRICS",
    "compute_classification_metrics",
    "compute_regression_metrics",
    "concordance_correlation_coefficient",
    "load_metric",
    "metric_path",
]
