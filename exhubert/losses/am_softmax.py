"""Additive-margin softmax (AM-softmax, Wang et al. 2018): a cosine classifier trained with a margin."""

from collections.abc import Sequence

import torch
from torch import nn

from .cross_entropy import CrossEntropyLoss


class AMSoftmaxLoss(nn.Module):
    r"""
    Additive-margin softmax loss on a cosine classifier. The logit of class `c` is
    `scale * (cos(f, w_c) - margin * [c == y])`, where `f` are the pooled utterance features (the classifier's input)
    and `w_c` the classifier's weight rows; the loss is the cross-entropy of these logits. At test time the class is
    `argmax_c cos(f, w_c)` (no margin, see [`~AMSoftmaxLoss.cosine_logits`]).

    Args:
        margin (`float`, *optional*, defaults to 0.2): Additive cosine margin `m`.
        scale (`float`, *optional*, defaults to 30.0): Scale `s` of the cosine logits.
        class_weights (`Sequence[float]`, *optional*): One weight per class for the cross-entropy.

    Example:

    ```python
    >>> loss = AMSoftmaxLoss(margin=0.2, scale=30.0)
    >>> features, weight = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> loss(features, weight, torch.tensor([1]))  # logits (30, -6): 36 + log(1 + exp(-36))
    tensor(36.)
    ```
    """

    def __init__(self, margin: float = 0.2, scale: float = 30.0, class_weights: Sequence[float] | None = None):
        super().__init__()
        if scale <= 0:
            raise ValueError(f"AM-softmax scale must be positive, got {scale}.")
        if margin < 0:
            raise ValueError(f"AM-softmax margin must be non-negative, got {margin}.")
        self.margin = margin
        self.scale = scale
        self.cross_entropy = CrossEntropyLoss(class_weights=class_weights)

    @staticmethod
    def cosine(features: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """
        Cosine similarity of every feature vector with every class weight row.

        Args:
            features (`torch.Tensor` of shape `(batch, dim)`): Pooled features.
            weight (`torch.Tensor` of shape `(num_classes, dim)`): Classifier weights.

        Returns:
            `torch.Tensor` of shape `(batch, num_classes)`.
        """
        if features.shape[-1] != weight.shape[-1]:
            raise ValueError(
                f"Features of size {features.shape[-1]} do not match weight rows of size {weight.shape[-1]}."
            )
        return nn.functional.normalize(features, dim=-1) @ nn.functional.normalize(weight, dim=-1).T

    def cosine_logits(self, features: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """Margin-free scaled cosine logits `scale * cos(f, w_c)`, used for evaluation and prediction."""
        return self.scale * self.cosine(features, weight)

    def forward(self, features: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """
        The (class-weighted) cross-entropy of the margin logits `scale * (cos(f, w_c) - margin * [c == y])`.

        Args:
            features (`torch.Tensor` of shape `(batch, dim)`): Pooled features (the classifier's input).
            weight (`torch.Tensor` of shape `(num_classes, dim)`): Classifier weights.
            labels (`torch.LongTensor` of shape `(batch,)`): Class indices.

        Returns:
            Scalar `torch.Tensor`.
        """
        cosine = self.cosine(features, weight)
        labels = labels.view(-1).long()
        margins = nn.functional.one_hot(labels, cosine.shape[-1]).to(cosine.dtype) * self.margin
        return self.cross_entropy(self.scale * (cosine - margins), labels)
