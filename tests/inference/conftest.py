"""Generated recordings for the prediction tests: formats, rates, channels, a long file and broken files."""

import numpy as np
import pytest
import soundfile as sf
import torch
from torchcodec.encoders import AudioEncoder


def speech_like(seconds: float, rate: int, seed: int) -> np.ndarray:
    """A voiced, amplitude-modulated harmonic signal with noise (float32)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f0 = (120 + 40 * seed) * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 6)) * (0.5 + 0.5 * np.sin(2 * np.pi * 1.5 * t) ** 2)
    return (0.2 * wave + 0.01 * rng.standard_normal(t.shape)).astype(np.float32)


@pytest.fixture(scope="session")
def recordings(tmp_path_factory):
    """
    Paths of generated recordings: `stereo` (16 kHz, different channels), `rate_44k` (44.1 kHz), `rate_8k` (8 kHz
    FLAC), `mp3` (22.05 kHz, encoded by FFmpeg through torchcodec), `flac_stereo` (44.1 kHz stereo FLAC), `long`
    (2 minutes), `empty` (0 bytes), `corrupt` (random bytes), `short` (shorter than one HuBERT frame); plus
    `stereo_channels` (the two channels of `stereo`).
    """
    root = tmp_path_factory.mktemp("recordings")
    paths = {}
    left, right = speech_like(1.5, 16000, 1), speech_like(1.5, 16000, 2)
    paths["stereo"] = root / "stereo.wav"
    sf.write(paths["stereo"], np.stack([left, right], axis=1), 16000, subtype="FLOAT")
    paths["rate_44k"] = root / "rate_44k.wav"
    sf.write(paths["rate_44k"], speech_like(2.0, 44100, 3), 44100)
    paths["rate_8k"] = root / "sub" / "rate_8k.flac"
    paths["rate_8k"].parent.mkdir()
    sf.write(paths["rate_8k"], speech_like(1.25, 8000, 4), 8000)
    paths["long"] = root / "long.wav"
    sf.write(paths["long"], np.concatenate([speech_like(10.0, 16000, i % 5) for i in range(12)]), 16000)
    paths["mp3"] = root / "clip.mp3"
    AudioEncoder(torch.from_numpy(speech_like(1.0, 22050, 5))[None], sample_rate=22050).to_file(paths["mp3"])
    paths["flac_stereo"] = root / "stereo_44k.flac"
    channels = np.stack([speech_like(1.75, 44100, 1), speech_like(1.75, 44100, 3)])
    AudioEncoder(torch.from_numpy(channels), sample_rate=44100).to_file(paths["flac_stereo"])
    paths["empty"] = root / "broken" / "empty.wav"
    paths["empty"].parent.mkdir()
    paths["empty"].write_bytes(b"")
    paths["corrupt"] = root / "broken" / "corrupt.wav"
    paths["corrupt"].write_bytes(b"RIFF" + np.random.default_rng(0).bytes(3000))
    paths["short"] = root / "broken" / "short.wav"
    sf.write(paths["short"], speech_like(0.01, 16000, 6), 16000)
    paths["stereo_channels"] = (left, right)
    paths["root"] = root
    return paths
