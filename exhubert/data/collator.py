"""The collator: the only place that normalises, pads and builds attention masks, for training and inference alike."""

from dataclasses import dataclass

import numpy as np
import torch
from transformers import Wav2Vec2FeatureExtractor

from .audio import SAMPLING_RATE


@dataclass
class AudioCollator:
    """
    Turns a list of examples holding waveforms into a model batch with the feature extractor's normalisation and
    padding. The attention mask follows the feature extractor's `return_attention_mask`: HuBERT-large style models
    (layer-norm feature encoder) get one, HuBERT-base style models (group norm) get zero padding without a mask, as
    they were trained.

    Args:
        feature_extractor (`Wav2Vec2FeatureExtractor`): The model's feature extractor.
        audio_column (`str`, *optional*, defaults to `"audio"`): Key of the waveform in each example: a 1-D array or
            a datasets audio value (`value["array"]`).
        label_column (`str`, *optional*, defaults to `"label"`): Key of the target; copied to `labels` when present.
        max_length_seconds (`float`, *optional*): Crop longer waveforms to this length (training); `None` keeps all.

    Example:

    ```python
    >>> collator = AudioCollator(feature_extractor)
    >>> batch = collator([{"audio": np.zeros(16000, dtype=np.float32), "label": 3}])
    >>> sorted(batch)
    ['attention_mask', 'input_values', 'labels']
    ```
    """

    feature_extractor: Wav2Vec2FeatureExtractor
    audio_column: str = "audio"
    label_column: str = "label"
    max_length_seconds: float | None = None

    def waveform(self, example: dict) -> np.ndarray:
        """The (cropped) float32 waveform of one example."""
        value = example[self.audio_column]
        if not isinstance(value, np.ndarray | torch.Tensor | list):
            value = value["array"]
        waveform = np.asarray(value, dtype=np.float32)
        if waveform.ndim != 1:
            raise ValueError(f"Expected a mono waveform of shape (samples,), got shape {waveform.shape}.")
        if self.max_length_seconds is not None:
            waveform = waveform[: int(self.max_length_seconds * SAMPLING_RATE)]
        return waveform

    def __call__(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        """Collates `examples` into `input_values`, `attention_mask` (when the model uses one) and `labels`."""
        batch = self.feature_extractor(
            [self.waveform(example) for example in examples],
            sampling_rate=SAMPLING_RATE,
            padding=True,
            return_attention_mask=self.feature_extractor.return_attention_mask,
            return_tensors="pt",
        )
        batch = dict(batch)
        if examples and self.label_column in examples[0]:
            labels = [example[self.label_column] for example in examples]
            dtype = torch.float32 if isinstance(labels[0], float) or np.ndim(labels[0]) > 0 else torch.long
            batch["labels"] = torch.tensor(np.asarray(labels), dtype=dtype)
        return batch
