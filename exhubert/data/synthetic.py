"""
Synthetic multi-corpus emotional "speech" for demos and tests: harmonic voice-like signals whose pitch, pitch contour,
brightness and syllable rate depend on arousal and valence, spoken by several synthetic speakers per corpus and
recorded through a different channel per corpus.

Two outputs share one generator:

- [`generate_synthetic_corpora`] writes WAV files, one manifest per corpus (for the generic `manifest` corpus script)
  and a label-map CSV, ready for `exhubert.data.builder.build_emoset`.
- [`synthetic_emoset`] returns the same kind of data directly as an in-memory EmoSet++-like `DatasetDict` split by
  speaker (no files, no decoding), for fast tests.
"""

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models.exhubert.configuration_exhubert import EXHUBERT_LABELS
from ..utils import atomic_directory
from .audio import SAMPLING_RATE

SYNTHETIC_LABELS = {
    "low_negative": ("sad", "sadness"),
    "low_neutral": ("neutral", "neutral"),
    "low_positive": ("calm", "calmness"),
    "high_negative": ("angry", "anger"),
    "high_neutral": ("surprised", "surprise"),
    "high_positive": ("happy", "happiness"),
}
"""ExHuBERT class -> (raw label written in the manifests, normalised emotion of the label map)."""

LABEL_MAP_FILE = "label_map.csv"
"""Name of the label-map CSV written next to the corpora (pass it as `label_map=` to `build_emoset`)."""


@dataclass(frozen=True)
class SyntheticSpeaker:
    """
    A synthetic speaker: base pitch, brightness offset and speaking-rate factor.

    Args:
        speaker_id (`str`): Unique id, e.g. `"synth_a_spk03"`.
        gender (`str`): `"female"` or `"male"` (sets the pitch range).
        base_f0 (`float`): Neutral pitch in Hz.
        brightness (`float`): Offset of the harmonic roll-off exponent (timbre).
        rate (`float`): Speaking-rate factor around 1.
    """

    speaker_id: str
    gender: str
    base_f0: float
    brightness: float
    rate: float


@dataclass(frozen=True)
class SyntheticChannel:
    """
    A corpus' recording channel: noise level, low-pass smoothing and gain.

    Args:
        noise (`float`): Standard deviation of the additive white noise relative to the signal RMS.
        lowpass (`float`): One-pole low-pass coefficient in [0, 1) (0 = none).
        gain (`float`): Output gain.
    """

    noise: float
    lowpass: float
    gain: float


def make_speakers(corpus: str, num_speakers: int, rng: np.random.Generator) -> list[SyntheticSpeaker]:
    """
    Draws `num_speakers` speakers (alternating female/male) for `corpus`.

    Args:
        corpus (`str`): Corpus name, used in the speaker ids.
        num_speakers (`int`): How many.
        rng (`np.random.Generator`): Random source.

    Returns:
        `list[SyntheticSpeaker]`.
    """
    speakers = []
    for i in range(num_speakers):
        gender = "female" if i % 2 == 0 else "male"
        base = rng.uniform(180.0, 240.0) if gender == "female" else rng.uniform(95.0, 140.0)
        speakers.append(
            SyntheticSpeaker(
                speaker_id=f"{corpus}_spk{i:02d}",
                gender=gender,
                base_f0=float(base),
                brightness=float(rng.uniform(-0.2, 0.2)),
                rate=float(rng.uniform(0.85, 1.15)),
            )
        )
    return speakers


def synthesize_utterance(
    class_name: str,
    speaker: SyntheticSpeaker,
    channel: SyntheticChannel,
    rng: np.random.Generator,
    duration: float = 1.0,
) -> np.ndarray:
    """
    One voice-like utterance of an emotion class.

    High arousal raises the pitch (x1.5), the syllable rate (x2), the brightness (slower harmonic roll-off) and the
    loudness. Valence shapes the pitch contour (falling for negative, flat for neutral, rising for positive) and the
    timbre: negative speech is dark (steeper roll-off), hollow (odd harmonics only) and rough (35 Hz amplitude
    modulation), positive speech bright (flatter roll-off, boosted 3rd-5th harmonics) with vibrato.

    Args:
        class_name (`str`): One of `exhubert.EXHUBERT_LABELS`.
        speaker (`SyntheticSpeaker`): Who speaks.
        channel (`SyntheticChannel`): The corpus' recording channel.
        rng (`np.random.Generator`): Random source (per-utterance variation).
        duration (`float`, *optional*, defaults to 1.0): Length in seconds.

    Returns:
        `np.ndarray` of float32 samples at 16 kHz, peak below 1.

    Raises:
        ValueError: unknown `class_name`.
    """
    if class_name not in EXHUBERT_LABELS:
        raise ValueError(f"Unknown class {class_name!r}; use one of {EXHUBERT_LABELS}.")
    arousal, valence = class_name.split("_")
    high = arousal == "high"
    t = np.arange(int(duration * SAMPLING_RATE)) / SAMPLING_RATE
    progress = t / max(duration, 1e-6)
    slope = {"negative": -0.35, "neutral": 0.0, "positive": 0.35}[valence]
    f0 = speaker.base_f0 * (1.5 if high else 1.0) * rng.uniform(0.95, 1.05)
    contour = f0 * (1.0 + slope * (progress - 0.5))
    if valence == "positive":
        contour = contour * (1.0 + 0.04 * np.sin(2 * np.pi * 6.0 * t))
    contour = contour * (1.0 + 0.01 * rng.standard_normal(t.shape).cumsum() / np.sqrt(len(t)))
    phase = 2 * np.pi * np.cumsum(contour) / SAMPLING_RATE
    rolloff = (
        (0.9 if high else 1.7) + {"negative": 0.6, "neutral": 0.0, "positive": -0.5}[valence] + speaker.brightness
    )
    gains = np.array([1.0 / k**rolloff for k in range(1, 13)])
    if valence == "negative":
        gains[1::2] = 0.0  # odd harmonics only: a hollow timbre
    elif valence == "positive":
        gains[2:5] *= 3.0  # a bright formant around the 3rd-5th harmonics
    harmonics = sum(gain * np.sin(k * phase + rng.uniform(0, 2 * np.pi)) for k, gain in enumerate(gains, start=1))
    syllable_rate = (6.0 if high else 3.0) * speaker.rate * rng.uniform(0.9, 1.1)
    envelope = np.clip(np.sin(np.pi * syllable_rate * t + rng.uniform(0, np.pi)), 0.0, None) ** 1.5
    if valence == "negative":
        envelope = envelope * (1.0 + 0.5 * np.sin(2 * np.pi * 35.0 * t))
    signal = harmonics * envelope * (1.0 if high else 0.4)
    rms = np.sqrt(np.mean(signal**2)) + 1e-8
    signal = signal + channel.noise * rms * rng.standard_normal(t.shape)
    if channel.lowpass > 0:
        from scipy.signal import lfilter

        signal = lfilter([1.0 - channel.lowpass], [1.0, -channel.lowpass], signal)
    signal = channel.gain * signal / (np.abs(signal).max() + 1e-8)
    return signal.astype(np.float32)


def _corpus_names(num_corpora: int) -> list[str]:
    if not 1 <= num_corpora <= 26:
        raise ValueError(f"num_corpora must be between 1 and 26, got {num_corpora}.")
    return [f"synth_{chr(ord('a') + i)}" for i in range(num_corpora)]


def _channels(num_corpora: int, rng: np.random.Generator) -> list[SyntheticChannel]:
    return [
        SyntheticChannel(
            noise=float(rng.uniform(0.01, 0.15)),
            lowpass=float(rng.choice([0.0, 0.3, 0.6])),
            gain=float(rng.uniform(0.4, 0.9)),
        )
        for _ in range(num_corpora)
    ]


def _iter_utterances(num_corpora, speakers_per_corpus, clips_per_speaker, duration_range, seed, classes):
    """Yields `(corpus, speaker, class_name, index, waveform)` for the whole synthetic set, deterministically."""
    if speakers_per_corpus < 1 or clips_per_speaker < 1:
        raise ValueError("speakers_per_corpus and clips_per_speaker must be at least 1.")
    classes = list(classes or EXHUBERT_LABELS)
    unknown = sorted(set(classes) - set(EXHUBERT_LABELS))
    if unknown:
        raise ValueError(f"Unknown classes {unknown}; use names from {EXHUBERT_LABELS}.")
    rng = np.random.default_rng(seed)
    names = _corpus_names(num_corpora)
    for corpus, channel in zip(names, _channels(num_corpora, rng)):
        for speaker in make_speakers(corpus, speakers_per_corpus, rng):
            for index in range(clips_per_speaker):
                class_name = classes[index % len(classes)]
                duration = float(rng.uniform(*duration_range))
                yield (
                    corpus,
                    speaker,
                    class_name,
                    index,
                    synthesize_utterance(class_name, speaker, channel, rng, duration),
                )


def write_label_map(path: str | os.PathLike, corpora: Sequence[str]) -> Path:
    """
    Writes the label-map CSV (`corpus_id, raw_label, emotion, arousal, valence, class_id`) of synthetic corpora.

    Args:
        path (`str` or `os.PathLike`): Output CSV.
        corpora (`Sequence[str]`): Corpus names.

    Returns:
        `Path` of the file.
    """
    path = Path(path)
    rows = []
    for corpus in corpora:
        for class_id, class_name in enumerate(EXHUBERT_LABELS):
            raw, emotion = SYNTHETIC_LABELS[class_name]
            arousal, valence = class_name.split("_")
            rows.append([corpus, raw, emotion, arousal, valence, class_id])
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["corpus_id", "raw_label", "emotion", "arousal", "valence", "class_id"])
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


def generate_synthetic_corpora(
    output_dir: str | os.PathLike,
    num_corpora: int = 3,
    speakers_per_corpus: int = 8,
    clips_per_speaker: int = 12,
    duration_range: tuple[float, float] = (0.8, 1.4),
    seed: int = 0,
    classes: Sequence[str] | None = None,
    overwrite: bool = False,
) -> dict[str, Path]:
    """
    Writes synthetic corpora as WAV files with one manifest each (`<corpus>/manifest.csv`, columns
    `file,label,speaker,gender,language`) and a label map (`label_map.csv`) for `build_emoset`.

    Args:
        output_dir (`str` or `os.PathLike`): Folder to create (written atomically).
        num_corpora (`int`, *optional*, defaults to 3): Number of corpora (`synth_a`, `synth_b`, ...).
        speakers_per_corpus (`int`, *optional*, defaults to 8): Speakers per corpus.
        clips_per_speaker (`int`, *optional*, defaults to 12): Utterances per speaker, cycling through `classes`.
        duration_range (`tuple[float, float]`, *optional*, defaults to `(0.8, 1.4)`): Utterance length range (s).
        seed (`int`, *optional*, defaults to 0): Random seed.
        classes (`Sequence[str]`, *optional*): Classes to generate; defaults to all six.
        overwrite (`bool`, *optional*, defaults to `False`): Replace an existing `output_dir`.

    Returns:
        `dict[str, Path]`: corpus name -> manifest path, the `corpora` argument of `build_emoset` (give it
        `label_map=output_dir / "label_map.csv"`).

    Example:

    ```python
    >>> from exhubert.data.builder import build_emoset
    >>> corpora = generate_synthetic_corpora("synthetic")
    >>> emoset = build_emoset(corpora, label_map="synthetic/label_map.csv")
    ```
    """
    import soundfile as sf

    output_dir = Path(output_dir)
    rows: dict[str, list[list[str]]] = {}
    with atomic_directory(output_dir, overwrite=overwrite) as tmp:
        for corpus, speaker, class_name, index, waveform in _iter_utterances(
            num_corpora, speakers_per_corpus, clips_per_speaker, duration_range, seed, classes
        ):
            relative = Path(speaker.speaker_id) / f"{speaker.speaker_id}_{index:03d}_{class_name}.wav"
            (tmp / corpus / relative).parent.mkdir(parents=True, exist_ok=True)
            sf.write(tmp / corpus / relative, waveform, SAMPLING_RATE, subtype="FLOAT")
            raw = SYNTHETIC_LABELS[class_name][0]
            rows.setdefault(corpus, []).append([relative.as_posix(), raw, speaker.speaker_id, speaker.gender, "en"])
        for corpus, corpus_rows in rows.items():
            with (tmp / corpus / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["file", "label", "speaker", "gender", "language"])
                writer.writerows(corpus_rows)
        write_label_map(tmp / LABEL_MAP_FILE, list(rows))
    return {corpus: output_dir / corpus / "manifest.csv" for corpus in rows}


def synthetic_emoset(
    num_corpora: int = 3,
    speakers_per_corpus: int = 6,
    clips_per_speaker: int = 12,
    duration_range: tuple[float, float] = (0.8, 1.4),
    seed: int = 0,
    classes: Sequence[str] | None = None,
    eval_speakers: int = 1,
    test_speakers: int = 1,
):
    """
    The synthetic corpora as an in-memory EmoSet++-like `DatasetDict` (`train`, `validation`, `test`), split by
    speaker: the last `test_speakers` speakers of every corpus form `test`, the `eval_speakers` before them
    `validation`, the rest `train`.

    Columns: `audio` (Audio, 16 kHz), `label` (ClassLabel of the six ExHuBERT classes), `arousal`, `valence` (floats:
    0/1 and 0/0.5/1), `emotion`, `raw_label`, `corpus`, `speaker`, `gender`, `language`, `duration`, `id`.

    Args:
        num_corpora (`int`, *optional*, defaults to 3): Number of corpora.
        speakers_per_corpus (`int`, *optional*, defaults to 6): Speakers per corpus (at least
            `eval_speakers + test_speakers + 1`).
        clips_per_speaker (`int`, *optional*, defaults to 12): Utterances per speaker.
        duration_range (`tuple[float, float]`, *optional*, defaults to `(0.8, 1.4)`): Utterance length range (s).
        seed (`int`, *optional*, defaults to 0): Random seed.
        classes (`Sequence[str]`, *optional*): Classes to generate; defaults to all six.
        eval_speakers (`int`, *optional*, defaults to 1): Held-out validation speakers per corpus.
        test_speakers (`int`, *optional*, defaults to 1): Held-out test speakers per corpus.

    Returns:
        `datasets.DatasetDict`.

    Raises:
        ValueError: too few speakers for the requested held-out speakers.
    """
    from datasets import Audio, ClassLabel, Dataset, DatasetDict, Features, Value

    if speakers_per_corpus < eval_speakers + test_speakers + 1:
        raise ValueError(
            f"speakers_per_corpus={speakers_per_corpus} leaves no training speaker after {eval_speakers} validation "
            f"and {test_speakers} test speakers."
        )
    features = Features(
        {
            "audio": Audio(sampling_rate=SAMPLING_RATE),
            "label": ClassLabel(names=list(EXHUBERT_LABELS)),
            "arousal": Value("float32"),
            "valence": Value("float32"),
            "emotion": Value("string"),
            "raw_label": Value("string"),
            "corpus": Value("string"),
            "speaker": Value("string"),
            "gender": Value("string"),
            "language": Value("string"),
            "duration": Value("float32"),
            "id": Value("string"),
        }
    )
    splits: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for corpus, speaker, class_name, index, waveform in _iter_utterances(
        num_corpora, speakers_per_corpus, clips_per_speaker, duration_range, seed, classes
    ):
        number = int(speaker.speaker_id.rsplit("spk", 1)[1])
        if number >= speakers_per_corpus - test_speakers:
            split = "test"
        elif number >= speakers_per_corpus - test_speakers - eval_speakers:
            split = "validation"
        else:
            split = "train"
        arousal, valence = class_name.split("_")
        raw, emotion = SYNTHETIC_LABELS[class_name]
        splits[split].append(
            {
                "audio": {"array": waveform, "sampling_rate": SAMPLING_RATE},
                "label": EXHUBERT_LABELS.index(class_name),
                "arousal": float(arousal == "high"),
                "valence": {"negative": 0.0, "neutral": 0.5, "positive": 1.0}[valence],
                "emotion": emotion,
                "raw_label": raw,
                "corpus": corpus,
                "speaker": speaker.speaker_id,
                "gender": speaker.gender,
                "language": "en",
                "duration": len(waveform) / SAMPLING_RATE,
                "id": f"{speaker.speaker_id}_{index:03d}",
            }
        )
    return DatasetDict({name: Dataset.from_list(rows, features=features) for name, rows in splits.items()})
