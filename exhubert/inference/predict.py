"""Emotion prediction on recordings of any length, format, sampling rate and channel count.

Every file is decoded by [`~exhubert.data.audio.load_audio`] (channel mean, FFmpeg resampling) and every batch is
built by [`~exhubert.data.collator.AudioCollator`], the same normalisation, padding and attention-mask code as in
training. Segments are batched by length to limit padding, and batching never changes a result:

- models whose feature extractor returns an attention mask **and** whose feature encoder uses layer norm (HuBERT-large
  style, ExHuBERT) ignore padding exactly, so segments of different lengths share batches (sorted by length);
- all other models (group-norm feature encoder, HuBERT-base style, trained on zero padding without a mask) see
  padding, so only segments of *identical* length share a batch. Windows of long recordings all have the same length
  and are still batched; clips of unique lengths run one by one.

Files are decoded a few files ahead in background threads, so that decoding overlaps the forward passes. On CPU a
batch is also capped at [`CPU_BATCH_SECONDS`] of padded audio, since bigger batches are slower per clip there.
"""

import csv
import json
import logging
import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import AutoFeatureExtractor, AutoModelForAudioClassification, PreTrainedModel

from ..data.audio import AudioDecodingError, load_audio
from ..data.collator import AudioCollator
from ..data.corpus import AUDIO_EXTENSIONS
from ..expansion import default_feature_extractor

logger = logging.getLogger(__name__)

AROUSAL_LEVELS = {"low": 0.0, "medium": 0.5, "mid": 0.5, "high": 1.0}
"""Arousal level of a label name token, on a 0 (low) to 1 (high) scale."""

VALENCE_LEVELS = {"negative": 0.0, "neutral": 0.5, "positive": 1.0}
"""Valence level of a label name token, on a 0 (negative) to 1 (positive) scale."""

LONG_AUDIO_WARNING_SECONDS = 60.0
"""Clips longer than this without `window` trigger a warning: the models are trained on clips of a few seconds."""

SORT_BUFFER_BATCHES = 32
"""Segments are queued until this many batches are full, then sorted by length and run: the padding stays small."""

CPU_BATCH_SECONDS = 4.0
"""On CPU a batch holds at most this much padded audio (one longer segment runs alone): the convolutional front end is
memory-bound there, so large batches are *slower* per clip (a 8M-parameter HuBERT ran 9.1 files/s one by one and 5.7
files/s in batches of 8). GPUs get full `batch_size` batches."""

DECODE_THREADS = min(4, os.cpu_count() or 1)
"""Threads that decode files ahead of the forward passes (FFmpeg decoding releases the GIL)."""

CSV_COLUMNS = ["file", "window", "start", "end", "label", "arousal", "valence"]
"""Leading CSV columns of [`write_predictions`]; `prob_<label>` columns and `error` follow."""

RESULT_KEYS = ("source", "duration", "label", "probabilities", "arousal", "valence", "windows", "error")
"""Keys of every result dictionary of [`predict`] (and of every JSON Lines record of [`write_predictions`])."""


def label_dimensions(labels: Sequence[str]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """
    Arousal and valence levels of each class, read from the class names.

    A name is split on `_`, `-` and spaces; a token in [`AROUSAL_LEVELS`] gives the class an arousal level and a token
    in [`VALENCE_LEVELS`] a valence level. The ExHuBERT classes (`low_negative`, ..., `high_positive`) have both. A
    dimension is only defined when *every* class has a level for it, so that it is a proper expectation.

    Args:
        labels (`Sequence[str]`): Class names in class-id order.

    Returns:
        `(arousal_levels, valence_levels)`: arrays of shape `(num_labels,)`, or `None` for a dimension the label set
        does not define.
    """
    arousal, valence = [], []
    for label in labels:
        tokens = str(label).lower().replace("-", "_").replace(" ", "_").split("_")
        arousal.append(next((AROUSAL_LEVELS[t] for t in tokens if t in AROUSAL_LEVELS), None))
        valence.append(next((VALENCE_LEVELS[t] for t in tokens if t in VALENCE_LEVELS), None))
    as_array = lambda levels: None if any(v is None for v in levels) else np.asarray(levels, dtype=np.float64)  # noqa: E731
    return as_array(arousal), as_array(valence)


def check_model_path(model_name_or_path: str | os.PathLike) -> None:
    """
    Fails early, with a message that says what to pass, for a model location that cannot load: a directory without
    `config.json`, or a path that neither exists nor is a valid Hub id. Hub ids are not checked further.

    Raises:
        FileNotFoundError: the model location cannot hold a model.
    """
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    path = Path(model_name_or_path)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise FileNotFoundError(
                f"{path} has no config.json: pass a model directory written by `save_pretrained` (training, "
                "`exhubert expand` and `exhubert convert-original` write one) or a Hub id."
            )
        return
    try:
        validate_repo_id(os.fspath(model_name_or_path))
    except HFValidationError:
        raise FileNotFoundError(
            f"Model {model_name_or_path} not found: it is neither a directory nor a Hub id ('namespace/name')."
        ) from None


def load_model(
    model_name_or_path: str | os.PathLike,
    device: str | torch.device | None = None,
    trust_remote_code: bool = False,
):
    """
    Loads an audio classification checkpoint and its feature extractor for prediction.

    ExHuBERT checkpoints load without remote code once `exhubert` is imported; any other Hubert/Wav2Vec2-family
    `AutoModelForAudioClassification` checkpoint works as well. A checkpoint without a feature extractor gets
    [`~exhubert.expansion.default_feature_extractor`].

    Args:
        model_name_or_path (`str` or `os.PathLike`): Local directory or Hub id.
        device (`str` or `torch.device`, *optional*): Where to run; defaults to CUDA when available, else CPU.
        trust_remote_code (`bool`, *optional*, defaults to `False`): Allow custom code of *other* checkpoints.

    Returns:
        `(model, feature_extractor)`, the model in eval mode on `device`.

    Raises:
        FileNotFoundError: see [`check_model_path`].
        ValueError: `model_name_or_path` is the published `amiriparian/ExHuBERT` layout (convert it first with
            `exhubert convert-original`).
    """
    from ..convert import check_not_original_checkpoint

    check_model_path(model_name_or_path)
    check_not_original_checkpoint(model_name_or_path)
    model = AutoModelForAudioClassification.from_pretrained(model_name_or_path, trust_remote_code=trust_remote_code)
    try:
        feature_extractor = AutoFeatureExtractor.from_pretrained(model_name_or_path)
    except (OSError, ValueError):
        logger.info("%s has no feature extractor; using the default HuBERT one.", model_name_or_path)
        feature_extractor = default_feature_extractor(model.config)
    return model.to(_resolve_device(device)).eval(), feature_extractor


def _resolve_device(device: str | torch.device | None) -> torch.device:
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def pads_exactly(model: PreTrainedModel, feature_extractor) -> bool:
    """
    Whether padding leaves the model's outputs for the real samples unchanged, so that clips of different lengths can
    share a batch: the feature extractor must return an attention mask and the convolutional feature encoder must use
    layer norm (a group norm normalises over time, padding included).
    """
    norm = getattr(model.config, "feat_extract_norm", "layer")
    return bool(getattr(feature_extractor, "return_attention_mask", False)) and norm == "layer"


def receptive_field(config) -> int:
    """Number of samples the convolutional feature encoder needs to produce one frame (400 for HuBERT)."""
    field_size, jump = 1, 1
    for kernel, stride in zip(config.conv_kernel, config.conv_stride):
        field_size += (kernel - 1) * jump
        jump *= stride
    return field_size


def collect_audio_files(paths: Iterable[str | os.PathLike]) -> list[str]:
    """
    Expands directories into the audio files below them (recursively, sorted, extensions of
    [`~exhubert.data.corpus.AUDIO_EXTENSIONS`]). Other paths are kept as given, whatever their extension; a missing
    file is kept too, so that prediction reports it as a failed input and goes on with the others.

    Raises:
        FileNotFoundError: a directory holds no audio file.
    """
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS)
            if not found:
                raise FileNotFoundError(f"{path} holds no audio file (looked for {', '.join(AUDIO_EXTENSIONS)}).")
            files.extend(found)
        else:
            files.append(str(path))
    return files


@dataclass
class _Segment:
    item: int
    window: int
    waveform: np.ndarray


@dataclass
class _Pending:
    source: str
    duration: float
    windows: list[tuple[float, float]]
    probabilities: list
    error: str | None = None

    @property
    def done(self) -> bool:
        """Whether every window has its probabilities, or the item failed."""
        return self.error is not None or all(row is not None for row in self.probabilities)


class _Predictor:
    """Decodes, windows, batches and runs segments; keeps per-item state until all windows of an item are done."""

    def __init__(self, model, feature_extractor, batch_size, window, hop, device, errors, progress, total):
        self.model = model
        self.device = device
        self.dtype = next(model.parameters()).dtype
        self.batch_size = batch_size
        self.sampling_rate = int(feature_extractor.sampling_rate)
        self.batch_samples = CPU_BATCH_SECONDS * self.sampling_rate if device.type == "cpu" else float("inf")
        self.collator = AudioCollator(feature_extractor)
        self.exact_length = not pads_exactly(model, feature_extractor)
        self.min_samples = receptive_field(model.config) if hasattr(model.config, "conv_kernel") else 1
        self.window = None if window is None else int(round(window * self.sampling_rate))
        self.hop = None if window is None else int(round((hop or window) * self.sampling_rate))
        if self.window is not None and self.window < self.min_samples:
            raise ValueError(
                f"`window` {window} s is shorter than the model's receptive field "
                f"({self.min_samples / self.sampling_rate:.3f} s)."
            )
        self.errors = errors
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self.arousal_levels, self.valence_levels = label_dimensions(self.labels)
        self.pending: dict[int, _Pending] = {}
        self.buffer: list[_Segment] = []
        self.results: dict[int, dict] = {}
        disable = None if progress is None else not progress
        self.progress = tqdm(total=total, desc="Predicting", unit="file", disable=disable)

    def run(self, items: Sequence) -> list[dict]:
        """Classifies `items` and returns their results in input order."""
        try:
            with closing(self._decoded(items)) as decoded:
                for index, source, waveform in decoded:
                    self._add(index, source, waveform)
            self._flush()
        finally:
            self.progress.close()
        return [self.results[index] for index in range(len(items))]

    def _decoded(self, items: Sequence) -> Iterator[tuple[int, str, Future]]:
        """Yields `(index, source, future waveform)` in input order, decoding `2 * DECODE_THREADS` files ahead."""
        ahead = 2 * DECODE_THREADS
        pool = ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="exhubert-decode")
        queued = deque()
        try:
            for index, item in enumerate(items):
                source = _source_name(item, index)
                queued.append((index, source, pool.submit(self._waveform, item, source)))
                if len(queued) >= ahead:
                    yield queued.popleft()
            while queued:
                yield queued.popleft()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _add(self, index: int, source: str, decoded: Future) -> None:
        """Queues the windows of a decoded item, or records it as failed when decoding failed or it is too short."""
        try:
            waveform = decoded.result()
            spans = self._spans(len(waveform), source)
        except (AudioDecodingError, ValueError) as error:
            self._fail(index, source, error)
            return
        duration = len(waveform) / self.sampling_rate
        if self.window is None and duration > LONG_AUDIO_WARNING_SECONDS:
            logger.warning("%s is %.0f s long and is classified in one pass; consider `window`.", source, duration)
        sr = self.sampling_rate
        self.pending[index] = _Pending(source, duration, [(a / sr, b / sr) for a, b in spans], [None] * len(spans))
        self.buffer.extend(_Segment(index, i, waveform[a:b]) for i, (a, b) in enumerate(spans))
        if len(self.buffer) >= SORT_BUFFER_BATCHES * self.batch_size:
            self._flush()

    def _fail(self, index: int, source: str, error: Exception) -> None:
        if self.errors == "raise":
            raise error
        logger.warning("Skipping %s: %s", source, error)
        self.results[index] = _failed(source, str(error))
        self.progress.update(1)

    def _waveform(self, item, source: str) -> np.ndarray:
        if isinstance(item, (str, os.PathLike)):
            return load_audio(item, sampling_rate=self.sampling_rate)
        if hasattr(item, "get_all_samples"):  # a torchcodec `AudioDecoder`, e.g. a datasets `Audio` value
            samples = item.get_all_samples()
            item = {"array": np.mean(samples.data.numpy(), axis=0), "sampling_rate": samples.sample_rate}
        if isinstance(item, dict):
            rate = item.get("sampling_rate", self.sampling_rate)
            if rate != self.sampling_rate:
                raise ValueError(
                    f"{source} is sampled at {rate} Hz but the model expects {self.sampling_rate} Hz; pass a file "
                    "path (decoded and resampled by FFmpeg), cast a datasets column with "
                    f"`Audio(sampling_rate={self.sampling_rate})`, or resample the array first."
                )
            item = item["array"]
        waveform = item.detach().cpu().numpy() if isinstance(item, torch.Tensor) else np.asarray(item)
        if waveform.ndim != 1:
            raise ValueError(
                f"{source} has shape {waveform.shape}; pass a mono waveform of shape (samples,) (e.g. the channel "
                "mean) or a file path."
            )
        if waveform.size == 0:
            raise ValueError(f"{source} is empty.")
        waveform = waveform.astype(np.float32, copy=False)
        if not np.isfinite(waveform).all():
            raise ValueError(f"{source} contains NaN or infinite values.")
        return waveform

    def _spans(self, num_samples: int, source: str) -> list[tuple[int, int]]:
        if num_samples < self.min_samples:
            raise ValueError(
                f"{source} is too short: {num_samples / self.sampling_rate:.3f} s, the model needs at least "
                f"{self.min_samples / self.sampling_rate:.3f} s."
            )
        if self.window is None or num_samples <= self.window:
            return [(0, num_samples)]
        starts = list(range(0, num_samples - self.window + 1, self.hop))
        if starts[-1] + self.window < num_samples:
            starts.append(num_samples - self.window)
        return [(start, start + self.window) for start in starts]

    def _batches(self) -> list[list[_Segment]]:
        """
        Cuts the queued segments, longest first, into batches of at most `batch_size` segments and, on CPU,
        `CPU_BATCH_SECONDS` of padded audio; without exact padding only segments of one length share a batch.
        """
        ordered = sorted(self.buffer, key=lambda s: len(s.waveform), reverse=True)
        batches = []
        for segment in ordered:
            batch = batches[-1] if batches else None
            if (
                batch is None
                or len(batch) == self.batch_size
                or (len(batch) + 1) * len(batch[0].waveform) > self.batch_samples
                or (self.exact_length and len(segment.waveform) != len(batch[0].waveform))
            ):
                batches.append([segment])
            else:
                batch.append(segment)
        return batches

    def _flush(self) -> None:
        """Runs every queued segment and finalises the items whose windows are all done."""
        for batch in self._batches():
            self._run_batch(batch)
        self.buffer = []
        for index in [i for i, pending in self.pending.items() if pending.done]:
            pending = self.pending.pop(index)
            failed = pending.error is not None
            self.results[index] = _failed(pending.source, pending.error) if failed else self._result(pending)
            self.progress.update(1)

    def _run_batch(self, batch: list[_Segment]) -> None:
        """Runs one batch; when it fails (e.g. out of memory), runs its segments one by one and fails only those."""
        batch = [segment for segment in batch if self.pending[segment.item].error is None]
        if not batch:
            return
        try:
            probabilities = self._forward(batch)
        except RuntimeError as error:
            if len(batch) > 1:
                for segment in batch:
                    self._run_batch([segment])
                return
            if self.errors == "raise":
                raise
            pending = self.pending[batch[0].item]
            pending.error = f"{pending.source}: the model failed on this input ({error})."
            logger.warning("Skipping %s", pending.error)
            return
        for segment, row in zip(batch, probabilities):
            self.pending[segment.item].probabilities[segment.window] = row

    @torch.inference_mode()
    def _forward(self, batch: list[_Segment]) -> np.ndarray:
        inputs = self.collator([{"audio": segment.waveform} for segment in batch])
        inputs = {key: value.to(self.device) for key, value in inputs.items()}
        inputs["input_values"] = inputs["input_values"].to(self.dtype)
        return self.model(**inputs).logits.float().softmax(-1).cpu().numpy().astype(np.float64)

    def _scores(self, probabilities: np.ndarray) -> dict:
        return {
            "label": self.labels[int(np.argmax(probabilities))],
            "probabilities": {label: float(p) for label, p in zip(self.labels, probabilities)},
            "arousal": None if self.arousal_levels is None else float(probabilities @ self.arousal_levels),
            "valence": None if self.valence_levels is None else float(probabilities @ self.valence_levels),
        }

    def _result(self, pending: _Pending) -> dict:
        rows = np.stack(pending.probabilities)
        windows = []
        if self.window is not None:
            windows = [
                {"start": start, "end": end, **self._scores(row)} for (start, end), row in zip(pending.windows, rows)
            ]
        return {
            "source": pending.source,
            "duration": pending.duration,
            **self._scores(rows.mean(axis=0)),
            "windows": windows,
            "error": None,
        }


def _source_name(item, index: int) -> str:
    if isinstance(item, (str, os.PathLike)):
        return os.fspath(item)
    if isinstance(item, dict) and item.get("path"):
        return str(item["path"])
    return f"<audio {index}>"


def _failed(source: str, error: str) -> dict:
    return {**dict.fromkeys(RESULT_KEYS), "source": source, "windows": [], "error": error}


def predict(
    model,
    audio,
    batch_size: int = 8,
    window: float | None = None,
    hop: float | None = None,
    device: str | torch.device | None = None,
    *,
    feature_extractor=None,
    trust_remote_code: bool = False,
    errors: str = "report",
    progress: bool | None = None,
) -> list[dict]:
    r"""
    Classifies recordings: class probabilities, arousal and valence per clip and, with `window`, per window.

    Files are decoded with FFmpeg at the model's sampling rate (any format, rate and channel count; channels are
    averaged), a few files ahead in background threads. With `window`, a clip longer than the window is cut into
    windows of `window` seconds every `hop` seconds, plus one window aligned to the end when the hops do not reach it,
    so that every window has the same length; a shorter clip is one window. The clip-level result is then the mean of
    its window probabilities.

    Arousal and valence are expectations over the classes: for the ExHuBERT classes, `arousal` = P(high_*) and
    `valence` = P(\*_positive) + 0.5 P(\*_neutral), both in [0, 1]. For other label sets they are derived the same
    way when every class name carries a level ([`label_dimensions`]), and are `None` otherwise.

    Batched results equal one-clip-at-a-time results: see the module documentation for how batches are formed. An
    input that cannot be decoded, is too short, or makes the forward pass fail (e.g. out of memory) is reported in its
    result and the others are still classified.

    Args:
        model (`PreTrainedModel`, `str` or `os.PathLike`):
            An audio classification model (ExHuBERT or any Hubert/Wav2Vec2-family checkpoint), or its directory / Hub
            id, loaded with [`load_model`].
        audio (`str`, `os.PathLike`, `np.ndarray`, `torch.Tensor`, `dict`, `AudioDecoder` or an iterable of them):
            Audio files, directories (searched recursively for audio files), mono waveforms at the model's sampling
            rate, datasets-style `{"array", "sampling_rate"}` dicts, or torchcodec `AudioDecoder`s (the values of a
            datasets `Audio` column cast to the model's sampling rate).
        batch_size (`int`, *optional*, defaults to 8): Number of segments per forward pass.
        window (`float`, *optional*): Window length in seconds; `None` classifies each clip in one pass.
        hop (`float`, *optional*): Hop between window starts in seconds; defaults to `window` (no overlap).
        device (`str` or `torch.device`, *optional*): Where to run; defaults to CUDA when available, else CPU. A
            model instance is moved there.
        feature_extractor (`Wav2Vec2FeatureExtractor`, *optional*): Overrides the checkpoint's feature extractor.
        trust_remote_code (`bool`, *optional*, defaults to `False`): Passed to `from_pretrained` for a path/id.
        errors (`str`, *optional*, defaults to `"report"`): `"report"` logs a failing input and returns a result with
            its `error` set, then goes on; `"raise"` raises instead.
        progress (`bool`, *optional*): Show a progress bar over the inputs; `None` shows it on a terminal only.

    Returns:
        `list[dict]`, one per input file or array, in input order (directories expanded in sorted order), with the
        keys [`RESULT_KEYS`]: `source`, `duration` (seconds), `label`, `probabilities` (`{label: p}`), `arousal`,
        `valence`, `windows` (list of dicts with `start`, `end` and the same score keys; empty without `window`) and
        `error` (`None`, or the message for a failed input, whose other fields are `None`).

    Raises:
        ValueError: invalid `batch_size`, `window`, `hop` or `errors`, or the published `amiriparian/ExHuBERT` layout
            (see [`load_model`]).
        FileNotFoundError: a directory holds no audio file (a missing *file* is a failed input).
        AudioDecodingError: a file cannot be decoded and `errors="raise"`.

    Example:

    ```python
    >>> import exhubert
    >>> results = exhubert.predict("path/to/model", ["speech.mp3", "recordings/"], window=3.0, hop=1.5)
    >>> results[0]["label"], results[0]["arousal"], results[0]["valence"]
    ```
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer, got {batch_size!r}.")
    if window is not None and not window > 0:
        raise ValueError(f"`window` must be a positive number of seconds, got {window!r}.")
    if hop is not None and window is None:
        raise ValueError("`hop` needs `window`: give the window length in seconds as well.")
    if hop is not None and not hop > 0:
        raise ValueError(f"`hop` must be a positive number of seconds, got {hop!r}.")
    if errors not in ("report", "raise"):
        raise ValueError(f"`errors` must be 'report' or 'raise', got {errors!r}.")

    if isinstance(audio, (str, os.PathLike, np.ndarray, torch.Tensor, dict)) or hasattr(audio, "get_all_samples"):
        audio = [audio]
    items = []
    for item in audio:
        if isinstance(item, (str, os.PathLike)):
            items.extend(collect_audio_files([item]))
        else:
            items.append(item)

    if isinstance(model, (str, os.PathLike)):
        model, loaded_extractor = load_model(model, device=device, trust_remote_code=trust_remote_code)
        feature_extractor = feature_extractor or loaded_extractor
    elif not isinstance(model, PreTrainedModel):
        raise TypeError(f"`model` must be a model instance, a directory or a Hub id, got {type(model).__name__}.")
    if feature_extractor is None:
        feature_extractor = default_feature_extractor(model.config)
    target = _resolve_device(device) if device is not None else next(model.parameters()).device
    was_training = model.training
    model.to(target).eval()
    try:
        predictor = _Predictor(model, feature_extractor, batch_size, window, hop, target, errors, progress, len(items))
        return predictor.run(items)
    finally:
        model.train(was_training)


def num_failed(results: Iterable[dict]) -> int:
    """Number of results whose `error` is set."""
    return sum(1 for result in results if result.get("error"))


def check_output_suffix(path: str | os.PathLike) -> str:
    """Returns the lower-case suffix of `path` (`.csv` or `.jsonl`); raises `ValueError` for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise ValueError(f"Cannot write predictions to {path}: the file name must end in .csv or .jsonl.")
    return suffix


def write_predictions(results: Sequence[dict], path: str | os.PathLike, labels: Sequence[str] | None = None) -> Path:
    """
    Writes prediction results atomically as CSV or JSON Lines, chosen by the file suffix.

    - `.jsonl`: one object per input, exactly the dictionaries returned by [`predict`].
    - `.csv`: one row per input (`window` empty, `start` 0, `end` the duration) followed by one row per window
      (`window` = 0, 1, ...), with the columns [`CSV_COLUMNS`], `prob_<label>` per class, then `error`. Missing
      values are empty cells.

    Args:
        results (`Sequence[dict]`): The output of [`predict`].
        path (`str` or `os.PathLike`): Output file ending in `.csv` or `.jsonl`.
        labels (`Sequence[str]`, *optional*): Class names for the probability columns; by default those of the first
            successful result.

    Returns:
        `Path` of the written file.

    Raises:
        ValueError: the suffix is neither `.csv` nor `.jsonl`.
    """
    path = Path(path)
    suffix = check_output_suffix(path)
    if labels is None:
        labels = next((list(r["probabilities"]) for r in results if r.get("probabilities")), [])
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False, newline="", encoding="utf-8"
    )
    try:
        with handle:
            if suffix == ".jsonl":
                for result in results:
                    handle.write(json.dumps(result, ensure_ascii=False) + "\n")
            else:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS + [f"prob_{label}" for label in labels] + ["error"])
                for result in results:
                    clip = {"start": 0.0 if result["duration"] is not None else None, "end": result["duration"]}
                    writer.writerow(_csv_row(result["source"], "", {**result, **clip}, labels))
                    for index, window in enumerate(result["windows"]):
                        writer.writerow(_csv_row(result["source"], index, window, labels))
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
    return path


def _csv_row(source: str, window, scores: dict, labels: Sequence[str]) -> list:
    cell = lambda value: "" if value is None else value  # noqa: E731
    probabilities = scores.get("probabilities") or {}
    return [
        source,
        window,
        *(cell(scores.get(column)) for column in CSV_COLUMNS[2:]),
        *(cell(probabilities.get(label)) for label in labels),
        cell(scores.get("error")),
    ]


__all__ = [
    "AROUSAL_LEVELS",
    "CSV_COLUMNS",
    "RESULT_KEYS",
    "VALENCE_LEVELS",
    "check_model_path",
    "check_output_suffix",
    "collect_audio_files",
    "label_dimensions",
    "load_model",
    "num_failed",
    "pads_exactly",
    "predict",
    "receptive_field",
    "write_predictions",
]
