"""Generated audio files and manifests for the EmoSet++ core tests (numpy + soundfile, ffmpeg for mp3)."""

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
"""The shared real clips (`../shared/data/{ravdess,savee,urdu}`)."""


def shared_corpus(name: str) -> Path:
    """Path of a real corpus sample in `../shared/data/<name>`; skips the calling test with the reason when absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"real clips of {name} not available: {path} is missing (they live in the shared/ folder)")
    return path


def write_tone(
    path: Path,
    seconds: float = 0.4,
    sampling_rate: int = 16000,
    channels: int = 1,
    frequency: float = 220.0,
    subtype: str = "PCM_16",
) -> Path:
    """Writes a sine tone (second channel at half amplitude) and returns `path`."""
    t = np.arange(int(seconds * sampling_rate)) / sampling_rate
    wave = 0.3 * np.sin(2 * np.pi * frequency * t)
    data = wave if channels == 1 else np.stack([wave] + [0.5 * wave] * (channels - 1), axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, data, sampling_rate, subtype=subtype)
    return path


def write_mp3(path: Path, seconds: float = 0.5) -> Path | None:
    """An mp3 made with the ffmpeg binary (None when ffmpeg is missing)."""
    if shutil.which("ffmpeg") is None:
        return None
    source = write_tone(path.with_suffix(".src.wav"), seconds, 22050)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-codec:a", "libmp3lame", str(path)], check=True
    )
    source.unlink()
    return path


def write_manifest(path: Path, rows: list[dict]) -> Path:
    """Writes a CSV manifest with the union of the rows' keys as header."""
    columns = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_label_map(path: Path, corpus: str, rows: dict[str, int | None]) -> Path:
    """A user label file: raw label -> class id (None = excluded on purpose)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["corpus_id", "raw_label", "emotion", "class_id", "certainty", "basis"])
        for label, class_id in rows.items():
            writer.writerow([corpus, label, label, "" if class_id is None else class_id, "ok", "test"])
    return path


def link_subset(source: Path, target: Path, keep) -> Path:
    """Mirrors the files of `source` for which `keep(relative_path)` is true into `target` as symlinks."""
    for path in sorted(source.rglob("*.wav")):
        relative = path.relative_to(source)
        if keep(relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).symlink_to(path)
    return target
