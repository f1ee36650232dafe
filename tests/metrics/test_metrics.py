"""The shipped `evaluate` modules (offline, by path) and the metric helpers, checked against scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

from exhubert.metrics import (
    AVAILABLE_METRICS,
    compute_classification_metrics,
    compute_regression_metrics,
    load_metric,
    metric_path,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_uar_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    references = rng.integers(0, 6, size=200)
    predictions = np.where(rng.random(200) < 0.5, references, rng.integers(0, 6, size=200))
    scores = compute_classification_metrics(predictions, references)
    assert scores["uar"] == pytest.approx(recall_score(references, predictions, average="macro"))
    assert scores["uar"] == pytest.approx(balanced_accuracy_score(references, predictions))
    assert scores["war"] == pytest.approx(np.mean(predictions == references))
    assert scores["macro_f1"] == pytest.approx(f1_score(references, predictions, average="macro"))


def test_uar_ignores_classes_absent_from_references():
    references = np.array([0, 0, 1, 1])
    predictions = np.array([0, 2, 1, 1])  # class 2 is only predicted
    labels = np.unique(references)
    scores = compute_classification_metrics(predictions, references)
    assert scores["uar"] == pytest.approx(recall_score(references, predictions, labels=labels, average="macro"))
    assert scores["macro_f1"] == pytest.approx(f1_score(references, predictions, labels=labels, average="macro"))


def test_classification_metrics_accept_logits():
    logits = np.array([[2.0, 0.1, 0.0], [0.3, 0.9, 0.0], [0.0, 0.0, 1.0]])
    assert compute_classification_metrics(logits, [0, 1, 0]) == {
        "uar": pytest.approx(0.75),
        "war": pytest.approx(2 / 3),
        "macro_f1": pytest.approx((2 / 3 + 1.0) / 2),
    }
    with pytest.raises(ValueError, match="empty"):
        compute_classification_metrics([], [])


def test_evaluate_modules_load_offline_by_path(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_MODULES_CACHE", str(tmp_path / "modules"))
    for name in AVAILABLE_METRICS:
        assert (metric_path(name) / f"{name}.py").is_file()
    uar = load_metric("uar")
    assert uar.compute(predictions=[0, 0, 1, 1], references=[0, 1, 1, 1]) == {
        "uar": pytest.approx(5 / 6),
        "war": pytest.approx(0.75),
        "macro_f1": pytest.approx(11 / 15),
    }
    import evaluate

    ccc = evaluate.load(str(metric_path("ccc")))
    assert ccc.compute(predictions=[1.0, 2.0, 3.0], references=[1.0, 2.0, 4.0])["ccc"] == pytest.approx(6 / 7)
    with pytest.raises(ValueError, match="Unknown exhubert metric"):
        load_metric("accuracy")


def test_regression_metrics_and_ccc_edge_cases():
    predictions = np.array([[0.1, 1.0], [0.5, 1.0], [0.9, 1.0]])
    references = np.array([[0.0, 1.0], [0.5, 1.0], [1.0, 1.0]])
    scores = compute_regression_metrics(predictions, references, names=["arousal", "valence"])
    assert scores["ccc_valence"] == 1.0  # both constant and equal
    assert 0.9 < scores["ccc_arousal"] < 1.0
    assert scores["ccc"] == pytest.approx((scores["ccc_arousal"] + 1.0) / 2)
    constant = compute_regression_metrics(np.full(3, 0.5), np.array([0.0, 0.5, 1.0]))
    assert constant["ccc"] == 0.0
    with pytest.raises(ValueError, match="target names"):
        compute_regression_metrics(predictions, references, names=["arousal"])
