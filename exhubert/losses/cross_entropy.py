"""Cross-entropy over the classifier logits, with optional class weights and label smoothing."""

from collections.abc import Sequence

import torch
from torch import nn


class CrossEntropyLoss(nn.Module):
    """
    Softmax cross-entropy of `logits` against class indices, averaged over the batch (weighted by `class_weights` as
    `torch.nn.functional.cross_entropy` does).

    Args:
        class_weights (`Sequence[float]`, *optional*): One weight per class, e.g. inverse class frequencies.
        label_smoothing (`float`, *optional*, defaults to 0.0): Label smoothing in [0, 1).

    Example:

    ```python
    >>> loss = CrossEntropyLoss(class_weights=[1.0, 2.0])
    >>> loss(torch.tensor([[2.0, 0.0]]), torch.tensor([1]))
    tensor(2.1269)
    ```
    """

    def __init__(self, class_weights: Sequence[float] | None = None, label_smoothing: float = 0.0):
        super().__init__()
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing}.")
        weight = None if class_weights is None else torch.as_tensor(class_weights, dtype=torch.float32)
        self.register_buffer("class_weights", weight, persistent=False)
        self.label_smoothing = label_smoothing

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """
        The mean (class-weighted, label-smoothed) cross-entropy of a batch.

        Args:
            logits (`torch.Tensor` of shape `(batch, num_classes)`): Unnormalised scores.
            labels (`torch.LongTensor` of shape `(batch,)`): Class indices.

        Returns:
            Scalar `torch.Tensor`.
        """
        weight = None
        if self.class_weights is not None:
            if self.class_weights.numel() != logits.shape[-1]:
                raise ValueError(f"Got {self.class_weights.numel()} class weights for {logits.shape[-1]} classes.")
            weight = self.class_weights.to(device=logits.device, dtype=logits.dtype)
        return nn.functional.cross_entropy(
            logits, labels.view(-1).long(), weight=weight, label_smoothing=self.label_smoothing
        )
