"""ONNX export of audio classifiers (ExHuBERT or any Hubert/Wav2Vec2-family checkpoint), verified against PyTorch.

Needs the optional extra `exhubert[onnx]` (`onnx`, `onnxruntime`, `onnxscript`). The export uses the `torch.export`
based exporter (`dynamo=True`) with dynamic batch size and length. The TorchScript exporter (`dynamo=False`) is not
used: on this model it produces a graph whose logits differ from PyTorch's (found while writing this module).
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch

from .inference.predict import load_model, pads_exactly, receptive_field

logger = logging.getLogger(__name__)


class OnnxVerificationError(ValueError):
    """The exported graph does not reproduce PyTorch's logits within the tolerance; nothing was written."""


class _LogitsOnly(torch.nn.Module):
    """Wraps a classifier so that the exported graph maps `(input_values[, attention_mask])` to `logits`."""

    def __init__(self, model, with_mask: bool):
        super().__init__()
        self.model = model
        self.with_mask = with_mask

    def forward(self, input_values, attention_mask=None):
        """Returns the logits of the wrapped model."""
        if self.with_mask:
            return self.model(input_values, attention_mask=attention_mask).logits
        return self.model(input_values).logits


def _require_onnx():
    missing = []
    for module in ("onnx", "onnxruntime", "onnxscript"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ImportError(
            f"ONNX export needs {', '.join(missing)}: install the optional extra with `pip install exhubert[onnx]`."
        )


def _sample_inputs(model, feature_extractor, with_mask: bool, seed: int = 0) -> dict[str, np.ndarray]:
    """
    A normalised batch of clips: seed 0 gives two clips, seed 1 three longer ones (another batch size and length).
    With a mask the clips have different lengths (zero padding); without one they have equal lengths.
    """
    from .data.collator import AudioCollator

    rng = np.random.default_rng(seed)
    length = max(16000, 4 * receptive_field(model.config))
    lengths = [length, length * 5 // 8] if seed == 0 else [length * 3 // 2, length, length * 3 // 4]
    if not with_mask:
        lengths = [lengths[0]] * len(lengths)
    batch = AudioCollator(feature_extractor)([{"audio": rng.standard_normal(n).astype(np.float32)} for n in lengths])
    inputs = {"input_values": batch["input_values"].numpy()}
    if with_mask:
        inputs["attention_mask"] = batch["attention_mask"].numpy().astype(np.int64)
    return inputs


def export_onnx(
    model_name_or_path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    verify: bool = True,
    atol: float = 1e-4,
    trust_remote_code: bool = False,
) -> dict:
    """
    Exports an audio classifier to ONNX with dynamic batch size and length, then checks the ONNX Runtime logits
    against PyTorch's on a padded batch.

    The graph takes `input_values` (float32, `(batch, samples)`, normalised and padded as the feature extractor does)
    and, for models that use an attention mask (layer-norm feature encoder), `attention_mask` (int64, same shape); it
    returns `logits` (`(batch, num_labels)`). Weights above 2 GB are written to `<output_path>.data` beside the graph.

    Args:
        model_name_or_path (`str` or `os.PathLike`): Model directory or Hub id.
        output_path (`str` or `os.PathLike`): The `.onnx` file to write (atomically).
        verify (`bool`, *optional*, defaults to `True`): Compare ONNX Runtime and PyTorch logits.
        atol (`float`, *optional*, defaults to 1e-4): Largest accepted absolute logit difference.
        trust_remote_code (`bool`, *optional*, defaults to `False`): For non-ExHuBERT custom checkpoints.

    Returns:
        `dict` with `path`, `inputs` (input names), `labels` and `max_abs_difference` (`None` without `verify`).

    Raises:
        ImportError: the `onnx` extra is not installed.
        OnnxVerificationError: the verification fails (a `ValueError`, so the command line reports it).
    """
    _require_onnx()
    import onnxruntime

    output_path = Path(output_path)
    model, feature_extractor = load_model(model_name_or_path, device="cpu", trust_remote_code=trust_remote_code)
    with_mask = pads_exactly(model, feature_extractor)
    wrapper = _LogitsOnly(model, with_mask).eval()
    sample = _sample_inputs(model, feature_extractor, with_mask)
    names = list(sample)
    tensors = tuple(torch.from_numpy(sample[name]) for name in names)
    batch = torch.export.Dim("batch")
    samples = torch.export.Dim("samples", min=receptive_field(model.config))
    dynamic_shapes = {name: {0: batch, 1: samples} for name in names}

    logger.info("Exporting %s to ONNX (inputs: %s).", model_name_or_path, ", ".join(names))
    with torch.no_grad():
        program = torch.onnx.export(
            wrapper, tensors, input_names=names, output_names=["logits"], dynamic_shapes=dynamic_shapes, dynamo=True
        )
    output_path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_path.name}.tmp-", dir=output_path.parent))
    try:
        program.save(staging / output_path.name)
        max_difference = None
        if verify:
            session = onnxruntime.InferenceSession(str(staging / output_path.name), providers=["CPUExecutionProvider"])
            other = _sample_inputs(model, feature_extractor, with_mask, seed=1)
            differences = []
            for inputs in (sample, other):
                onnx_logits = session.run(["logits"], inputs)[0]
                with torch.no_grad():
                    torch_logits = wrapper(*(torch.from_numpy(inputs[name]) for name in names)).numpy()
                differences.append(float(np.abs(onnx_logits - torch_logits).max()))
            max_difference = max(differences)
            if max_difference > atol:
                raise OnnxVerificationError(
                    f"The ONNX export of {model_name_or_path} differs from PyTorch by {max_difference:.3g} "
                    f"(> {atol}); the file was not written."
                )
        for path in staging.iterdir():
            os.replace(path, output_path.parent / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    return {"path": str(output_path), "inputs": names, "labels": labels, "max_abs_difference": max_difference}


__all__ = ["OnnxVerificationError", "export_onnx"]
