"""`load_audio`: the soundfile fast path gives FFmpeg's samples exactly; everything else goes through FFmpeg."""

import numpy as np
import pytest
import soundfile as sf

from exhubert.data import audio
from exhubert.data.audio import AudioDecodingError, load_audio

from .emoset_files import shared_corpus


def _stereo(seconds: float = 0.5, rate: int = 16000) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.clip(0.3 * rng.standard_normal((int(seconds * rate), 2)), -1, 1)


@pytest.mark.parametrize(
    "container, subtype",
    [("WAV", "PCM_16"), ("WAV", "PCM_24"), ("WAV", "PCM_32"), ("WAV", "PCM_U8"), ("WAV", "FLOAT"), ("WAV", "DOUBLE")]
    + [("FLAC", "PCM_16"), ("FLAC", "PCM_24"), ("AIFF", "PCM_16")],
)
def test_fast_path_equals_ffmpeg(tmp_path, container, subtype):
    path = tmp_path / f"clip.{container.lower()}"
    sf.write(path, _stereo(), 16000, format=container, subtype=subtype)
    fast = audio._read_without_resampling(str(path), 16000, None, None)
    assert fast is not None, "a lossless file at the target rate must take the soundfile path"
    np.testing.assert_array_equal(fast, audio._decode_with_ffmpeg(str(path), 16000, None, None))
    for start, end in [(0.1, 0.35), (None, 0.2), (0.123, None)]:
        np.testing.assert_array_equal(
            load_audio(path, start=start, end=end), audio._decode_with_ffmpeg(str(path), 16000, start, end)
        )
    np.testing.assert_array_equal(load_audio(path), fast)


def test_resampling_and_lossy_files_go_through_ffmpeg(tmp_path):
    resampled = tmp_path / "cd.wav"
    sf.write(resampled, _stereo(rate=44100), 44100, subtype="PCM_16")
    assert audio._read_without_resampling(str(resampled), 16000, None, None) is None
    assert load_audio(resampled).shape == (8000,)
    mu_law = tmp_path / "ulaw.wav"
    sf.write(mu_law, _stereo(), 16000, subtype="ULAW")
    assert audio._read_without_resampling(str(mu_law), 16000, None, None) is None
    assert load_audio(mu_law).shape == (8000,)


def test_broken_files(tmp_path):
    truncated = tmp_path / "truncated.wav"
    sf.write(truncated, _stereo(), 16000, subtype="PCM_16")
    truncated.write_bytes(truncated.read_bytes()[:2000])
    waveform = load_audio(truncated)
    assert 0 < len(waveform) < 8000
    np.testing.assert_array_equal(waveform, audio._decode_with_ffmpeg(str(truncated), 16000, None, None))
    header_only = tmp_path / "header_only.wav"
    header_only.write_bytes(truncated.read_bytes()[:44])
    with pytest.raises(AudioDecodingError, match="header_only.wav"):
        load_audio(header_only)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"RIFF" + np.random.default_rng(1).bytes(500))
    with pytest.raises(AudioDecodingError, match="garbage.wav: cannot decode"):
        load_audio(garbage)


def test_real_clips_decode_identically():
    root = shared_corpus("savee")
    for path in sorted(root.rglob("*.wav"))[:20]:
        np.testing.assert_array_equal(load_audio(path), audio._decode_with_ffmpeg(str(path), 16000, None, None))
