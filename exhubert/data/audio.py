"""The one audio decoding path of the package: EmoSet++ building and prediction both decode through `load_audio`."""

import os

import numpy as np
import soundfile as sf

SAMPLING_RATE = 16000
"""Sampling rate of every HuBERT-family model and of EmoSet++."""


_LOSSLESS_SUBTYPES = frozenset({"PCM_U8", "PCM_S8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"})
"""libsndfile sample encodings (in WAV, FLAC, AIFF, ...) whose samples it reads exactly as FFmpeg decodes them."""


class AudioDecodingError(ValueError):
    """A file could not be decoded (missing, corrupt, empty or without an audio stream); the message names it."""


def load_audio(
    path: str | os.PathLike,
    sampling_rate: int = SAMPLING_RATE,
    start: float | None = None,
    end: float | None = None,
) -> np.ndarray:
    """
    Decodes any FFmpeg-readable file (wav, flac, mp3, ogg, m4a, the audio stream of mp4/avi, ...) to a mono float32
    waveform at `sampling_rate`, resampling once with FFmpeg (torchcodec).

    Multi-channel audio is mixed down to the **channel mean**, the convention of datasets' `Audio` feature
    (`ds[i]["audio"]["array"]`); EmoSet++ building, training and prediction all use it.

    Lossless WAV, FLAC and AIFF files already at `sampling_rate` are read with soundfile, which gives the
    same samples as FFmpeg (PCM scaled by `2**-(bits - 1)`) without FFmpeg's per-file probing (about 12 ms, 30 times
    the read itself for a 3 s clip); everything else, and every file that needs resampling, goes through FFmpeg.

    Args:
        path (`str` or `os.PathLike`): The file to decode.
        sampling_rate (`int`, *optional*, defaults to 16000): Target rate.
        start (`float`, *optional*): Start of the segment to decode, in seconds.
        end (`float`, *optional*): End of the segment to decode, in seconds.

    Returns:
        `np.ndarray` of shape `(num_samples,)`, dtype float32.

    Raises:
        AudioDecodingError: the file is missing, unreadable, has no audio stream or decodes to no samples.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise AudioDecodingError(f"{path}: file not found.")
    if os.path.getsize(path) == 0:
        raise AudioDecodingError(f"{path}: the file is empty (0 bytes).")
    waveform = _read_without_resampling(path, sampling_rate, start, end)
    if waveform is None:
        waveform = _decode_with_ffmpeg(path, sampling_rate, start, end)
    if waveform.size == 0:
        raise AudioDecodingError(f"{path}: the file decodes to no audio samples.")
    if not np.isfinite(waveform).all():
        raise AudioDecodingError(f"{path}: the decoded audio contains NaN or infinite values.")
    return waveform


def _read_without_resampling(path: str, sampling_rate: int, start: float | None, end: float | None):
    """The channel-mean waveform read by libsndfile, or `None` when it cannot read the file or it needs resampling."""
    try:
        info = sf.info(path)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return None
    if info.samplerate != sampling_rate or info.frames == 0 or info.subtype not in _LOSSLESS_SUBTYPES:
        return None
    first = 0 if start is None else max(0, int(round(start * sampling_rate)))
    last = None if end is None else int(round(end * sampling_rate))
    try:
        data = sf.read(path, start=first, stop=last, dtype="float32", always_2d=True)[0]
    except (sf.LibsndfileError, RuntimeError) as error:
        raise AudioDecodingError(f"{path}: cannot decode audio ({error}).") from error
    return _channel_mean(data.T)


def _decode_with_ffmpeg(path: str, sampling_rate: int, start: float | None, end: float | None) -> np.ndarray:
    """The channel-mean waveform decoded and resampled by FFmpeg (torchcodec)."""
    from torchcodec.decoders import AudioDecoder

    try:
        decoder = AudioDecoder(path, sample_rate=sampling_rate)
        if start is None and end is None:
            samples = decoder.get_all_samples()
        else:
            samples = decoder.get_samples_played_in_range(start_seconds=start or 0.0, stop_seconds=end)
    except Exception as error:  # torchcodec raises RuntimeError/ValueError variants from FFmpeg
        raise AudioDecodingError(f"{path}: cannot decode audio ({error}).") from error
    return _channel_mean(samples.data.numpy())


def _channel_mean(data: np.ndarray) -> np.ndarray:
    """
    Mono float32 mix of `(channels, samples)` audio. Computed with numpy rather than torch: torch's OpenMP thread pool
    deadlocks in processes forked after the parent used it (datasets' `num_proc` workers).
    """
    return data[0].astype(np.float32) if data.shape[0] == 1 else data.mean(axis=0, dtype=np.float32)
