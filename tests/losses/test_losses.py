"""Each loss against hand-computed values, CCC edge cases and the weighted multi-task combination."""

import math

import numpy as np
import pytest
import torch

from exhubert.losses import AMSoftmaxLoss, CCCLoss, CrossEntropyLoss, MultiTaskLoss
from exhubert.metrics import concordance_correlation_coefficient


def test_cross_entropy_hand_value_and_class_weights():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    labels = torch.tensor([1, 1])
    first, second = math.log(1 + math.exp(2)), math.log(1 + math.exp(-1))
    assert CrossEntropyLoss()(logits, labels).item() == pytest.approx((first + second) / 2, rel=1e-6)
    weighted = CrossEntropyLoss(class_weights=[1.0, 3.0])(logits, torch.tensor([0, 1]))
    expected = (1.0 * math.log(1 + math.exp(-2)) + 3.0 * second) / 4.0
    assert weighted.item() == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="3 class weights for 2 classes"):
        CrossEntropyLoss(class_weights=[1.0, 1.0, 1.0])(logits, labels)
    # label smoothing 0.1 over 2 classes: target distribution (0.05, 0.95) for label 1
    smoothed = CrossEntropyLoss(label_smoothing=0.1)(logits[:1], labels[:1])
    expected = 0.95 * math.log(1 + math.exp(2)) + 0.05 * math.log(1 + math.exp(-2))
    assert smoothed.item() == pytest.approx(expected, rel=1e-6)


def test_am_softmax_hand_value():
    loss = AMSoftmaxLoss(margin=0.2, scale=30.0)
    weight = torch.tensor([[2.0, 0.0], [0.0, 5.0]])  # row norms do not matter: cosine classifier
    features = torch.tensor([[3.0, 4.0]])  # cos = (0.6, 0.8)
    # target 0: logits (30 * (0.6 - 0.2), 30 * 0.8) = (12, 24)
    expected = -12.0 + math.log(math.exp(12.0) + math.exp(24.0))
    assert loss(features, weight, torch.tensor([0])).item() == pytest.approx(expected, rel=1e-6)
    # target 1: logits (18, 18): log 2
    assert loss(features, weight, torch.tensor([1])).item() == pytest.approx(math.log(2.0), rel=1e-5)
    torch.testing.assert_close(loss.cosine_logits(features, weight), torch.tensor([[18.0, 24.0]]))
    # class weights (1, 3) on targets (0, 1): weighted mean of the two losses above
    weighted = AMSoftmaxLoss(class_weights=[1.0, 3.0])(features.repeat(2, 1), weight, torch.tensor([0, 1]))
    assert weighted.item() == pytest.approx((expected + 3.0 * math.log(2.0)) / 4.0, rel=1e-5)


def test_am_softmax_margin_makes_loss_larger_than_plain_cosine_softmax():
    torch.manual_seed(0)
    features, weight, labels = torch.randn(8, 4), torch.randn(3, 4), torch.randint(0, 3, (8,))
    with_margin = AMSoftmaxLoss(margin=0.2, scale=30.0)(features, weight, labels)
    without = AMSoftmaxLoss(margin=0.0, scale=30.0)(features, weight, labels)
    assert with_margin > without


def test_ccc_loss_hand_value_and_agreement_with_metric():
    x, y = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 4.0])
    # means 2 and 7/3; cov = 1; var 2/3 and 14/9; CCC = 2 / (2/3 + 14/9 + 1/9) = 6/7
    assert CCCLoss()(x, y).item() == pytest.approx(1 - 6 / 7, rel=1e-5)
    assert concordance_correlation_coefficient(x.numpy(), y.numpy()) == pytest.approx(6 / 7)
    assert CCCLoss()(x, 4.0 - x).item() == pytest.approx(2.0, rel=1e-6)


def test_ccc_loss_is_finite_on_constant_batches():
    loss = CCCLoss()
    equal = torch.full((4,), 0.5, requires_grad=True)
    value = loss(equal, torch.full((4,), 0.5))
    value.backward()
    assert value.item() == 0.0 and torch.isfinite(equal.grad).all()

    predictions = torch.tensor([0.1, 0.7, 0.3, 0.2], requires_grad=True)
    value = loss(predictions, torch.ones(4))  # constant targets: CCC 0, no NaN
    value.backward()
    assert value.item() == pytest.approx(1.0) and torch.isfinite(predictions.grad).all()

    single = loss(torch.tensor([0.3]), torch.tensor([0.8]))
    assert single.item() == pytest.approx(1.0)


def test_ccc_loss_two_dimensional_is_mean_over_targets():
    rng = np.random.default_rng(0)
    x, y = torch.tensor(rng.normal(size=(16, 2))), torch.tensor(rng.normal(size=(16, 2)))
    per_column = [1 - concordance_correlation_coefficient(x[:, i].numpy(), y[:, i].numpy()) for i in range(2)]
    assert CCCLoss()(x, y).item() == pytest.approx(float(np.mean(per_column)), rel=1e-5)
    with pytest.raises(ValueError, match="shape"):
        CCCLoss()(x, y[:, 0])


def test_multitask_weighted_sum_and_components():
    x = torch.tensor([0.0, 1.0])
    loss = MultiTaskLoss({"arousal": CCCLoss(), "valence": CCCLoss()}, weights={"valence": 2.0})
    value = loss({"arousal": x, "valence": x}, {"arousal": x, "valence": 1 - x})
    assert value.item() == pytest.approx(4.0)
    assert loss.last_components == pytest.approx({"arousal": 0.0, "valence": 2.0})
    with pytest.raises(KeyError, match="valence"):
        loss({"arousal": x}, {"arousal": x})
    with pytest.raises(ValueError, match="unknown tasks"):
        MultiTaskLoss({"arousal": CCCLoss()}, weights={"dominance": 1.0})
